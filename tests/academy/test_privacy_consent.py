"""Privacy notice and consents (academy/privacy.py): recorded at sign-up, re-asked on a material
version only, optional consents given and withdrawn with their history and their effect."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Locale

from academy import privacy
from academy.models import ConsentRecord, LecturerProfile, PrivacyNotice, User
from tests.academy.test_accounts import signup_data
from tests.factories import LecturerProfileFactory, UserFactory


def make_notice(version: int, *, material: bool = True, days_ago: int = 0, language="zh-hans"):
    return PrivacyNotice.objects.create(
        version=version,
        material_change=material,
        effective_date=timezone.localdate() - datetime.timedelta(days=days_ago),
        summary_of_changes=f"第{version}版的变化",
        body=f"<p>隐私政策第{version}版</p>",
        locale=Locale.objects.get(language_code=language),
    )


@pytest.fixture
def notice_v1(db):
    return make_notice(1, days_ago=30)


def test_signup_records_the_accepted_version(client, home_page, notice_v1):
    page = client.get("/accounts/signup/")
    assert "/privacy/" in page.content.decode()
    refused = client.post("/accounts/signup/", signup_data())
    assert refused.status_code == 200  # the box must be ticked
    assert not User.objects.filter(email="zhang.wei@example.com").exists()

    response = client.post("/accounts/signup/", signup_data(accept_privacy_notice="on"))
    assert response.status_code == 302
    user = User.objects.get(email="zhang.wei@example.com")
    record = ConsentRecord.objects.get(user=user)
    assert (record.kind, record.granted, record.notice_version, record.source) == (
        "privacy_notice",
        True,
        1,
        "signup",
    )
    assert client.get("/my-academy/").status_code == 200  # not asked again


def test_signup_without_any_notice_asks_nothing(client, home_page):
    response = client.post("/accounts/signup/", signup_data())
    assert response.status_code == 302
    assert not ConsentRecord.objects.exists()


def test_a_material_version_is_asked_once_then_lets_the_person_on(client, home_page, notice_v1):
    user = UserFactory()
    privacy.accept_notice(user, source=privacy.Source.SIGNUP)
    client.force_login(user)
    assert client.get("/my-academy/").status_code == 200

    make_notice(2, material=True)
    asked = client.get("/my-academy/?tab=1")
    assert asked.status_code == 302
    assert asked.url.startswith("/privacy/accept/")
    page = client.get(asked.url)
    assert page.status_code == 200
    assert "隐私政策第2版" in page.content.decode()
    assert "第2版的变化" in page.content.decode()

    done = client.post(asked.url)
    assert done.status_code == 302 and done.url == "/my-academy/?tab=1"
    assert privacy.accepted_version(user) == 2
    assert client.get("/my-academy/").status_code == 200


def test_a_minor_version_is_shown_but_not_asked(client, home_page, notice_v1):
    user = UserFactory()
    privacy.accept_notice(user, source=privacy.Source.SIGNUP)
    client.force_login(user)
    make_notice(2, material=False)
    assert client.get("/my-academy/").status_code == 200
    notice = client.get("/privacy/")
    assert "隐私政策第2版" in notice.content.decode()


def test_a_future_version_is_not_asked_before_its_date(client, home_page, notice_v1):
    user = UserFactory()
    privacy.accept_notice(user, source=privacy.Source.SIGNUP)
    client.force_login(user)
    make_notice(2, days_ago=-7)
    assert client.get("/my-academy/").status_code == 200


def test_the_question_never_breaks_json_posts_anonymous_readers_or_the_admin(
    client, home_page, notice_v1
):
    assert client.get("/my-academy/").status_code == 302  # to sign in, not to the notice
    assert client.get("/").status_code == 200  # anonymous readers are never asked
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    assert client.get("/api/v2/pages/").status_code == 200
    assert client.get("/admin/").status_code == 200
    assert client.get("/", HTTP_ACCEPT="application/json").status_code != 302
    assert client.get("/", HTTP_SEC_FETCH_MODE="cors").status_code != 302
    assert client.get("/privacy/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 200
    asked = client.get("/", HTTP_ACCEPT="text/html", HTTP_SEC_FETCH_MODE="navigate")
    assert asked.status_code == 302 and asked.url.startswith("/privacy/accept/")
    # A form being posted goes through: the person's input is never lost to the question.
    post = client.post("/my-academy/privacy/consents/marketing_email/", {"granted": "1"})
    assert post.status_code == 302 and post.url == "/my-academy/privacy/"
    assert privacy.has_consent(user, privacy.Kind.MARKETING_EMAIL)


def test_the_accept_page_never_sends_elsewhere_off_site(client, home_page, notice_v1):
    client.force_login(UserFactory())
    response = client.post("/privacy/accept/" + "?next=https://evil.example/")
    assert response.status_code == 302 and response.url == "/my-academy/"
    # A next that is no path at all (fuzzed input) is ignored, never read as a view name.
    again = client.get("/privacy/accept/", {"next": "a* NOT (b"})
    assert again.status_code == 302 and again.url == "/my-academy/"


def test_notice_in_the_readers_language_with_the_originals_version(client, home_page, notice_v1):
    english = notice_v1.copy_for_translation(Locale.objects.get(language_code="en"))
    english.body = "<p>Privacy notice, version 1</p>"
    english.save()
    assert "Privacy notice, version 1" in client.get("/en/privacy/").content.decode()
    assert "隐私政策第1版" in client.get("/privacy/").content.decode()
    # Traditional Chinese readers read the original, converted.
    assert "隱私政策第1版" in client.get("/zh-hant/privacy/").content.decode()


def test_footer_links_the_notice(client, home_page):
    assert "/privacy/" in client.get("/").content.decode()


def test_marketing_consent_is_given_and_withdrawn_with_history(client, home_page):
    user = UserFactory()
    client.force_login(user)
    url = "/my-academy/privacy/consents/marketing_email/"
    assert client.post(url, {"granted": "1"}).status_code == 302
    assert list(privacy.marketing_recipients()) == [user]
    assert client.post(url, {"granted": "0"}).status_code == 302
    assert list(privacy.marketing_recipients()) == []
    rows = list(ConsentRecord.objects.filter(user=user).order_by("at", "pk"))
    assert [(r.kind, r.granted, r.source) for r in rows] == [
        ("marketing_email", True, "my_academy"),
        ("marketing_email", False, "my_academy"),
    ]
    # The same choice twice is one row, not a second.
    client.post(url, {"granted": "0"})
    assert ConsentRecord.objects.filter(user=user).count() == 2
    history = client.get("/my-academy/privacy/").content.decode()
    assert history.count("<tr>") == 3  # heading + two rows


def test_unknown_consent_is_404(client, user):
    client.force_login(user)
    response = client.post("/my-academy/privacy/consents/everything/", {"granted": "1"})
    assert response.status_code == 404


def test_withdrawing_the_listing_takes_the_lecturer_off_the_directory(client, home_page):
    lecturer = LecturerProfileFactory(
        user__display_name="林晓雯", authorised_topics=["mini_program"], listed=False
    )
    privacy.set_consent(
        lecturer.user, privacy.Kind.PROFILE_LISTING, True, source=privacy.Source.MY_ACADEMY
    )
    lecturer.refresh_from_db()
    assert lecturer.listed and lecturer.has_public_profile
    client.force_login(lecturer.user)
    client.post("/my-academy/privacy/consents/profile_listing/", {"granted": "0"})
    lecturer.refresh_from_db()
    assert not lecturer.listed
    assert not LecturerProfile.objects.filter(listed=True).exists()
    assert privacy.has_consent(lecturer.user, privacy.Kind.PROFILE_LISTING) is False
    kinds = ConsentRecord.objects.filter(user=lecturer.user).values_list("granted", flat=True)
    assert sorted(kinds) == [False, True]


def test_the_lecturer_profile_form_records_the_listing_as_consent(client, home_page):
    lecturer = LecturerProfileFactory(listed=False)
    client.force_login(lecturer.user)
    form = client.get("/my-academy/lecturer-profile/").content.decode()
    assert "/privacy/" in form
    client.post(
        "/my-academy/lecturer-profile/",
        {"bio": "十年小程序开发", "city": "深圳", "specialties": "支付", "listed": "on"},
    )
    lecturer.refresh_from_db()
    assert lecturer.listed
    record = ConsentRecord.objects.get(user=lecturer.user)
    assert (record.kind, record.granted, record.source) == (
        "profile_listing",
        True,
        "lecturer_profile",
    )


def test_new_lecturer_profiles_are_not_listed_until_the_lecturer_agrees(db):
    assert LecturerProfile.objects.create(user=UserFactory()).listed is False


def test_my_academy_offers_the_optional_consents(client, user):
    client.force_login(user)
    page = client.get("/my-academy/").content.decode()
    assert "/my-academy/privacy/consents/marketing_email/" in page
    assert "/my-academy/privacy/consents/profile_listing/" in page


def test_seed_demo_publishes_notice_v1_accepted_by_every_demo_account(client, db):
    from io import StringIO

    from django.core.management import call_command

    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert PrivacyNotice.objects.filter(version=1).count() == 2  # original and English
    assert ConsentRecord.objects.filter(kind="privacy_notice").count() == User.objects.count()
    assert all(lecturer.listed for lecturer in LecturerProfile.objects.all())
    client.force_login(User.objects.get(email="member@example.com"))
    assert client.get("/my-academy/").status_code == 200
    assert "How long" in client.get("/en/privacy/").content.decode()
