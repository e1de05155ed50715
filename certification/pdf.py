"""The certificate as a PDF: one designed A4-landscape page, Simplified Chinese and English.

Drawn with reportlab in WenQuanYi Micro Hei (vendored in certification/fonts/, TrueType outlines
covering GB2312, Big5 and Latin, Apache-2.0): reportlab embeds only the glyphs used, so any CJK
name renders on any viewer. The canvas starts in that font too, otherwise reportlab writes a
non-embedded Helvetica reference on the page (stack-notes §8). The wording is fixed bilingual text
on purpose: a certificate reads the same whoever downloads it. Its Chinese is in the holder's
script, chosen at issue time from their profile language (Certificate.language): Traditional for
zh-hant, Simplified otherwise; the holder's own name is printed as they wrote it (academy.script).
"""

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

import segno
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from academy.script import HANS, HANT, script_of_language, to_script

FONT_PATH = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"
FONT = "WenQuanYiMicroHei"

INK = HexColor("#1f2a37")
ACCENT = HexColor("#0b6e4f")
MUTED = HexColor("#5b6572")
GOLD = HexColor("#b08d3c")
PAPER = HexColor("#fbfaf6")

LEVELS = {
    "associate": ("初级讲师", "Associate Lecturer"),
    "certified": ("认证讲师", "Certified Lecturer"),
    "senior": ("资深讲师", "Senior Lecturer"),
}


def register_font() -> str:
    """Register the vendored font once per process (about 0.1 s the first time)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_PATH), subfontIndex=0))
    return FONT


def missing_glyphs(text: str) -> str:
    """Characters of `text` the font cannot draw. WenQuanYi Micro Hei covers 20,932 of the 20,992
    unified ideographs but not extensions A/B (rare characters in some names): those would print
    as blanks, so issuing logs them for an officer to reissue with a corrected name or font."""
    register_font()
    char_to_glyph = pdfmetrics.getFont(FONT).face.charToGlyph
    return "".join(sorted({c for c in text if not c.isspace() and ord(c) not in char_to_glyph}))


@dataclass(frozen=True)
class CertificateContent:
    """Everything printed on a certificate; built from a Certificate or by the benchmark."""

    serial: str
    holder_name: str
    programme_title: str
    programme_title_en: str
    level: str
    issued_at: datetime
    expires_at: datetime | None
    issuer: str
    verify_url: str
    version: int = 1
    signatory_name: str = ""
    signatory_title: str = ""
    signature_image: bytes | None = None
    seal_image: bytes | None = None
    language: str = "zh-hans"

    @property
    def script(self) -> str:
        """Traditional for a zh-hant holder; Simplified for zh-hans and for English holders, whose
        certificate is bilingual Simplified Chinese and English like everyone else's."""
        return HANT if script_of_language(self.language) == HANT else HANS


def _date(value: datetime | None) -> str:
    if value is None:
        return "长期有效 · No expiry"  # in the holder's script: render() converts every line
    return f"{value:%Y年%m月%d日} · {value.day} {value:%b %Y}"


def _centred(c: canvas.Canvas, text: str, y: float, size: float, colour=INK, bold=False) -> None:
    width = landscape(A4)[0]
    c.setFillColor(colour)
    if bold:
        # The face has no bold weight: fill and stroke the outlines thinly instead.
        text_object = c.beginText()
        text_object.setFont(FONT, size)
        text_object.setTextRenderMode(2)
        c.setStrokeColor(colour)
        c.setLineWidth(size / 40)
        text_object.setTextOrigin((width - c.stringWidth(text, FONT, size)) / 2, y)
        text_object.textLine(text)
        # The render mode is graphics state: put it back or every later string is stroked too.
        text_object.setTextRenderMode(0)
        c.drawText(text_object)
        return
    c.setFont(FONT, size)
    c.drawCentredString(width / 2, y, text)


