"""The certificate in the holder's language and script (issue 14.2): chosen at issue time from
their profile language, printed on the PDF, and redrawn in another on request with the same
serial — the new file and the one before both verify."""

import shutil
import subprocess

import pytest
from django.core import mail
from django.test import Client

from academy import services as academy_services
from certification.models import AuditEntry
from certification.verification import verify_pdf
from tests.certification.factories_programmes import (  # noqa: F401
    award,
    signing_key_dir,
    signing_keys,
    simple_programme,
)
from tests.factories import UserFactory
from tests.i18n.purity import impurities

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("signing_keys"),
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils"),
]
PROGRAMME = "認證講師 · 小程序電商"


def pdf_bytes(certificate) -> bytes:
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def holder_reading(language: str, name: str = "陈思远"):
    holder = UserFactory(display_name=name)
    academy_services.set_profile_language(holder, language)
    return holder


@pytest.mark.parametrize(
    "language,printed,script",
    [
        ("zh-hans", "认证讲师 · 小程序电商", "zh-hans"),
        ("zh-hant", "認證講師 · 小程序電商", "zh-hant"),
        ("en", "认证讲师 · 小程序电商", "zh-hans"),
    ],
)
def test_the_pdf_is_drawn_in_the_holders_profile_script(language, printed, script):
    certificate = award(holder_reading(language), simple_programme(title=PROGRAMME))
    assert certificate.language == language
    text = pdf_text(pdf_bytes(certificate))
    assert printed in text and "陈思远" in text  # the name as the holder wrote it
    assert impurities(text.replace("陈思远", ""), script) == []


def test_signing_up_records_the_language_as_the_profile_language(client):
    assert academy_services.profile_language(UserFactory()) == "zh-hans"  # the site's default
    holder = holder_reading("zh-hant")
    assert academy_services.profile_language(holder) == "zh-hant"


def test_the_holder_has_it_redrawn_in_another_script_with_the_same_serial(
    django_capture_on_commit_callbacks,
):
    holder = holder_reading("zh-hans")
    certificate = award(holder, simple_programme(title=PROGRAMME))
    before = pdf_bytes(certificate)
    mail.outbox.clear()
    client = Client()
    client.force_login(holder)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/certificates/{certificate.serial}/language/", {"language": "zh-hant"}
        )
    assert response.status_code == 302
    certificate.refresh_from_db()
    after = pdf_bytes(certificate)
    assert certificate.language == "zh-hant" and certificate.status == "valid"
    assert "認證講師 · 小程序電商" in pdf_text(after)
    assert verify_pdf(after).outcome == "valid" and verify_pdf(after).serial == certificate.serial
    assert verify_pdf(before).outcome == "valid"  # the copy drawn before stays genuine
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REDRAWN)
    assert entry.certificate == certificate and entry.actor == holder
    # The redrawn PDF is mailed (after the commit, as a task of its own), once.
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments


def test_a_redraw_request_that_cannot_be_done_says_why():
    holder = holder_reading("zh-hans")
    certificate = award(holder, simple_programme(title=PROGRAMME))
    client = Client()
    client.force_login(holder)
    url = f"/certificates/{certificate.serial}/language/"
    assert client.post(url, {"language": "klingon"}).status_code == 400
    response = client.post(f"/en{url}", {"language": "zh-hans"})
    assert response.status_code == 409
    assert "already in this language" in response.content.decode()
    other = Client()
    other.force_login(UserFactory())
    assert other.post(url, {"language": "zh-hant"}).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REDRAWN).exists()
