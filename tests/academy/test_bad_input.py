"""Bad input is a 4xx, never a 500: NUL bytes anywhere, numbers that are not numbers, and the
Wagtail admin views that took junk for a number (academy/wagtail_fixes.py)."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image as PillowImage
from wagtail.images import get_image_model
from wagtail.models import Workflow

from academy import params
from tests.factories import UserFactory, publish_article


@pytest.fixture
def staff_client(db):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("12", 12),
        ("-1", -1),
        (" 7 ", None),  # a space is junk too: no browser writes one into a number
        ("+7", None),
        (str(2**63 - 1), 2**63 - 1),
        (str(2**63), None),
        ("99999999999999999999999", None),
        ("1e309", None),
        ("²", None),  # isdigit() is true, int() refuses it
        ("١٢", None),  # int() reads Arabic-Indic digits; no id is written that way
        ("1_000", None),
        ("1" * 10_000, None),
        ("", None),
        ("x\x00", None),
        (None, None),
    ],
)
def test_parse_int_takes_ascii_integers_a_database_holds(value, number):
    assert params.parse_int(value) == number


def test_parse_int_bounds_and_ids():
    assert params.parse_int("0", minimum=1) is None
    assert params.parse_int("11", maximum=10) is None
    assert params.parse_ids(["1", "2"]) == [1, 2]
    assert params.parse_ids(["1", "x"]) is None
    assert params.parse_ids(["0"]) is None
    assert params.parse_ids([]) == []


@pytest.mark.parametrize(
    "url",
    ["/search/?query=x%00y", "/search/?a%00b=1", "/en/verify/AB%00CD/", "/courses/?page=%00"],
)
def test_nul_in_the_address_is_a_400_page(client, home_page, url):
    response = client.get(url)
    assert response.status_code == 400
    # In the page's language: English under /en/, else the default zh-hans.
    expected = "We could not read that request" if url.startswith("/en/") else "无法读取这个请求"
    assert expected in response.content.decode()


def test_nul_in_a_form_field_is_a_400(client, db):
    response = client.post(
        reverse("account_login"), {"login": "a\x00@example.com", "password": "x"}
    )
    assert response.status_code == 400


def test_nul_in_an_api_query_is_a_400_in_the_apis_format(client, db):
    response = client.get("/api/v2/pages/?search=x%00y")
    assert response.status_code == 400
    assert response.json()["message"]


def test_a_file_may_hold_nul_bytes(client, db):
    """Only field values are checked: an uploaded PDF is binary and full of NUL bytes."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("c.pdf", b"%PDF-1.4\x00\x00junk", content_type="application/pdf")
    response = client.post(reverse("verify_upload"), {"file": upload})
    assert response.status_code < 500
    assert "We could not read that request" not in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/choose-page/chosen-multiple/?id=x",
        "/admin/snippets/choose/academy/industry/chosen-multiple/?id=1&id=%F0%A0%AE%B7",
        f"/admin/images/chooser/chosen-multiple/?id={2**64}",
        "/admin/documents/chooser/chosen-multiple/?id=%09",
    ],
)
def test_chooser_ids_must_be_ids(staff_client, url):
    assert staff_client.get(url).status_code == 400


def test_chooser_with_ids_still_chooses(staff_client, home_page):
    response = staff_client.get(f"/admin/choose-page/chosen-multiple/?id={home_page.pk}")
    assert response.status_code == 200 and str(home_page.pk) in response.content.decode()


@pytest.mark.parametrize("endpoint", ["/api/v2/images/find/", "/admin/api/main/pages/find/"])
def test_api_find_by_junk_id_is_a_400(staff_client, endpoint):
    response = staff_client.get(endpoint, {"id": "\t"})
    assert response.status_code == 400 and "id" in response.json()["message"]


def test_api_find_by_id_still_finds(client, home_page):
    article = publish_article(home_page, "关于学院")
    response = client.get("/api/v2/pages/find/", {"id": article.pk})
    assert response.status_code == 302 and f"/api/v2/pages/{article.pk}/" in response["Location"]


@pytest.mark.parametrize("page", ["x", "-1", "2", "99999999999999999999999"])
def test_workflow_page_list_takes_any_page_number(staff_client, page):
    workflow = Workflow.objects.first()
    url = reverse("wagtailadmin_workflows:edit", args=[workflow.pk])
    assert staff_client.get(url, {"p": page}).status_code == 200


def test_image_chooser_filters_by_tag_and_searches(staff_client):
    png = io.BytesIO()
    PillowImage.new("RGB", (4, 4)).save(png, "PNG")
    from django.core.files.images import ImageFile

    image = get_image_model().objects.create(
        title="门店照片", file=ImageFile(io.BytesIO(png.getvalue()), name="shop.png")
    )
    image.tags.add("门店")
    response = staff_client.get("/admin/images/chooser/results/", {"q": "门店", "tag": "门店"})
    assert response.status_code == 200
    assert [i.pk for i in response.context["results"]] == [image.pk]


def test_admin_login_ignores_a_next_that_is_not_an_address(staff_client):
    response = staff_client.get("/admin/login/", {"next": "99999999999999999999999"})
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    response = staff_client.get("/admin/login/", {"next": "/admin/pages/"})
    assert response["Location"] == "/admin/pages/"


@pytest.mark.parametrize("forwarded", ["", "203.0.113.9", "not an address"])
def test_a_forwarded_for_shorter_than_the_proxy_chain_is_a_400(db, settings, forwarded):
    """Behind two proxies a genuine request carries two addresses; allauth took fewer for a
    misconfiguration and answered 500 on the login form."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    client = Client(raise_request_exception=False)
    response = client.post(
        reverse("account_login"),
        {"login": "a@example.com", "password": "x"},
        headers={"X-Forwarded-For": forwarded},
    )
    assert response.status_code == 400
    assert "page-error" in response.content.decode()  # the site's own 400 page


def test_a_forwarded_for_through_every_proxy_reaches_the_login_form(db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    response = Client().post(
        reverse("account_login"),
        {"login": "a@example.com", "password": "x"},
        headers={"X-Forwarded-For": "203.0.113.9, 10.0.0.2"},
    )
    assert response.status_code == 200
