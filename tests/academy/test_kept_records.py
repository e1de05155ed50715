"""Records staff cannot wipe by accident: deleting an event with registrations, its listing, a
course with enrolments or progress, a programme with certificates or a certificate holder is
refused in the admin with the reason (academy/records.py); things without records still go."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Page
from wagtail.users.models import UserProfile

from academy.records import kept_records
from certification.models import Certificate, Programme
from courses.models import Enrollment, LessonProgress
from events import services as event_services
from events.models import EventPage
from tests.certification.factories_programmes import make_programme
from tests.courses.content import make_catalogue, make_course, make_lesson
from tests.events.factories import make_event, make_index
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    UserProfile.objects.update_or_create(user=admin, defaults={"preferred_language": "en"})
    client.force_login(admin)
    return client


@pytest.fixture(autouse=True)
def _no_wagtail_background_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def index(home_page):
    return make_index(home_page)


@pytest.fixture
def event_with_registration(index):
    event = make_event(index, title="上海工作坊")
    event_services.register(UserFactory(), event)
    return event


def _errors(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


def _refused(response, *fragments) -> str:
    assert response.status_code == 302, response.status_code
    errors = _errors(response)  # an earlier refusal on the same client may still be queued
    assert errors and all("cannot be deleted" in error for error in errors)
    message = errors[-1]
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_event_with_registrations_is_not_deleted(admin_client, event_with_registration):
    event = event_with_registration
    url = reverse("wagtailadmin_pages:delete", args=[event.pk])
    # Refused before the confirmation, and the same on the POST that would delete.
    confirm = admin_client.get(url)
    _refused(confirm, "“上海工作坊”", "registrations (1)", "Unpublish it instead")
    assert confirm["Location"] == reverse("wagtailadmin_pages:edit", args=[event.pk])
    _refused(admin_client.post(url))
    assert EventPage.objects.filter(pk=event.pk).exists()


def test_the_listing_above_such_an_event_is_not_deleted(
    admin_client, index, event_with_registration
):
    make_event(index)  # a sibling without registrations does not change the answer
    response = admin_client.post(reverse("wagtailadmin_pages:delete", args=[index.pk]))
    _refused(response, "pages below it", "registrations (1)")
    assert Page.objects.filter(pk=index.pk).exists()
    assert EventPage.objects.filter(pk=event_with_registration.pk).exists()


def test_bulk_delete_in_the_explorer_is_refused(admin_client, index, event_with_registration):
    empty = make_event(index, title="没人报名的活动")
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete"))
    query = f"?id={event_with_registration.pk}&id={empty.pk}&next=/admin/pages/{index.pk}/"
    response = admin_client.post(url + query)
    _refused(response, "上海工作坊", "registrations (1)")
    assert response["Location"] == f"/admin/pages/{index.pk}/"
    assert EventPage.objects.filter(pk__in=[event_with_registration.pk, empty.pk]).count() == 2


def test_pages_without_records_are_still_deleted(admin_client, index):
    event = make_event(index)
    response = admin_client.post(reverse("wagtailadmin_pages:delete", args=[event.pk]))
    assert response.status_code == 302 and not _errors(response)
    assert not EventPage.objects.filter(pk=event.pk).exists()
    catalogue = make_catalogue(index.get_parent())
    course = make_course(catalogue)
    make_lesson(course)
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete"))
    admin_client.post(url + f"?id={course.pk}")
    assert not Page.objects.filter(pk=course.pk).exists()


def test_course_with_enrolments_is_not_deleted(admin_client, home_page):
    course = make_course(make_catalogue(home_page), title="小程序支付入门")
    Enrollment.objects.create(user=UserFactory(), course=course)
    response = admin_client.post(reverse("wagtailadmin_pages:delete", args=[course.pk]))
    _refused(response, "小程序支付入门", "enrolments (1)")
    assert Page.objects.filter(pk=course.pk).exists()


def test_lesson_someone_worked_through_is_not_deleted(admin_client, home_page):
    course = make_course(make_catalogue(home_page))
    lesson = make_lesson(course)
    LessonProgress.objects.create(user=UserFactory(), lesson=lesson, completed_at=timezone.now())
    _refused(admin_client.post(reverse("wagtailadmin_pages:delete", args=[course.pk])))
    _refused(admin_client.post(reverse("wagtailadmin_pages:delete", args=[lesson.pk])))
    assert Page.objects.filter(pk__in=[course.pk, lesson.pk]).count() == 2


def _certificate(programme, holder) -> Certificate:
    return Certificate.objects.create(
        holder=holder,
        programme=programme,
        serial="PA-TEST-0001",
        issued_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=700),
        holder_name="王芳",
    )


def test_programme_with_certificates_is_not_deleted(admin_client):
    programme = make_programme(title="认证讲师")
    _certificate(programme, UserFactory())
    with translation.override("en"):
        assert kept_records([programme]) == {"certificates": 1}
    url = reverse("programmes:delete", args=[programme.pk])
    _refused(admin_client.get(url), "认证讲师", "certificates (1)", "open to candidates")
    _refused(admin_client.post(url))
    assert Programme.objects.filter(pk=programme.pk).exists()
    unused = make_programme()
    response = admin_client.post(reverse("programmes:delete", args=[unused.pk]))
    assert response.status_code == 302
    assert not Programme.objects.filter(pk=unused.pk).exists()


def test_certificate_holder_account_is_not_deleted(admin_client):
    holder = UserFactory(display_name="王芳")
    _certificate(make_programme(), holder)
    response = admin_client.post(reverse("wagtailusers_users:delete", args=[holder.pk]))
    _refused(response, "certificates (1)", "Deactivate the account instead")
    assert type(holder).objects.filter(pk=holder.pk).exists()
