"""Share images of a certificate: PNGs drawn on the server with Pillow, in the holder's script and
the font the PDF embeds (WenQuanYi Micro Hei, certification/fonts), so a name in any CJK script
looks the same in the picture as on the certificate.

Two sizes, one drawing that adapts to the frame:
- "moments" 1080×1440 (3:4 portrait): WeChat keeps 1080 px across when it recompresses a photo, a
  phone shows it full width, and Moments' single-image thumbnail keeps a 3:4 frame uncropped
  (taller frames are cut to a square-ish crop in the feed).
- "chat" 1200×630 (1.91:1): the link-preview size every unfurler uses (Open Graph, LinkedIn), so
  the same file serves as the holder page's og:image; in a chat bubble it reads without opening.

Each carries the holder's name (as written), the programme (in the certificate's script), the
serial and a QR code of the verification URL large enough for a phone camera (and zbarimg).
"""

import re
from dataclasses import dataclass
from functools import cache
from io import BytesIO

import segno
from PIL import Image, ImageDraw, ImageFont

from .pdf import FONT_PATH

PAPER = (251, 250, 246)
INK = (31, 42, 55)
ACCENT = (11, 110, 79)
MUTED = (91, 101, 114)
GOLD = (176, 141, 60)
WHITE = (255, 255, 255)


@dataclass(frozen=True)
class Size:
    name: str
    width: int
    height: int


SIZES = {
    "moments": Size("moments", 1080, 1440),
    "chat": Size("chat", 1200, 630),
}


@dataclass(frozen=True)
class ShareContent:
    """What the picture says, already in the holder's script (built by services.sharing)."""

    holder_name: str
    programme_title: str
    programme_title_en: str
    level: str
    serial: str
    verify_url: str
    issuer: str
    heading: str  # 讲师认证证书 / 講師認證證書
    scan_label: str  # 扫码验证 / 掃碼驗證
    serial_label: str
    valid_until: str


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    # index 0: the regular face of the collection (the PDF uses the same subfont).
    return ImageFont.truetype(str(FONT_PATH), size, index=0)


# A run of Latin letters/digits stays whole; everything else (CJK, punctuation) may break anywhere.
_TOKEN = re.compile(r"[A-Za-z0-9@&'’\-.]+ ?|\s+|.", re.S)


def wrap(text: str, size: int, width: int) -> list[str]:
    """`text` in lines no wider than `width` px at `size`: CJK breaks between any two characters,
    Latin words stay whole unless one alone is too wide."""
    face = font(size)
    lines, line = [], ""
    for token in _TOKEN.findall(text):
        candidate = line + token
        if face.getlength(candidate.rstrip()) <= width or not line.strip():
            line = candidate
        else:
            lines.append(line.rstrip())
            line = token.lstrip()
    if line.strip():
        lines.append(line.rstrip())
    return lines


def fitted(text: str, size: int, width: int, max_lines: int, smallest: int) -> tuple[int, list]:
    """The largest size from `size` down to `smallest` at which `text` wraps in `max_lines`."""
    while size > smallest:
        lines = wrap(text, size, width)
        if len(lines) <= max_lines:
            return size, lines
        size -= 2
    return smallest, wrap(text, smallest, width)[:max_lines]


def _stroke(size: int) -> int:
    # Dense Traditional characters (證, 書) fill in under a heavier stroke; small text stays plain.
    return size // 48 if size >= 48 else 0


def _centred(draw, text: str, y: int, size: int, colour, width: int, bold=False) -> int:
    face = font(size)
    draw.text(
        (width / 2, y),
        text,
        font=face,
        fill=colour,
        anchor="mt",
        # The face has one weight: a thin stroke of the same colour stands in for bold.
        stroke_width=_stroke(size) if bold else 0,
        stroke_fill=colour if bold else None,
    )
    return y + round(size * 1.3)


def _block(draw, lines, y, size, colour, centre_x, bold=False) -> int:
    for line in lines:
        face = font(size)
        draw.text(
            (centre_x, y),
            line,
            font=face,
            fill=colour,
            anchor="mt",
            stroke_width=_stroke(size) if bold else 0,
            stroke_fill=colour if bold else None,
        )
        y += round(size * 1.3)
    return y


