"""The public lecturer directory: opted-in holders of valid certificates, filterable."""

import pytest
from django.urls import reverse

from certification.services import issuing
from tests.certification.factories_programmes import (  # noqa: F401
    award,
    lecturer,
    officer,
    signing_key_dir,
    signing_keys,
    simple_programme,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_keys")]


def test_directory_lists_only_opted_in_valid_holders(client):
    programme = simple_programme(topics="小程序电商")
    shown = lecturer(city="深圳", user__display_name="陈思远")
    hidden = lecturer(city="深圳", listed=False, user__display_name="不公开")
    revoked = lecturer(city="深圳", user__display_name="已撤销")
    uncertified = lecturer(city="深圳", user__display_name="未认证")
    award(shown.user, programme)
    award(hidden.user, programme)
    issuing.revoke_certificate(award(revoked.user, programme), by=officer(), reason="违规")
    html = client.get(reverse("lecturer_directory")).content.decode()
    assert "陈思远" in html
    for name in ("不公开", "已撤销", "未认证"):
        assert name not in html
    assert uncertified


def test_filters_by_city_programme_and_topic(client):
    a = simple_programme(topics="小程序电商")
    b = simple_programme(topics="企业微信")
    shenzhen = lecturer(city="深圳", user__display_name="深圳讲师")
    beijing = lecturer(city="北京", user__display_name="北京讲师")
    award(shenzhen.user, a)
    award(beijing.user, b)
    url = reverse("lecturer_directory")
    html = client.get(url, {"city": "深圳"}).content.decode()
    assert "深圳讲师" in html and "北京讲师" not in html
    html = client.get(url, {"programme": b.slug}).content.decode()
    assert "北京讲师" in html and "深圳讲师" not in html
    html = client.get(url, {"topic": "企业微信"}).content.decode()
    assert "北京讲师" in html and "深圳讲师" not in html


def test_profile_page_shows_certificates_and_topics_and_hides_others(client):
    programme = simple_programme(topics="小程序电商, 微信支付")
    profile = lecturer(user__display_name="陈思远")
    certificate = award(profile.user, programme)
    html = client.get(reverse("lecturer_profile", args=[profile.pk])).content.decode()
    assert certificate.serial in html and "微信支付" in html
    issuing.revoke_certificate(certificate, by=officer(), reason="违规")
    assert client.get(reverse("lecturer_profile", args=[profile.pk])).status_code == 404


def test_directory_query_count(client, django_assert_max_num_queries):
    programme = simple_programme()
    for _ in range(5):
        award(lecturer().user, programme)
    # +1: the footer text in the reader's language (academy.FooterText); +1: the lecturers'
    # public credentials pages (sharing.public_page_slugs), once for the whole list.
    with django_assert_max_num_queries(12):
        assert client.get(reverse("lecturer_directory")).status_code == 200
