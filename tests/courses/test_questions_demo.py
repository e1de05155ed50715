"""The demo's questions: a lesson's and a case's, answered by the demo lecturer and accepted,
one waiting on the lecturer's desk; a second seed_demo adds none."""

from io import StringIO

from django.core.management import call_command

from academy import search
from academy.models import OutboxTask
from courses.models import Answer, CoursePage, Question


def test_seed_demo_asks_answers_and_accepts_once(db, client):
    call_command("seed_demo", stdout=StringIO())
    topics = CoursePage.objects.filter(slug="mini-program-ecommerce-basics").values_list(
        "teaching_topic", flat=True
    )
    assert set(topics) == {"小程序电商"}  # the original and its English version
    accepted = Answer.objects.filter(accepted_at__isnull=False, by_lecturer=True)
    assert {a.author.email for a in accepted} == {"lecturer@example.com"}
    assert {type(a.question.page.specific).__name__ for a in accepted} == {
        "LessonPage",
        "CaseStudyPage",
    }
    waiting = Question.objects.get(answered_at__isnull=True)
    # The askers' e-mails are in the outbox (sent after the commit that this test never makes).
    emails = OutboxTask.objects.filter(task="courses.tasks.email_question_answered")
    assert emails.count() == 2
    assert search.search("外賣平台").exists()  # the lesson's answered question, Traditional query

    client.force_login(Answer.objects.first().author)
    assert waiting.title in client.get("/en/my-academy/").content.decode()

    counts = (Question.objects.count(), Answer.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Question.objects.count(), Answer.objects.count()) == counts