def qr_image(url: str, box: int) -> Image.Image:
    """The QR code of `url` as a square of about `box` px, whole pixels per module (crisp for
    scanners), with the four-module quiet zone ISO 18004 asks for."""
    qr = segno.make(url, error="m", micro=False)
    border = 4
    matrix = [[0] * border + list(row) + [0] * border for row in qr.matrix]
    blank = [0] * len(matrix[0])
    matrix = [blank] * border + matrix + [blank] * border
    modules = len(matrix)
    small = Image.new("L", (modules, modules), 255)
    small.putdata([0 if dark else 255 for row in matrix for dark in row])
    scale = max(1, box // modules)
    qr_rgb = small.resize((modules * scale, modules * scale), Image.Resampling.NEAREST)
    return Image.merge("RGB", [qr_rgb.point(lambda v, c=c: c if v == 0 else 255) for c in INK])


def _frame(draw, width, height, inset):
    draw.rectangle((0, 0, width - 1, height - 1), fill=PAPER)
    draw.rectangle((inset, inset, width - inset, height - inset), outline=ACCENT, width=10)
    draw.rectangle(
        (inset + 18, inset + 18, width - inset - 18, height - inset - 18), outline=GOLD, width=2
    )


def draw(content: ShareContent, size: Size, level_zh: str = "", level_en: str = "") -> bytes:
    """The PNG for `content` at `size` (optimised; a few tens of kilobytes)."""
    width, height = size.width, size.height
    image = Image.new("RGB", (width, height), PAPER)
    canvas = ImageDraw.Draw(image)
    if size.name == "moments":
        _draw_portrait(canvas, image, content, width, height, level_zh, level_en)
    else:
        _draw_landscape(canvas, image, content, width, height, level_zh, level_en)
    # A few dozen colours (paper, ink, accents and their anti-aliased edges): a palette image is a
    # little over a third of the size of RGB, and quick to encode (`optimize=True` took 1 s).
    palette = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = BytesIO()
    palette.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def _draw_portrait(canvas, image, content, width, height, level_zh, level_en):
    _frame(canvas, width, height, 36)
    text_width = width - 220
    y = 120
    y = _centred(canvas, content.issuer, y, 34, MUTED, width)
    y += 24
    y = _centred(canvas, content.heading, y, 76, ACCENT, width, bold=True)
    y = _centred(canvas, "LECTURER CERTIFICATE", y, 30, GOLD, width)
    y += 40
    name_size, name_lines = fitted(content.holder_name, 92, text_width, 2, 48)
    y = _block(canvas, name_lines, y, name_size, INK, width / 2, bold=True)
    canvas.line((width / 2 - 260, y + 4, width / 2 + 260, y + 4), fill=GOLD, width=3)
    y += 40
    title_size, title_lines = fitted(content.programme_title, 54, text_width, 3, 32)
    y = _block(canvas, title_lines, y, title_size, ACCENT, width / 2, bold=True)
    if content.programme_title_en:
        en_size, en_lines = fitted(content.programme_title_en, 32, text_width, 2, 24)
        y = _block(canvas, en_lines, y + 4, en_size, INK, width / 2)
    if level_zh or level_en:
        y = _centred(canvas, f"{level_zh}  ·  {level_en}", y + 8, 30, INK, width)
    # The QR code and the serial at the bottom, whatever the text above took.
    # The QR code between the text and the footer: as large as the room left allows (a long
    # name and title take more), never under 280 px (7 px a module: any phone reads it).
    footer = height - 250
    qr = qr_image(content.verify_url, max(280, min(400, footer - y - 40)))
    qr_y = max(y + 20, (y + footer - qr.height) // 2)
    qr_y = min(qr_y, footer - qr.height)
    image.paste(qr, (int((width - qr.width) / 2), qr_y))
    below = qr_y + qr.height + 14
    below = _centred(canvas, content.scan_label, below, 30, MUTED, width)
    below = _centred(canvas, f"{content.serial_label} {content.serial}", below + 4, 36, INK, width)
    _centred(canvas, content.valid_until, below + 4, 26, MUTED, width)


def _draw_landscape(canvas, image, content, width, height, level_zh, level_en):
    _frame(canvas, width, height, 24)
    qr_box = 400
    qr = qr_image(content.verify_url, qr_box)
    qr_x = width - 70 - qr.width
    qr_y = int((height - qr.height) / 2) - 20
    image.paste(qr, (qr_x, qr_y))
    _centred(canvas, content.scan_label, qr_y + qr.height + 8, 24, MUTED, qr_x * 2 + qr.width)
    text_right = qr_x - 40
    centre = (70 + text_right) / 2
    text_width = text_right - 90
    y = 80
    y = _block(canvas, [content.issuer], y, 26, MUTED, centre)
    y = _block(canvas, [content.heading], y + 6, 52, ACCENT, centre, bold=True)
    y += 18
    name_size, name_lines = fitted(content.holder_name, 68, text_width, 2, 32)
    y = _block(canvas, name_lines, y, name_size, INK, centre, bold=True)
    canvas.line((centre - 180, y + 2, centre + 180, y + 2), fill=GOLD, width=3)
    y += 22
    title_size, title_lines = fitted(content.programme_title, 40, text_width, 2, 26)
    y = _block(canvas, title_lines, y, title_size, ACCENT, centre, bold=True)
    if content.programme_title_en:
        en_size, en_lines = fitted(content.programme_title_en, 24, text_width, 1, 18)
        y = _block(canvas, en_lines, y, en_size, INK, centre)
    bottom = height - 80
    _block(canvas, [f"{content.serial_label} {content.serial}"], bottom - 40, 28, INK, centre, True)
    _block(canvas, [content.valid_until], bottom, 22, MUTED, centre)