def _qr(c: canvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    qr = segno.make(url, error="m", micro=False)
    matrix = list(qr.matrix)
    border = 2
    modules = len(matrix) + 2 * border
    step = size / modules
    c.setFillColor(Color(1, 1, 1))
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColor(INK)
    path = c.beginPath()
    # One rectangle per run of dark modules keeps the page small and quick to draw.
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + border + 1) * step
        col = 0
        while col < len(row):
            if row[col]:
                start = col
                while col < len(row) and row[col]:
                    col += 1
                path.rect(x + (start + border) * step, top, (col - start) * step, step)
            else:
                col += 1
    c.drawPath(path, stroke=0, fill=1)


def _canvas(buffer, size, *, title: str, author: str, subject: str, serial: str):
    """A page with the document information every certificate carries."""
    c = canvas.Canvas(buffer, pagesize=size, initialFontName=FONT, pageCompression=1)
    c.setTitle(title)
    c.setAuthor(author)
    c.setSubject(subject)
    # The verifier reads the serial back from here (inside the signed revision).
    c.setKeywords(f"serial:{serial}")
    c.setCreator("Provider Academy")
    return c


def render(content: CertificateContent) -> bytes:
    """The unsigned certificate PDF."""
    register_font()
    width, height = landscape(A4)
    script = content.script

    def zh(text: str) -> str:
        return to_script(text, script)

    buffer = BytesIO()
    c = _canvas(
        buffer,
        (width, height),
        title=zh(f"讲师认证证书 Lecturer Certificate {content.serial}"),
        author=zh(content.issuer),
        subject=f"{zh(content.programme_title)} · {content.holder_name}",
        serial=content.serial,
    )

    c.setFillColor(PAPER)
    c.rect(0, 0, width, height, stroke=0, fill=1)
    c.setStrokeColor(ACCENT)
    c.setLineWidth(6)
    c.rect(22, 22, width - 44, height - 44)
    c.setStrokeColor(GOLD)
    c.setLineWidth(1.2)
    c.rect(34, 34, width - 68, height - 68)

    _centred(c, zh(content.issuer), height - 82, 13, MUTED)
    _centred(c, zh("讲师认证证书"), height - 130, 36, ACCENT, bold=True)
    _centred(c, "LECTURER CERTIFICATE", height - 156, 13, GOLD)

    _centred(c, zh("兹证明  This certifies that"), height - 200, 13, MUTED)
    _centred(c, content.holder_name, height - 248, 32, INK, bold=True)
    c.setStrokeColor(GOLD)
    c.setLineWidth(0.8)
    c.line(width / 2 - 170, height - 260, width / 2 + 170, height - 260)

    _centred(
        c, zh("已满足全部认证要求，获授  has met every requirement of"), height - 290, 12, MUTED
    )
    _centred(c, zh(content.programme_title), height - 322, 22, ACCENT, bold=True)
    if content.programme_title_en:
        _centred(c, content.programme_title_en, height - 344, 12, INK)
    level_zh, level_en = LEVELS.get(content.level, (content.level, content.level))
    _centred(c, f"{zh(level_zh)}  ·  {level_en}", height - 366, 12, INK)

    c.setFont(FONT, 10)
    c.setFillColor(MUTED)
    left = 70
    rows = [
        ("颁发日期 Issued", _date(content.issued_at)),
        ("有效期至 Valid until", _date(content.expires_at)),
        (
            "证书编号 Serial",
            content.serial + (f"  (v{content.version})" if content.version > 1 else ""),
        ),
    ]
    for index, (label, value) in enumerate(rows):
        y = 150 - index * 22
        c.setFillColor(MUTED)
        c.setFont(FONT, 9)
        c.drawString(left, y, zh(label))
        c.setFillColor(INK)
        c.setFont(FONT, 11)
        c.drawString(left + 120, y, zh(value))

    # Signatory block, centre bottom.
    if content.signature_image:
        c.drawImage(
            ImageReader(BytesIO(content.signature_image)),
            width / 2 - 70,
            96,
            width=140,
            height=48,
            preserveAspectRatio=True,
            mask="auto",
        )
    c.setStrokeColor(INK)
    c.setLineWidth(0.6)
    c.line(width / 2 - 90, 92, width / 2 + 90, 92)
    c.setFillColor(INK)
    c.setFont(FONT, 10)
    # A signatory's name is a person's name: as written.
    c.drawCentredString(width / 2, 78, content.signatory_name or zh(content.issuer))
    if content.signatory_title:
        c.setFont(FONT, 8.5)
        c.setFillColor(MUTED)
        c.drawCentredString(width / 2, 65, zh(content.signatory_title))
    if content.seal_image:
        c.drawImage(
            ImageReader(BytesIO(content.seal_image)),
            width / 2 + 60,
            70,
            width=80,
            height=80,
            preserveAspectRatio=True,
            mask="auto",
        )

    qr_size = 92
    qr_x = width - 70 - qr_size
    _qr(c, content.verify_url, qr_x, 92, qr_size)
    c.setFillColor(MUTED)
    c.setFont(FONT, 8)
    c.drawCentredString(qr_x + qr_size / 2, 80, zh("扫码验证 Scan to verify"))
    c.setFont(FONT, 6.5)
    c.drawRightString(width - 70, 54, content.verify_url)
    c.drawString(left, 54, zh("本证书经数字签名 · Digitally signed PDF (PAdES)"))

    c.showPage()
    c.save()
    return buffer.getvalue()


