"""Demo content for `make run`: the academy as a newcomer should first see it.

The content is data under demo/ (one folder per app); each app's demo module reads its files.
This command only orders the steps: later ones read what earlier ones made.
Idempotent: everything is looked up by a natural key (e-mail, company name, page slug) and only
created when missing, so a second run changes nothing and content staff edited is left alone.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from academy import demo
from certification import demo_exams as certification_demo_exams
from certification import demo_programmes as certification_demo
from courses import demo as courses_demo
from courses import demo_questions as courses_demo_questions
from events import demo as events_demo
from growth import demo as growth_demo
from showcase import demo as showcase_demo

DEMO_PASSWORD = demo.PASSWORD


class Command(BaseCommand):
    help = (
        "Create the demo academy (pages, providers, staff and member accounts). Safe to run twice."
    )

    def handle(self, *args, **options):
        # The demo's people live at example.com: what the real flows mail them (a certificate
        # issued when the demo lecturer passes the exam, say) is kept out of the console.
        # The override spans the commit, where on-commit tasks send their mail.
        locmem = "django.core.mail.backends.locmem.EmailBackend"
        with override_settings(EMAIL_BACKEND=locmem), transaction.atomic():
            self.seed_all()
        self.print_logins()

    def seed_all(self):
        home = demo.seed_home(self.stdout)
        demo.seed_pages(home, self.stdout)
        demo.seed_settings()
        demo.seed_people(demo.seed_providers())
        # Courses, cases and events come after the users: the demo member is enrolled and signed up.
        courses_demo.seed(home, self.stdout)
        events_demo.seed(home, self.stdout)
        # Exams before programmes: the lecturer programme requires the written exam.
        certification_demo_exams.seed(self.stdout)
        # Certification next: it reads course completions, sessions taught and ratings.
        certification_demo.seed(home, self.stdout)
        # Questions after certification: the demo lecturer answers as a certified lecturer.
        courses_demo_questions.seed(self.stdout)
        # Growth next: it reads everything seeded above.
        growth_demo.seed(home, self.stdout)
        # Provider profiles last of the apps: they show lecturers, certificates and cases.
        showcase_demo.seed(home, self.stdout)
        growth_demo.seed_later_providers(self.stdout)
        # English versions last, of pages the steps above made (demo/academy/english.yaml).
        demo.seed_english(self.stdout)
        # The privacy notice last: every demo account has accepted it, so the demo never asks.
        demo.seed_privacy(self.stdout)

    def print_logins(self) -> None:
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD})"))
        for person in demo.people():
            self.stdout.write(f"  {person['email']:<24} {person['role']}")
