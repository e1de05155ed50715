"""Every app's refusals share one base, and one middleware answers the ones a view lets through."""

import json

import pytest
from django.test import RequestFactory
from django.urls import path

from academy.closure import ClosureRefused
from academy.errors import AcademyError, AcademyErrorMiddleware
from academy.my_data import ExportTooSoon
from academy.services import MembershipError
from academy.urls import urlpatterns as site_urlpatterns
from certification.services.exams import ExamError
from certification.services.issuing import IssuingError, LanguageUnchanged
from certification.services.programmes import ProgrammeError
from courses.services import LearningError
from events.services import EventError
from growth.services import GrowthError
from showcase.services import ShowcaseRefused


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
        ShowcaseRefused,
        ClosureRefused,
        ExportTooSoon,
        LanguageUnchanged,
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


# What browsers and scripts send: the page for the first, JSON only when it is preferred.
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize(
    "accept",
    [
        "application/json",
        "application/json, text/plain, */*",
        "application/json, text/javascript, */*; q=0.01",
        "text/html;q=0.5, application/json",
    ],
)
def test_json_when_the_client_prefers_it(accept):
    response = _answer(ExamError("Time is up.", status=410), HTTP_ACCEPT=accept)
    assert response["Content-Type"] == "application/json"
    assert response.status_code == 410
    assert json.loads(response.content) == {"error": "Time is up."}


@pytest.mark.django_db
@pytest.mark.parametrize("accept", [BROWSER, "*/*", "text/html, application/json;q=0.9", None])
def test_the_message_page_when_html_is_preferred_or_all_is_the_same(accept):
    headers = {"HTTP_ACCEPT": accept} if accept is not None else {}
    response = _answer(EventError("The event is full."), **headers)
    response.render()
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    assert "The event is full." in response.content.decode()


def _refusing_view(request):
    raise ShowcaseRefused("This profile is waiting for review.", status=403)


# The site's own URLs too: the message page links to them (sign in, home).
urlpatterns = [path("refuses/", _refusing_view), *site_urlpatterns]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_installed_middleware_answers_a_refusal_a_view_let_through(client):
    page = client.get("/refuses/", headers={"accept": BROWSER})
    assert page.status_code == 403
    assert "This profile is waiting for review." in page.content.decode()
    answer = client.get("/refuses/", headers={"accept": "application/json"})
    assert answer.status_code == 403
    assert answer.json() == {"error": "This profile is waiting for review."}
