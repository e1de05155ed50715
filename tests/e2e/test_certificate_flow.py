"""Certificates in a real browser: the certified demo lecturer downloads the signed PDF; an
anonymous visitor verifies it by serial and by uploading the file."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from certification.models import Certificate
from tests.e2e.helpers import log_in, serious_axe_problems

pytestmark = pytest.mark.e2e

# Stored in Traditional; /en/ marks it lang="zh-Hans", so it reads in Simplified there.
PROGRAMME = "认证讲师 · 小程序电商"


@pytest.fixture
def certified_demo(settings, tmp_path, live_server, django_db_serialized_rollback):
    """The demo academy with its certificates, signed with a key made for this test."""
    settings.CERT_SIGNING_KEY = str(tmp_path / "signer.key.pem")
    settings.CERT_SIGNING_CERT = str(tmp_path / "signer.cert.pem")
    settings.CERT_SIGNING_CHAIN = str(tmp_path / "ca.cert.pem")
    call_command("seed_demo", stdout=StringIO())
    return live_server.url


def test_lecturer_downloads_and_visitor_verifies(page: Page, certified_demo, tmp_path):
    base = certified_demo
    certificate = Certificate.objects.get(holder__email="lecturer@example.com")
    assert certificate.status == "valid" and certificate.origin == "automatic"

    # A candidate part-way sees each requirement with its evidence and what is missing.
    log_in(page, base, "candidate@example.com")
    page.goto(base + "/en/programmes/certified-lecturer-mini-program-ecommerce/")
    expect(page.locator(".req-missing").first).to_be_visible()
    expect(page.locator(".req-evidence").first).to_contain_text("Completed")
    assert serious_axe_problems(page) == []
    page.context.clear_cookies()

    log_in(page, base, "lecturer@example.com")
    page.get_by_role("link", name=PROGRAMME).first.click()
    expect(page.locator("h1")).to_contain_text(PROGRAMME)
    assert serious_axe_problems(page) == []
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the signed PDF").click()
    pdf_path = tmp_path / "mine.pdf"
    download_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF-")

    # An anonymous visitor, by serial (typed loosely) …
    page.context.clear_cookies()
    page.goto(base + "/en/verify/")
    expect(page.locator("h1")).to_have_text("Verify a certificate")
    assert serious_axe_problems(page) == []
    page.get_by_label("Certificate serial").fill(certificate.serial.replace("-", " ").lower())
    page.get_by_role("button", name="Check serial").click()
    expect(page).to_have_url(re.compile(rf"/verify/{certificate.serial}/$"))
    expect(page.locator(".cert-status-title")).to_have_text("Valid")
    expect(page.locator(".cert-facts")).to_contain_text("陈思远")
    assert serious_axe_problems(page) == []

    # … and by uploading the file.
    page.goto(base + "/en/verify/")
    page.get_by_label("Certificate PDF").set_input_files(str(pdf_path))
    page.get_by_role("button", name="Check file").click()
    expect(page.locator("h1")).to_have_text("Verification result")
    expect(page.locator(".cert-status-title")).to_have_text("Valid")
    expect(page.locator(".cert-checks")).to_contain_text("Matches the registry")
    assert serious_axe_problems(page) == []

    # A copy with one byte changed is reported as tampered.
    data = bytearray(pdf_path.read_bytes())
    data[len(data) // 5] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    page.goto(base + "/en/verify/")
    page.get_by_label("Certificate PDF").set_input_files(str(tampered))
    page.get_by_role("button", name="Check file").click()
    expect(page.locator(".cert-status-title")).to_have_text("Tampered")

    page.goto(base + "/en/lecturers/")
    expect(page.locator(".lecturer-card")).to_contain_text(["陈思远"])
    assert serious_axe_problems(page) == []
