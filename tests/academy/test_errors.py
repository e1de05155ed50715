"""Every app's refusals share one base, and one middleware answers the ones a view lets through."""

import json

import pytest
from django.test import RequestFactory

from academy.errors import AcademyError, AcademyErrorMiddleware
from academy.services import MembershipError
from certification.services.exams import ExamError
from certification.services.issuing import IssuingError
from certification.services.programmes import ProgrammeError
from courses.services import LearningError
from events.services import EventError
from growth.services import GrowthError


@pytest.mark.parametrize(
    "error",
    [
        LearningError,
        EventError,
        ExamError,
        ProgrammeError,
        IssuingError,
        GrowthError,
        MembershipError,
    ],
)
def test_every_apps_errors_share_the_base(error):
    assert issubclass(error, AcademyError)
    refused = error("Not now.")
    assert refused.message == "Not now." and 400 <= refused.status < 500


def _answer(exception, **headers):
    request = RequestFactory().get("/somewhere/", **headers)
    request.user = None
    middleware = AcademyErrorMiddleware(lambda r: None)
    return middleware.process_exception(request, exception)


@pytest.mark.django_db
def test_a_refusal_a_view_let_through_is_a_message_page():
    response = _answer(EventError("The event is full."))
    response.render()
    assert response.status_code == 409
    assert "The event is full." in response.content.decode()


def test_a_refusal_is_json_for_a_json_client():
    response = _answer(ExamError("Time is up.", status=410), HTTP_ACCEPT="application/json")
    assert response.status_code == 410
    assert json.loads(response.content) == {"error": "Time is up."}


def test_other_exceptions_are_not_its_business():
    assert _answer(ValueError("boom")) is None


def test_default_messages_follow_the_readers_language():
    from django.utils import translation

    with translation.override("zh-hans"):
        chinese = str(EventError().message)
    with translation.override("en"):
        english = str(EventError().message)
    assert english == "This is not possible for this event."
    assert chinese != english
