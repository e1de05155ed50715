"""`manage.py process_closures`: carry out the account closures whose cooling-off period has
ended (beat does it daily), or, with --email and --by, one person's closure now on their behalf."""

from django.core.management.base import BaseCommand, CommandError

from academy import closure
from academy.models import User


class Command(BaseCommand):
    help = "Close the accounts whose cooling-off period has ended."

    def add_arguments(self, parser):
        parser.add_argument("--email", help="Close this person's account now (on their behalf).")
        parser.add_argument(
            "--by", help="E-mail of the staff member acting (required with --email)."
        )

    def handle(self, *args, email=None, by=None, **options):
        if email:
            staff = User.objects.filter(email__iexact=by or "", is_staff=True).first()
            if staff is None:
                raise CommandError("--by must name a staff member's e-mail address.")
            person = User.objects.filter(email__iexact=email).first()
            if person is None:
                raise CommandError("No account has that e-mail address.")
            try:
                request = closure.open_request(person) or closure.request_on_behalf(
                    person, by=staff
                )
            except closure.ClosureRefused as refusal:
                raise CommandError(refusal.message) from refusal
            closure.close_now(request, by=staff)
            self.stdout.write(f"closed: request #{request.pk}")
            return
        result = closure.process_due()
        self.stdout.write(f"closed {result.done}, failed {len(result.failed)}")
        if result.failed:
            raise SystemExit(1)
