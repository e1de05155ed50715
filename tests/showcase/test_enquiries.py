"""Merchant enquiries: stored, the provider's admins e-mailed once and the merchant a copy once,
worked through on the team side, refused when spam, anonymised after the retention period, and
counted in the staff report."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from academy.models import OutgoingMail
from showcase import mail as showcase_mail
from showcase import services
from showcase.models import Enquiry
from tests.factories import MembershipFactory

from .helpers import admin_of, make_profile, staff

pytestmark = pytest.mark.django_db


def form(**overrides) -> dict:
    data = {
        "name": "周婷",
        "company": "茶小满",
        "phone": "",
        "email": "tea@example.com",
        "city": "杭州",
        "need": "12 家门店想上线点单与储值。",
        "budget": "10k-50k",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def send(client, profile, **overrides):
    return client.post(reverse("showcase:enquiry_send", args=[profile.slug]), form(**overrides))


def test_enquiry_mails_the_admins_once_and_the_merchant_a_copy(
    client, home_page, django_capture_on_commit_callbacks
):
    profile = make_profile()
    second_admin = MembershipFactory(provider=profile.provider, role="admin")
    MembershipFactory(provider=profile.provider)  # a plain member is not mailed
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, profile)
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.provider == profile.provider and enquiry.consented_at
    assert len(mail.outbox) == 2
    to_admins, copy = sorted(mail.outbox, key=lambda m: m.to == ["tea@example.com"])
    admin = profile.provider.memberships.get(role="admin", pk__lt=second_admin.pk)
    assert sorted(to_admins.to) == sorted([admin.user.email, second_admin.user.email])
    assert "12 家门店" in to_admins.body and to_admins.reply_to == ["tea@example.com"]
    assert copy.to == ["tea@example.com"] and "12 家门店" in copy.body
    # The tasks run again (a relay, a retry): nothing more is sent.
    showcase_mail.email_enquiry_to_admins(enquiry.pk)
    showcase_mail.email_enquiry_copy(enquiry.pk)
    assert len(mail.outbox) == 2
    assert OutgoingMail.objects.filter(key__startswith="showcase:enquiry:").count() == 2


def test_enquiry_reaches_the_admins_team_page(client, home_page):
    profile = make_profile()
    send(client, profile, name="吴强")
    admin = profile.provider.memberships.get(role="admin")
    client.force_login(admin.user)
    listing = client.get(reverse("showcase:team_enquiries")).content.decode()
    assert "吴强" in listing


def test_admin_moves_an_enquiry_along_with_notes(client, home_page):
    profile = make_profile()
    send(client, profile)
    enquiry = Enquiry.objects.get()
    admin = profile.provider.memberships.get(role="admin")
    client.force_login(admin.user)
    url = reverse("showcase:team_enquiry", args=[enquiry.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "contacted", "notes": "已电话联系"})
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == "contacted" and enquiry.notes == "已电话联系"
    assert enquiry.status_changed_at is not None
    client.post(url, {"status": "won", "notes": "签约"})
    enquiry.refresh_from_db()
    assert enquiry.status == "won"
    assert client.post(url, {"status": "bogus"}).status_code == 400


def test_another_companys_enquiry_is_a_404(client, home_page):
    profile = make_profile()
    send(client, profile)
    enquiry = Enquiry.objects.get()
    client.force_login(admin_of().user)
    url = reverse("showcase:team_enquiry", args=[enquiry.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"status": "lost", "notes": ""}).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to sign in


def test_honeypot_is_answered_like_success_and_stores_nothing(client, home_page):
    profile = make_profile()
    response = send(client, profile, website="http://spam.example")
    assert response.status_code == 302
    assert not Enquiry.objects.exists()


def test_missing_consent_contact_or_too_long_is_a_400(client, home_page):
    profile = make_profile()
    assert send(client, profile, consent="").status_code == 400
    assert send(client, profile, email="", phone="").status_code == 400
    assert send(client, profile, need="很" * 2001).status_code == 400
    assert send(client, profile, name="名" * 61).status_code == 400
    assert not Enquiry.objects.exists()


def test_enquiries_are_rate_limited(client, home_page, settings):
    settings.ACADEMY_RATE_LIMITS = {**settings.ACADEMY_RATE_LIMITS, "showcase_enquiry": "2/m/ip"}
    profile = make_profile()
    assert send(client, profile).status_code == 302
    assert send(client, profile).status_code == 302
    refused = send(client, profile)
    assert refused.status_code == 429 and refused["Retry-After"]
    assert Enquiry.objects.count() == 2


def test_an_unapproved_profile_takes_no_enquiry(client, home_page):
    profile = make_profile(approve=False)
    assert send(client, profile).status_code == 404


def test_retention_anonymises_old_enquiries(client, home_page, settings):
    settings.ACADEMY_RETENTION = {**settings.ACADEMY_RETENTION, "showcase_enquiries": 365}
    profile = make_profile()
    send(client, profile, name="老客户", email="old@example.com")
    send(client, profile, name="新客户", email="new@example.com")
    old, new = Enquiry.objects.order_by("pk")
    Enquiry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=370))
    assert services.anonymise_old_enquiries() == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.name, old.email, old.phone, old.need, old.company) == ("", "", "", "", "")
    assert old.anonymised_at and old.city == "杭州" and old.budget == "10k-50k"
    assert new.name == "新客户" and new.anonymised_at is None
    assert services.anonymise_old_enquiries() == 0  # safe to run daily


def test_retention_period_is_a_setting(client, home_page, settings):
    settings.ACADEMY_RETENTION = {**settings.ACADEMY_RETENTION, "showcase_enquiries": 30}
    profile = make_profile()
    send(client, profile)
    later = timezone.now() + timedelta(days=40)
    assert services.anonymise_old_enquiries(now=later) == 1


def test_anonymised_enquiry_mail_is_not_sent(client, home_page):
    profile = make_profile()
    send(client, profile)
    enquiry = Enquiry.objects.get()
    mail.outbox.clear()
    Enquiry.objects.update(admins_notified_at=None, merchant_copied_at=None)
    OutgoingMail.objects.all().delete()
    services.anonymise_old_enquiries(now=timezone.now() + timedelta(days=800))
    assert showcase_mail.email_enquiry_to_admins(enquiry.pk) is False
    assert mail.outbox == []


def test_staff_report_shows_volumes_and_conversion(client, home_page):
    profile = make_profile()
    for _ in range(3):
        send(client, profile)
    admin = profile.provider.memberships.get(role="admin")
    first, second, _third = Enquiry.objects.order_by("pk")
    services.update_enquiry(admin, first.pk, "won", "")
    services.update_enquiry(admin, second.pk, "lost", "")
    client.force_login(staff())
    report = client.get(reverse("showcase_reports:enquiries"))
    assert report.status_code == 200
    rows = report.context["object_list"]
    assert rows[0]["received"] == 3 and rows[0]["won"] == 1 and rows[0]["win_rate"] == 50.0
    filtered = client.get(reverse("showcase_reports:enquiries"), {"city": "不存在"})
    assert filtered.status_code == 200
    xlsx = client.get(reverse("showcase_reports:enquiries"), {"export": "csv"})
    assert xlsx.status_code == 200


def test_report_needs_the_permission(client, home_page):
    client.force_login(admin_of().user)
    assert client.get(reverse("showcase_reports:enquiries")).status_code in (302, 403)
