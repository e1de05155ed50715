"""Only lecturers authorised for an event's topic (by a valid certificate, written onto their
lecturer record by certification) may be assigned to teach it: in the services and the admin."""

import pytest
from django.utils import translation

from academy import teaching
from academy.errors import ActionRefused
from events import services
from events.models import EventKind, EventLecturer, EventPage
from tests.events.factories import certified_lecturer, lecturer_profile
from tests.factories import UserFactory
from tests.growth.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(db):
    return ProgrammeFactory(topics="小程序电商, 微信支付")


@pytest.fixture
def certified(programme):
    return certified_lecturer(programme.topics)


def test_topics_come_from_the_programmes(programme):
    ProgrammeFactory(topics="门店数字化，微信支付")
    assert teaching.topics() == ["小程序电商", "微信支付", "门店数字化"]


def test_only_a_lecturer_authorised_for_the_topic_may_teach(certified, event_factory):
    stranger = lecturer_profile()
    event = event_factory(kind=EventKind.LECTURER_SESSION, topic="微信支付")
    assert certified.authorised_topics == ["小程序电商", "微信支付"]
    assert services.may_teach(certified, event)
    assert not services.may_teach(stranger, event)
    assert not services.may_teach(certified, event_factory(topic="门店数字化"))


def test_a_lecturer_led_session_needs_a_topic_a_workshop_does_not(certified, event_factory):
    assert not services.may_teach(certified, event_factory(kind=EventKind.LECTURER_SESSION))
    assert services.may_teach(lecturer_profile(), event_factory(kind=EventKind.WORKSHOP))


def test_assign_lecturer_refuses_an_unauthorised_lecturer(certified, event_factory):
    event = event_factory(kind=EventKind.LECTURER_SESSION, topic="小程序电商")
    stranger = lecturer_profile()
    with translation.override("en"), pytest.raises(services.NotAuthorisedToTeach) as refused:
        services.assign_lecturer(event, stranger, role="主讲")
    assert isinstance(refused.value, ActionRefused) and refused.value.status == 403
    assert "may not teach “小程序电商”" in refused.value.message
    assert not EventLecturer.objects.filter(page=event).exists()

    link = services.assign_lecturer(event, certified, role="主讲")
    assert (link.lecturer, link.topic) == (certified, "主讲")
    assert services.assign_lecturer(event, certified).pk == link.pk  # once


def test_a_revoked_certificate_withdraws_the_authorisation(certified, event_factory):
    from certification.services.issuing import revoke_certificate

    event = event_factory(kind=EventKind.LECTURER_SESSION, topic="微信支付")
    revoke_certificate(
        certified.user.certificates.get(), by=UserFactory(is_staff=True), reason="冒用"
    )
    certified.refresh_from_db()
    assert not services.may_teach(certified, event)


def _edit_form(event: EventPage, lecturers, topic: str) -> dict:
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    return nested_form_data(
        {
            "title": event.title,
            "slug": event.slug,
            "summary": event.summary,
            "kind": EventKind.LECTURER_SESSION,
            "audience": event.audience,
            "topic": topic,
            "city": event.city,
            "venue": event.venue,
            "address": event.address,
            "time_zone": event.time_zone,
            "start": "2027-04-01 14:00",
            "end": "2027-04-01 17:00",
            "capacity": "20",
            "claim_window_hours": "0",
            "check_in_opens_before": "120",
            "check_in_closes_after": "0",
            "agenda": streamfield([]),
            "lecturer_links": inline_formset(
                [{"lecturer": str(lecturer.pk), "topic": "主讲"} for lecturer in lecturers]
            ),
            "comments": inline_formset([]),
        }
    )


def test_the_admin_explains_why_a_lecturer_is_refused(client, certified, event):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    stranger = lecturer_profile(user=UserFactory(display_name="陈未认证"))
    url = f"/admin/pages/{event.pk}/edit/"
    response = client.post(url, _edit_form(event, [stranger], "小程序电商"))
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    # The admin speaks the editor's language (zh-hans by default).
    assert any("陈未认证 不能讲授「小程序电商」" in str(e) for e in errors), errors
    assert "陈未认证" in response.content.decode()
    assert not EventLecturer.objects.filter(page=event).exists()

    response = client.post(url, _edit_form(event, [certified], "小程序电商"))
    assert response.status_code == 302
    assert EventPage.objects.get(pk=event.pk).get_latest_revision_as_object().topic == "小程序电商"


def test_the_admin_offers_the_programmes_topics(client, programme, event):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    html = client.get(f"/admin/pages/{event.pk}/edit/").content.decode()
    assert '<option value="微信支付">微信支付</option>' in html
    response = client.post(f"/admin/pages/{event.pk}/edit/", _edit_form(event, [], "不存在的主题"))
    assert response.status_code == 200 and "topic" in response.context["form"].errors
