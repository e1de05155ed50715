"""Every page a reader sees is in one script (issue 14.7): the demo, seeded once for the module,
rendered in zh-hans, zh-hant and en — every live page, the public catalogue pages, and the main
pages of a signed-in lecturer, company administrator and certification officer."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import translation
from wagtail.models import Page

from academy.localisation import default_language, originals
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
        # The originals' paths without a language prefix, whatever language an earlier test
        # left active in this thread (page.url follows the active language).
        with translation.override(default_language()):
            pages = [
                page.url
                # English versions are the same pages, reached under /en/ by the original's path.
                for page in originals(Page.objects.live().filter(depth__gt=1)).specific()
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
    # The provider directory and profiles (showcase), one of them written in Traditional.
    paths += [
        "/providers/",
        "/providers/?industry=catering",
        "/providers/?q=餐飲",
        "/providers/yunzhan/",
        "/providers/harbour-catering/",
        "/providers/yunzhan/enquire/",
        "/providers/privacy/",
    ]
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
    owner += ["/my-academy/team/showcase/", "/my-academy/team/enquiries/"]
    owner += ["/my-academy/team/partners/"]
    if demo["diagnosis"]:
        owner.append(f"/diagnosis/{demo['diagnosis']}/result/")
    return {"lecturer@example.com": lecturer, "owner@example.com": owner}


REPORTS = ["learning", "exams", "events", "certification", "providers"]


def _check(client: Client, language: str, paths: list[str], names) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        url = PREFIX[language] + path if path.startswith("/") else path
        response = client.get(url, follow=True)
        assert response.status_code == 200, (url, response.status_code)
        problems = page_impurities(response.content.decode(), language, names)
        if problems:
            found[url] = problems[:8]
    return found


def _all_pages(demo, language: str) -> dict[str, list[str]]:
    names = _names(demo)
    found = _check(Client(), language, _public_paths(demo), names)
    for email, paths in _signed_in_paths(demo).items():
        client = Client()
        client.force_login(_user(demo, email))
        found |= {f"{email} {k}": v for k, v in _check(client, language, paths, names).items()}
    return found


def _user(demo, email):
    from academy.models import User

    return User.objects.get(pk=demo["users"][email])


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_every_page_reads_in_the_readers_chinese_script(demo, language):
    assert _all_pages(demo, language) == {}


@pytest.mark.django_db
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
        problems = page_impurities(response.content.decode(), language, _names(demo))
        if problems:
            found[report] = problems[:8]
    assert found == {}


# --- Outside HTML: the certificate PDF, CSV exports, e-mails and calendar files ---------------


def _names(demo) -> list[str]:
    """What people typed as their own or their company's name: printed as written everywhere."""
    from academy.models import Provider, User

    names = [u.display_name for u in User.objects.all() if u.display_name]
    return sorted(names + [p.name for p in Provider.objects.all()], key=len, reverse=True)


def _text_impurities(text: str, language: str, names: list[str]) -> list[str]:
    from tests.i18n.purity import impurities

    for name in names:
        text = text.replace(name, " ")
    return impurities(text, language)


def _pdf_text(data: bytes) -> str:
    import subprocess

    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


@pytest.mark.django_db
@pytest.mark.skipif(not __import__("shutil").which("pdftotext"), reason="needs poppler-utils")
@pytest.mark.parametrize(
    "email,language,printed",
    [
        ("lecturer@example.com", "zh-hans", "认证讲师 · 小程序电商"),
        ("lecturer.hk@example.com", "zh-hant", "認證講師 · 小程序電商"),
    ],
)
def test_the_demo_certificates_print_in_their_holders_script(demo, email, language, printed):
    from certification.models import Certificate

    certificate = Certificate.objects.get(holder__email=email, status="valid")
    assert certificate.language == language
    with certificate.pdf.open("rb") as handle:
        text = _pdf_text(handle.read())
    assert printed in text
    assert _text_impurities(text, language, _names(demo)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_team_export_reads_in_the_readers_script_with_names_as_written(demo, language):
    client = Client()
    client.force_login(_user(demo, "owner@example.com"))
    response = client.get(f"{PREFIX[language]}/my-academy/team/export.csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "李娜" in text  # a member's name, exactly as typed
    assert _text_impurities(text, language, _names(demo)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_report_exports_read_in_the_officers_script(demo, language):
    """Exports stream after the view: they must keep the officer's language (Wagtail profile)."""
    from wagtail.users.models import UserProfile

    admin = _user(demo, "admin@example.com")
    UserProfile.objects.update_or_create(user=admin, defaults={"preferred_language": language})
    client = Client()
    client.force_login(admin)
    found = {}
    for report in REPORTS:
        response = client.get(f"/admin/academy-reports/{report}/?export=csv")
        assert response.status_code == 200, report
        text = b"".join(response.streaming_content if response.streaming else [response.content])
        problems = _text_impurities(text.decode("utf-8-sig"), language, _names(demo))
        if problems:
            found[report] = problems[:8]
    assert found == {}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_mails_and_calendar_files_read_in_the_recipients_script(demo, language):
    from django.core import mail

    from academy import services as academy_services
    from certification.models import Certificate
    from certification.services import issuing
    from events import mail as event_mail
    from events.models import Registration

    mail.outbox.clear()
    lecturer = _user(demo, "lecturer@example.com")
    lecturer.welcomed_at = None
    lecturer.save(update_fields=["welcomed_at"])
    academy_services.send_welcome_email(lecturer.pk, language)
    certificate = Certificate.objects.get(holder=lecturer, status="valid")
    Certificate.objects.filter(pk=certificate.pk).update(language=language, emailed_at=None)
    issuing.send_certificate_email(certificate)
    messages = list(mail.outbox)
    registration = Registration.objects.select_related("event", "user").first()
    attachments = []
    if registration is not None:
        registration.language = language
        message = event_mail.build(registration, "confirmed")
        messages.append(message)
        attachments = [a[1] for a in message.attachments if a[0].endswith(".ics")]
    assert len(messages) >= 2
    assert "陈思远" in messages[1].body  # the holder's name as they typed it, in any script
    names = _names(demo)
    found = {}
    for message in messages:
        problems = _text_impurities(f"{message.subject}\n{message.body}", language, names)
        if problems:
            found[message.subject] = problems[:8]
        assert "\ue000" not in message.body and "\ue001" not in message.body  # marks removed
    for ics in attachments:
        text = ics.decode() if isinstance(ics, bytes) else ics
        problems = _text_impurities(text.replace("\\n", "\n"), language, names)
        if problems:
            found["calendar"] = problems[:8]
    assert found == {}
