"""Security headers on every response: a strict Content-Security-Policy on what people read, the
admin's looser one on /admin/ and /django-admin/, a Permissions-Policy (camera only for the door
scanner), and Django's own security headers. The browser side is tests/e2e/test_content_security_policy.py."""

import re

import pytest
from django.test import RequestFactory

from academy.headers import ContentSecurityPolicyMiddleware
from academy.views import server_error
from tests.events.factories import event_staff, make_event, make_index
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_public_page_has_the_strict_policy(client, home_page):
    policy = directives(client.get("/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize(
    "path",
    [
        "/en/courses/",
        "/en/accounts/login/",
        "/en/accounts/signup/",
        "/verify/",
        "/search/?query=餐饮",
        "/en/page-that-does-not-exist/",
    ],
)
def test_no_public_page_allows_inline_or_eval_script(client, home_page, path):
    policy = directives(client.get(path))
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(policy["script-src"])
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize(
    "path", ["/healthz", "/api/v2/pages/", "/verify/8BZP-FG4M-CZFH.json", "/verify/issuer.json"]
)
def test_json_endpoints_carry_the_strict_policy(client, home_page, path):
    response = client.get(path)
    assert response["Content-Type"].startswith("application/json")
    assert directives(response)["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives(response).get("script-src", [])


@pytest.mark.parametrize("path", ["/admin/login/", "/django-admin/login/"])
def test_admin_has_its_own_policy_it_can_frame_itself(client, path):
    policy = directives(client.get(path))
    # Wagtail 8 writes inline scripts (InlinePanel, date pickers) and styles; its preview is a frame.
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert "blob:" in policy["img-src"]


def test_logged_in_wagtail_admin_has_the_admin_policy(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert directives(response)["frame-ancestors"] == ["'self'"]


def test_error_page_inline_style_carries_the_nonce_the_header_allows():
    request = RequestFactory().get("/boom/")
    response = ContentSecurityPolicyMiddleware(server_error)(request)
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<style nonce="{nonce}">' in response.content.decode()
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_static_files_carry_the_headers_too(client):
    response = client.get("/static/academy/css/site.css")
    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    assert "Permissions-Policy" in response


def test_every_response_turns_off_features_nobody_needs(client, home_page):
    header = client.get("/")["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in header


def test_door_scanner_may_use_the_camera_of_this_site_only(client, home_page):
    event = make_event(make_index(home_page))
    client.force_login(event_staff())
    response = client.get(event.url + "check-in/")
    assert response.status_code == 200
    header = response["Permissions-Policy"]
    assert "camera=(self)" in header
    assert "microphone=()" in header and "geolocation=()" in header
    # The event's own page does not get the camera.
    assert "camera=()" in client.get(event.url)["Permissions-Policy"]


def test_django_security_headers_are_sent(client, home_page):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