# --- The course certificate ----------------------------------------------------------------------
# Its own design, so nobody mistakes finishing a course for a lecturer's certification: portrait
# A4, a coloured band down the left with the issuer, the text set flush left, no level, no expiry.

BAND = HexColor("#0b4f6c")
BAND_TEXT = HexColor("#e8f1f5")


@dataclass(frozen=True)
class CourseCertificateContent:
    """Everything printed on a course certificate."""

    serial: str
    holder_name: str
    course_title: str
    completed_at: datetime
    issued_at: datetime
    issuer: str
    verify_url: str
    duration_minutes: int = 0
    signatory_name: str = ""
    signatory_title: str = ""
    signature_image: bytes | None = None
    seal_image: bytes | None = None
    language: str = "zh-hans"

    @property
    def script(self) -> str:
        return HANT if script_of_language(self.language) == HANT else HANS


def _day(value: datetime) -> str:
    return f"{value:%Y年%m月%d日} · {value.day} {value:%b %Y}"


def _wrapped(text: str, size: float, width: float) -> list[str]:
    """Break `text` into lines no wider than `width`: between words for Latin text, anywhere
    between CJK characters."""
    lines: list[str] = []
    line = ""
    for char in text:
        if pdfmetrics.stringWidth(line + char, FONT, size) > width and line:
            cut = line.rfind(" ") if char != " " and " " in line and char.isascii() else -1
            if cut > 0:
                lines.append(line[:cut])
                line = line[cut + 1 :] + char
            else:
                lines.append(line)
                line = char.lstrip()
            continue
        line += char
    if line:
        lines.append(line)
    return lines


