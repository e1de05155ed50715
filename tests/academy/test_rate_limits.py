"""Rate limits on the public verification views (academy/ratelimits.py): serial look-ups (page,
JSON, Open Badges credential) and PDF uploads, counted per client address the way allauth counts
its own; a refusal is a translated 429 page, or JSON for the machine-readable endpoints."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

UNKNOWN = "8BZP-FG4M-CZFH"


@pytest.fixture
def limits(settings):
    settings.ACADEMY_RATE_LIMITS = {"verify_lookup": "3/m/ip", "verify_upload": "2/m/ip"}
    return settings.ACADEMY_RATE_LIMITS


@pytest.mark.parametrize("suffix", [".json", ".jwt"])
def test_machine_lookups_past_the_limit_get_a_json_429(client, limits, suffix):
    statuses = [client.get(f"/verify/{UNKNOWN}{suffix}").status_code for _ in range(3)]
    assert statuses == [404, 404, 404]

    refused = client.get(f"/verify/{UNKNOWN}{suffix}")
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert refused["Retry-After"] == "60"
    assert refused["Access-Control-Allow-Origin"] == "*"
    body = refused.json()
    assert body["error"] == "rate_limited"
    # /verify/… has no language prefix: the default language, zh-hans.
    # (你 becomes 您 when locale/new/context.json is merged: the glossary's form of address.)
    assert "所在地址的请求过于频繁，请稍等一分钟后再试。" in body["message"]


def test_lookups_share_one_count_across_page_json_and_credential(client, limits):
    client.get(f"/verify/{UNKNOWN}/")
    client.get(f"/verify/{UNKNOWN}.json")
    client.get(f"/verify/{UNKNOWN}.jwt")
    assert client.get(f"/verify/{UNKNOWN}.json").status_code == 429


def test_verify_page_past_the_limit_is_a_translated_page(client, limits):
    for _ in range(3):
        assert client.get(f"/en/verify/{UNKNOWN}/").status_code == 404
    refused = client.get(f"/en/verify/{UNKNOWN}/")
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "<h1" in html and "Too many requests" in html
    assert "Please wait a minute and try again." in html
    assert "Content-Security-Policy" in refused


def test_each_address_has_its_own_count(client, limits):
    for _ in range(3):
        client.get(f"/verify/{UNKNOWN}.json", REMOTE_ADDR="203.0.113.7")
    assert client.get(f"/verify/{UNKNOWN}.json", REMOTE_ADDR="203.0.113.7").status_code == 429
    assert client.get(f"/verify/{UNKNOWN}.json", REMOTE_ADDR="203.0.113.8").status_code == 404


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, limits, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for _ in range(3):
        client.get(f"/verify/{UNKNOWN}.json", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert (
        client.get(f"/verify/{UNKNOWN}.json", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code
        == 429
    )
    # Another visitor behind the same proxy (same REMOTE_ADDR) is not refused.
    assert (
        client.get(f"/verify/{UNKNOWN}.json", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code
        == 404
    )


def test_without_a_trusted_proxy_a_forged_forwarded_header_does_not_reset_the_count(client, limits):
    for number in range(3):
        client.get(f"/verify/{UNKNOWN}.json", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    response = client.get(f"/verify/{UNKNOWN}.json", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429


def test_uploads_past_the_limit_are_refused_before_reading_the_file(client, limits):
    def upload():
        return client.post(
            "/en/verify/upload/",
            {"file": SimpleUploadedFile("c.pdf", b"not a pdf", content_type="application/pdf")},
        )

    assert [upload().status_code for _ in range(2)] == [400, 400]
    refused = upload()
    assert refused.status_code == 429
    assert "Too many requests" in refused.content.decode()


def test_uploads_and_lookups_are_counted_separately(client, limits):
    for _ in range(3):
        client.get(f"/verify/{UNKNOWN}.json")
    response = client.post(
        "/en/verify/upload/",
        {"file": SimpleUploadedFile("c.pdf", b"not a pdf", content_type="application/pdf")},
    )
    assert response.status_code == 400


def test_default_limits_are_generous_for_lookups_and_tight_for_uploads(settings):
    assert settings.ACADEMY_RATE_LIMITS == {
        "verify_lookup": "60/m/ip",
        "verify_upload": "10/m/ip",
        # Merchants' enquiries to providers (showcase): a few per visitor, never a flood.
        "showcase_enquiry": "5/10m/ip,20/d/ip",
        # Learners' questions, answers and reports under lessons and cases, per person.
        "course_question": "5/10m/user,20/d/user",
        "course_answer": "30/10m/user",
        "question_report": "10/h/user",
        # Questions to an event's live Q&A board, per attendee.
        "event_live_question": "3/m/user,20/h/user",
    }


def test_allauth_limits_answer_with_the_same_translated_page(client, settings, home_page):
    settings.ACCOUNT_RATE_LIMITS = {"login": "1/m/ip"}
    form = {"login": "nobody@example.com", "password": "wrong-password"}
    assert client.post("/en/accounts/login/", form).status_code == 200
    refused = client.post("/en/accounts/login/", form)
    assert refused.status_code == 429
    assert "Too many requests from your address" in refused.content.decode()
