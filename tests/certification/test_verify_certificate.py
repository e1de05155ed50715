"""Verification by serial (page, JSON), by uploaded PDF (tampering, appended revisions), and the
`verify_certificate` command's exit codes."""

from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from certification.models import Certificate
from certification.services import issuing
from certification.verification import verify_pdf
from tests.certification.factories_programmes import (  # noqa: F401
    award,
    officer,
    signing_key_dir,
    signing_keys,
    simple_programme,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_keys")]


@pytest.fixture
def certificate():
    return award(
        UserFactory(display_name="陈思远"), simple_programme(title="认证讲师 · 小程序电商")
    )


def pdf_of(certificate) -> bytes:
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def one_byte_changed(data: bytes) -> bytes:
    # Inside the first signed range, in the page's compressed content: the file still parses.
    position = len(data) // 5
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


def with_appended_revision(data: bytes) -> bytes:
    """An incremental update painting text over the page after signing (stack-notes §8)."""
    writer = IncrementalPdfFileWriter(BytesIO(data))
    stream = generic.StreamObject(stream_data=b"BT /F1 36 Tf 300 300 Td (FORGED) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


# --- By serial ---------------------------------------------------------------------------------


def test_verification_page_shows_valid_holder_and_programme(client, certificate):
    response = client.get(f"/verify/{certificate.serial}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "陈思远" in html and "认证讲师 · 小程序电商" in html
    assert "cert-status--valid" in html


def test_json_answers_without_language_prefix(client, certificate):
    response = client.get(f"/verify/{certificate.serial}.json")
    assert response.status_code == 200
    data = response.json()
    assert data["serial"] == certificate.serial
    assert data["status"] == "valid"
    assert data["holder"] == "陈思远"
    assert data["programme"] == "认证讲师 · 小程序电商"
    assert data["issued"] == certificate.issued_at.date().isoformat()
    assert data["expires"] == certificate.expires_at.date().isoformat()


def test_unknown_serial_is_404_on_page_and_json(client):
    assert client.get("/verify/AAAA-AAAA-AAAA/").status_code == 404
    assert client.get("/verify/AAAA-AAAA-AAAA.json").status_code == 404
    assert client.get("/verify/not-a-serial.json").status_code == 404


def test_typed_serial_is_normalised_and_redirected(client, certificate):
    typed = certificate.serial.replace("-", " ").lower()
    response = client.post(reverse("verify_index"), {"serial": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("verify_certificate", args=[certificate.serial])


def test_mistyped_serial_gets_a_clear_message(client, certificate):
    serial = certificate.serial
    wrong = serial[:-1] + ("0" if serial[-1] != "0" else "1")
    response = client.post(reverse("verify_index"), {"serial": wrong})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_revoked_certificate_shows_reason_everywhere(client, certificate):
    issuing.revoke_certificate(certificate, by=officer(), reason="违反讲师行为准则")
    page = client.get(f"/verify/{certificate.serial}/").content.decode()
    assert "cert-status--revoked" in page and "违反讲师行为准则" in page
    data = client.get(f"/verify/{certificate.serial}.json").json()
    assert data["status"] == "revoked" and data["reason"] == "违反讲师行为准则"


def test_superseded_certificate_names_its_successor(client, certificate):
    new = issuing.reissue_certificate(
        certificate, by=officer(), reason="姓名更正", holder_name="陈思源"
    )
    page = client.get(f"/verify/{certificate.serial}/").content.decode()
    assert new.serial in page
    assert client.get(f"/verify/{certificate.serial}.json").json()["superseded_by"] == new.serial


# --- By uploaded PDF ---------------------------------------------------------------------------


def test_genuine_pdf_is_valid(certificate):
    verdict = verify_pdf(pdf_of(certificate))
    assert verdict.valid and verdict.outcome == "valid"
    assert verdict.certificate == certificate


def test_one_changed_byte_is_tampered(certificate):
    verdict = verify_pdf(one_byte_changed(pdf_of(certificate)))
    assert not verdict.valid and verdict.outcome == "tampered"
    assert not verdict.signature_intact


def test_revision_appended_after_signing_is_rejected(certificate):
    verdict = verify_pdf(with_appended_revision(pdf_of(certificate)))
    assert not verdict.valid and verdict.outcome == "tampered"
    assert not verdict.covers_whole_file


def test_unsigned_and_non_pdf_files_are_refused_politely():
    assert verify_pdf(b"hello").outcome == "not_pdf"
    assert verify_pdf(b"%PDF-1.7\n garbage").outcome in ("unreadable", "unsigned")


def test_pdf_signed_with_another_key_is_not_ours(certificate, settings, tmp_path):
    data = pdf_of(certificate)
    settings.CERT_SIGNING_CHAIN = str(tmp_path / "other-ca.pem")
    settings.CERT_SIGNING_KEY = str(tmp_path / "other-key.pem")
    settings.CERT_SIGNING_CERT = str(tmp_path / "other-cert.pem")
    call_command("create_signing_keys", stdout=StringIO())
    verdict = verify_pdf(data)
    assert not verdict.trusted and not verdict.valid


def test_upload_form_reports_valid_and_tampered(client, certificate):
    data = pdf_of(certificate)
    ok = client.post(
        reverse("verify_upload"), {"file": SimpleUploadedFile("c.pdf", data, "application/pdf")}
    )
    assert ok.status_code == 200 and "cert-status--valid" in ok.content.decode()
    bad = client.post(
        reverse("verify_upload"),
        {"file": SimpleUploadedFile("c.pdf", one_byte_changed(data), "application/pdf")},
    )
    assert bad.status_code == 200 and "cert-status--tampered" in bad.content.decode()


def test_upload_without_a_file_is_400(client):
    assert client.post(reverse("verify_upload"), {}).status_code == 400


def test_upload_of_something_else_than_a_pdf_is_400_with_a_reason(client):
    text = SimpleUploadedFile("c.pdf", "证书编号 ABCD".encode(), "application/pdf")
    response = client.post("/en/verify/upload/", {"file": text})
    assert response.status_code == 400 and "This file is not a PDF" in response.content.decode()


def test_expired_certificate_pdf_is_genuine_but_not_valid(certificate):
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.EXPIRED)
    verdict = verify_pdf(pdf_of(certificate))
    assert verdict.genuine and not verdict.valid and verdict.outcome == "expired"


# --- The command -------------------------------------------------------------------------------


def _command(path) -> int:
    try:
        call_command("verify_certificate", str(path), stdout=StringIO())
    except SystemExit as exit:
        return exit.code
    return 0


def test_command_exit_codes(tmp_path, certificate):
    good = tmp_path / "good.pdf"
    good.write_bytes(pdf_of(certificate))
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(one_byte_changed(pdf_of(certificate)))
    assert _command(good) == 0
    assert _command(bad) == 1
    issuing.revoke_certificate(certificate, by=officer(), reason="测试")
    assert _command(good) == 1


def test_command_on_a_missing_file_fails(tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("verify_certificate", str(tmp_path / "missing.pdf"), stdout=StringIO())