def render_course(content: CourseCertificateContent) -> bytes:
    """The unsigned course certificate PDF (portrait A4)."""
    register_font()
    width, height = A4
    script = content.script

    def zh(text: str) -> str:
        return to_script(text, script)

    buffer = BytesIO()
    c = _canvas(
        buffer,
        (width, height),
        title=zh(f"课程结业证书 Certificate of Completion {content.serial}"),
        author=zh(content.issuer),
        subject=f"{zh(content.course_title)} · {content.holder_name}",
        serial=content.serial,
    )

    c.setFillColor(PAPER)
    c.rect(0, 0, width, height, stroke=0, fill=1)
    band = 128
    c.setFillColor(BAND)
    c.rect(0, 0, band, height, stroke=0, fill=1)
    c.setFillColor(GOLD)
    c.rect(band, 0, 4, height, stroke=0, fill=1)

    # The band: the issuer written top to bottom, one character under the other for Chinese.
    c.setFillColor(BAND_TEXT)
    c.setFont(FONT, 20)
    issuer_zh = zh(content.issuer).split(" ")[0]
    y = height - 96
    for char in issuer_zh[:10]:
        c.drawCentredString(band / 2, y, char)
        y -= 28
    c.saveState()
    c.translate(band / 2 + 6, 80)
    c.rotate(90)
    c.setFont(FONT, 10)
    c.drawString(0, 0, "PROVIDER ACADEMY · CERTIFICATE OF COMPLETION")
    c.restoreState()

    left = band + 56
    text_width = width - left - 56

    def line(text: str, y: float, size: float, colour=INK) -> None:
        c.setFillColor(colour)
        c.setFont(FONT, size)
        c.drawString(left, y, text)

    line(zh("课程结业证书"), height - 120, 34, BAND)
    line("CERTIFICATE OF COURSE COMPLETION", height - 148, 12, GOLD)
    c.setStrokeColor(GOLD)
    c.setLineWidth(1)
    c.line(left, height - 166, left + 120, height - 166)

    line(zh("兹证明  This is to certify that"), height - 222, 12, MUTED)
    y = height - 268
    for part in _wrapped(content.holder_name, 30, text_width)[:2]:
        line(part, y, 30, INK)
        y -= 38
    line(zh("已完成服务商学院课程  has completed the course"), y - 6, 12, MUTED)
    y -= 52
    for part in _wrapped(zh(content.course_title), 22, text_width)[:3]:
        line(part, y, 22, BAND)
        y -= 30
    if content.duration_minutes:
        hours = content.duration_minutes / 60
        shown = f"{hours:.1f}".rstrip("0").rstrip(".")
        line(zh(f"学习时长约 {shown} 小时 · about {shown} hours of study"), y - 4, 11, MUTED)

    rows = [
        ("完成日期 Completed", _day(content.completed_at)),
        ("颁发日期 Issued", _day(content.issued_at)),
        ("有效期 Validity", "长期有效 · No expiry"),
        ("证书编号 Serial", content.serial),
    ]
    for index, (label, value) in enumerate(rows):
        row_y = 330 - index * 22
        c.setFillColor(MUTED)
        c.setFont(FONT, 9)
        c.drawString(left, row_y, zh(label))
        c.setFillColor(INK)
        c.setFont(FONT, 11)
        c.drawString(left + 110, row_y, zh(value))

    # Signatory, bottom left of the text column; QR code bottom right.
    if content.signature_image:
        c.drawImage(
            ImageReader(BytesIO(content.signature_image)),
            left,
            140,
            width=140,
            height=48,
            preserveAspectRatio=True,
            mask="auto",
        )
    if content.seal_image:
        c.drawImage(
            ImageReader(BytesIO(content.seal_image)),
            left + 110,
            118,
            width=80,
            height=80,
            preserveAspectRatio=True,
            mask="auto",
        )
    c.setStrokeColor(INK)
    c.setLineWidth(0.6)
    c.line(left, 134, left + 180, 134)
    c.setFillColor(INK)
    c.setFont(FONT, 10)
    c.drawString(left, 118, content.signatory_name or zh(content.issuer))
    if content.signatory_title:
        c.setFont(FONT, 8.5)
        c.setFillColor(MUTED)
        c.drawString(left, 104, zh(content.signatory_title))

    qr_size = 96
    qr_x = width - 56 - qr_size
    _qr(c, content.verify_url, qr_x, 112, qr_size)
    c.setFillColor(MUTED)
    c.setFont(FONT, 8)
    c.drawCentredString(qr_x + qr_size / 2, 100, zh("扫码验证 Scan to verify"))
    c.setFont(FONT, 6.5)
    c.drawRightString(width - 56, 56, content.verify_url)
    c.drawString(left, 56, zh("本证书经数字签名 · Digitally signed PDF (PAdES)"))

    c.showPage()
    c.save()
    return buffer.getvalue()
