"""The demo's questions: a lesson's and a case's, answered by the demo lecturer and accepted,
one waiting on the lecturer's desk; a second seed_demo adds none."""

from io import StringIO

from django.core.management import call_command

from academy import search
from academy.models import OutgoingMail
from courses.models import Answer, CoursePage, Question


def test_seed_demo_asks_answers_and_accepts_once(db, client):
    call_command("seed_demo", stdout=StringIO())
    assert (
        CoursePage.objects.get(slug="mini-program-ecommerce-basics").teaching_topic == "小程序电商"
    )
    accepted = Answer.objects.filter(accepted_at__isnull=False, by_lecturer=True)
    assert {a.author.email for a in accepted} == {"lecturer@example.com"}
    assert {type(a.question.page.specific).__name__ for a in accepted} == {
        "LessonPage",
        "CaseStudyPage",
    }
    waiting = Question.objects.get(answered_at__isnull=True)
    assert OutgoingMail.objects.filter(kind="question-answered").count() == 2
    assert search.search("外賣平台").exists()  # the lesson's answered question, Traditional query

    client.force_login(Answer.objects.first().author)
    assert waiting.title in client.get("/en/my-academy/").content.decode()

    counts = (Question.objects.count(), Answer.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Question.objects.count(), Answer.objects.count()) == counts
