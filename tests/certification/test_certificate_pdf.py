"""The PDF: Chinese and Latin text extractable, fonts embedded as subsets, signature valid for
pyHanko and for poppler's pdfsig, QR code pointing at the verification page."""

import shutil
import subprocess
from io import BytesIO

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from certification.services.issuing import verify_url
from tests.certification.factories_programmes import (  # noqa: F401
    award,
    signing_key_dir,
    signing_keys,
    simple_programme,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_keys")]
needs_poppler = pytest.mark.skipif(
    not shutil.which("pdfsig") or not shutil.which("pdftotext"), reason="needs poppler-utils"
)


@pytest.fixture
def certificate():
    holder = UserFactory(display_name="欧阳娜娜 Zoë")
    return award(holder, simple_programme(title="認證講師 · 小程序電商"))


def _pdf(certificate) -> bytes:
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def _run(tmp_path, certificate, *command) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(_pdf(certificate))
    return subprocess.run(
        [*command, str(path)] + (["-"] if command[0] == "pdftotext" else []),
        capture_output=True,
        text=True,
        check=False,
    ).stdout


@needs_poppler
def test_pdftotext_shows_the_chinese_name_programme_and_serial(tmp_path, certificate):
    text = _run(tmp_path, certificate, "pdftotext", "-layout")
    assert "欧阳娜娜" in text and "Zoë" in text
    # The holder reads Simplified (the default profile language): the programme name follows.
    assert "认证讲师 · 小程序电商" in text
    assert certificate.serial in text
    assert "讲师认证证书" in text and "LECTURER CERTIFICATE" in text


@needs_poppler
def test_every_font_is_embedded_as_a_subset(tmp_path, certificate):
    lines = _run(tmp_path, certificate, "pdffonts").splitlines()[2:]
    assert lines, "no fonts listed"
    for line in lines:
        assert "WenQuanYiMicroHei" in line
        assert " yes yes " in line  # emb, sub


def test_pyhanko_validates_the_signature_over_the_whole_file(certificate, settings):
    reader = PdfFileReader(BytesIO(_pdf(certificate)))
    [signature] = reader.embedded_signatures
    root = load_cert_from_pemder(settings.CERT_SIGNING_CHAIN)
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.md_algorithm == "sha256"


@needs_poppler
def test_pdfsig_reports_a_valid_pades_signature(tmp_path, certificate):
    output = _run(tmp_path, certificate, "pdfsig")
    assert "Signature is Valid." in output
    assert "ETSI.CAdES.detached" in output
    assert "Total document signed" in output


@needs_poppler
def test_pdfsig_trusts_it_with_the_academy_root(tmp_path, certificate, settings):
    if not shutil.which("certutil"):
        pytest.skip("needs libnss3-tools")
    nss = tmp_path / "nss"
    nss.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            f"sql:{nss}",
            "-n",
            "Academy Root",
            "-t",
            "CT,C,C",
            "-i",
            settings.CERT_SIGNING_CHAIN,
        ],
        check=True,
    )
    output = _run(tmp_path, certificate, "pdfsig", "-nssdir", f"sql:{nss}")
    assert "Signature is Valid." in output
    assert "Certificate is Trusted." in output


@needs_poppler
def test_printed_url_leads_to_the_verification_page(tmp_path, certificate):
    url = verify_url(certificate.serial)
    assert url == f"http://testserver/verify/{certificate.serial}/"
    assert url in _run(tmp_path, certificate, "pdftotext", "-layout")


@needs_poppler
def test_officers_signature_and_seal_images_are_printed(tmp_path, settings):
    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    from certification.models import CertificateSettings

    def image(colour, name):
        buffer = BytesIO()
        PILImage.new("RGB", (120, 60), colour).save(buffer, "PNG")
        return get_image_model().objects.create(
            title=name, file=ImageFile(BytesIO(buffer.getvalue()), name=f"{name}.png")
        )

    look = CertificateSettings.load()
    look.signatory_name = "郑认证"
    look.signature_image = image("navy", "signature")
    look.seal_image = image("red", "seal")
    look.save()
    certificate = award(UserFactory(), simple_programme())
    path = tmp_path / "c.pdf"
    path.write_bytes(_pdf(certificate))
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True)
    assert len(listing.stdout.strip().splitlines()) - 2 == 2
    assert "郑认证" in _run(tmp_path, certificate, "pdftotext", "-layout")


def test_characters_the_font_lacks_are_reported():
    from certification.pdf import missing_glyphs

    assert missing_glyphs("陳思遠 陈思远 Zoë 欧阳娜娜") == ""
    assert missing_glyphs("王𠮷") == "𠮷"
