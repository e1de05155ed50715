"""Every page a reader sees is in one script (issue 14.7): the demo, seeded once for the module,
rendered in zh-hans, zh-hant and en — every live page, the public catalogue pages, and the main
pages of a signed-in lecturer, company administrator and certification officer."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from wagtail.models import Page

from tests.i18n.purity import page_impurities

PREFIX = {"zh-hans": "", "zh-hant": "/zh-hant", "en": "/en"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo content, seeded once and rolled back after the module (seeding takes seconds)."""
    from academy.models import LecturerProfile, User
    from certification.models import Certificate, Exam, Programme
    from growth.models import Diagnosis

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        users = {u.email: u.pk for u in User.objects.all()}
        certificate = Certificate.objects.filter(holder__email="lecturer@example.com").first()
        diagnosis = Diagnosis.objects.filter(
            state=Diagnosis.State.COMPLETED, provider__memberships__user__email="owner@example.com"
        ).first()
        pages = [
            page.url
            for page in Page.objects.live().filter(depth__gt=1).specific()
            if page.url and not page.get_view_restrictions().exists()
        ]
        yield {
            "users": users,
            "pages": pages,
            "serial": certificate.serial if certificate else None,
            "programmes": [p.slug for p in Programme.objects.all()],
            "exams": [e.slug for e in Exam.objects.all()],
            "diagnosis": diagnosis.pk if diagnosis else None,
            # The directory lists lecturers with a valid certificate.
            "lecturers": list(
                LecturerProfile.objects.filter(
                    user__in=Certificate.objects.filter(status="valid").values("holder")
                ).values_list("pk", flat=True)
            ),
        }
        transaction.set_rollback(True)


def _public_paths(demo) -> list[str]:
    paths = [*demo["pages"], "/programmes/", "/exams/", "/verify/", "/lecturers/"]
    paths += [f"/programmes/{slug}/" for slug in demo["programmes"]]
    paths += [f"/exams/{slug}/" for slug in demo["exams"]]
    paths += [f"/lecturers/{pk}/" for pk in demo["lecturers"]]
    if demo["serial"]:
        paths.append(f"/verify/{demo['serial']}/")
    paths += [
        "/search/?query=餐饮",
        "/search/?query=小程序",
        "/accounts/login/",
        "/accounts/signup/",
    ]
    return paths


def _signed_in_paths(demo) -> dict[str, list[str]]:
    lecturer = ["/my-academy/", "/programmes/", "/exams/"]
    if demo["serial"]:
        lecturer.append(f"/certificates/{demo['serial']}/")
    owner = ["/my-academy/", "/my-academy/team/", "/diagnosis/"]
    if demo["diagnosis"]:
        owner.append(f"/diagnosis/{demo['diagnosis']}/result/")
    return {"lecturer@example.com": lecturer, "owner@example.com": owner}


REPORTS = ["learning", "exams", "events", "certification", "providers"]


def _check(client: Client, language: str, paths: list[str]) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        url = PREFIX[language] + path if path.startswith("/") else path
        response = client.get(url, follow=True)
        assert response.status_code == 200, (url, response.status_code)
        problems = page_impurities(response.content.decode(), language)
        if problems:
            found[url] = problems[:8]
    return found


def _all_pages(demo, language: str) -> dict[str, list[str]]:
    found = _check(Client(), language, _public_paths(demo))
    for email, paths in _signed_in_paths(demo).items():
        client = Client()
        client.force_login(_user(demo, email))
        found |= {f"{email} {k}": v for k, v in _check(client, language, paths).items()}
    return found


def _user(demo, email):
    from academy.models import User

    return User.objects.get(pk=demo["users"][email])


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_every_page_reads_in_the_readers_chinese_script(demo, language):
    assert _all_pages(demo, language) == {}


@pytest.mark.django_db
@pytest.mark.xfail(strict=False, reason="English content lands with the english branch")
def test_every_english_page_has_no_chinese_outside_marked_content(demo):
    assert _all_pages(demo, "en") == {}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_staff_reports_read_in_the_officers_script(demo, language):
    from wagtail.users.models import UserProfile

    admin = _user(demo, "admin@example.com")
    UserProfile.objects.update_or_create(user=admin, defaults={"preferred_language": language})
    client = Client()
    client.force_login(admin)
    found = {}
    for report in REPORTS:
        response = client.get(f"/admin/academy-reports/{report}/")
        assert response.status_code == 200, report
        problems = page_impurities(response.content.decode(), language)
        if problems:
            found[report] = problems[:8]
    assert found == {}
