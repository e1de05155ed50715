"""The "accepted answers" requirement: a certified lecturer's answers that askers accepted count
toward a programme (renewal evidence next to sessions taught and ratings)."""

import pytest
from django.utils import translation

from academy.models import OutboxTask
from certification.services.programmes import candidates, programme_progress
from courses import questions_services, services
from tests.certification.factories_programmes import Kind, make_programme
from tests.courses.content import make_catalogue, make_course, make_lesson
from tests.factories import LecturerProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def _answered(home_page, lecturer, count: int):
    course = make_course(make_catalogue(home_page), teaching_topic="小程序电商")
    lesson = make_lesson(course)
    answers = []
    for n in range(count):
        asker = UserFactory()
        services.enrol(asker, course)
        question = questions_services.ask(
            asker, lesson, title=f"第{n}个问题怎么办？", body="问题的详细说明在这里。"
        )
        answers.append(
            (asker, questions_services.answer(lecturer, question, "这是讲师给出的详细回答。"))
        )
    return answers


def test_accepted_answers_count_toward_the_programme(home_page):
    programme = make_programme(requirements=[(1, Kind.ACCEPTED_ANSWERS, {"count": 2})])
    lecturer = LecturerProfileFactory(authorised_topics=["小程序电商"]).user
    answers = _answered(home_page, lecturer, 3)
    with translation.override("en"):
        [item] = programme_progress(lecturer, programme).groups[0].items
    assert not item.met and item.current == 0
    assert "2 more accepted answers." in str(item.missing)

    asker, answer = answers[0]
    rechecks = OutboxTask.objects.filter(task="certification.tasks.check_programmes")
    assert not rechecks.exists()
    questions_services.accept(asker, answer)
    # Accepting tells certification (answer_accepted), which queues the lecturer's re-check.
    assert [row.args for row in rechecks] == [[lecturer.pk]]
    assert lecturer.pk not in candidates(programme).values_list("pk", flat=True)

    asker, answer = answers[1]
    questions_services.accept(asker, answer)
    [item] = programme_progress(lecturer, programme).groups[0].items
    assert item.met and item.current == 2
    assert len(item.evidence) == 2
    assert lecturer.pk in candidates(programme).values_list("pk", flat=True)


def test_staff_answers_and_hidden_questions_do_not_count(home_page):
    programme = make_programme(requirements=[(1, Kind.ACCEPTED_ANSWERS, {"count": 1})])
    lecturer = LecturerProfileFactory(authorised_topics=["小程序电商"]).user
    [(asker, answer)] = _answered(home_page, lecturer, 1)
    questions_services.accept(asker, answer)
    assert programme_progress(lecturer, programme).complete
    questions_services.hide(answer.question)
    assert not programme_progress(lecturer, programme).complete
