"""Public links come from SITE_URL alone: moving the admin to another host changes none of them."""

from academy.site_url import absolute_url, reverse_absolute, site_host
from certification.badges import issuer_profile
from certification.services.issuing import verify_url


def test_public_links_ignore_the_admin_address(settings):
    settings.SITE_URL = "https://academy.example.cn/"
    settings.WAGTAILADMIN_BASE_URL = "https://admin.internal"

    assert verify_url("PA-2026-000001") == "https://academy.example.cn/verify/PA-2026-000001/"
    assert issuer_profile()["url"] == "https://academy.example.cn"
    assert site_host() == "academy.example.cn"


def test_absolute_url_serves_a_path_in_the_readers_language(settings):
    settings.SITE_URL = "https://academy.example.cn"

    assert absolute_url("/my-academy/", "en") == "https://academy.example.cn/en/my-academy/"
    assert absolute_url("/my-academy/") == "https://academy.example.cn/my-academy/"
    assert absolute_url("https://elsewhere.example/x") == "https://elsewhere.example/x"


def test_signed_links_do_not_follow_the_request_language(settings):
    settings.SITE_URL = "https://academy.example.cn"

    from django.utils import translation

    with translation.override("en"):
        assert (
            reverse_absolute("verify_certificate", "S1") == "https://academy.example.cn/verify/S1/"
        )
