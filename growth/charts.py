"""Server-rendered SVG charts: no script, readable without CSS, each with a title and a
description for screen readers (the pages also print the same figures as a table)."""

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#0b6e4f", "#2f6fb0", "#b35c00", "#7a3e9d", "#8a6d00", "#a23b3b"]


@dataclass
class Bar:
    label: str
    value: float
    note: str = ""  # shown after the value, e.g. "68%" or "established"


def bar_chart(
    bars: list[Bar],
    *,
    title: str,
    description: str = "",
    maximum: float | None = None,
    unit: str = "",
    chart_id: str = "chart",
    bar_width: int = 270,
    value_width: int = 150,
    font_size: int = 15,
) -> SafeString:
    """Horizontal bars, one per row: the label above its bar, value and note to the right.

    The label sits on its own line so the chart stays legible when a phone scales it down;
    a narrower drawing with larger type (bar_width, font_size) stays readable at 390 px.
    """
    bar_w, value_w = bar_width, value_width
    row_h = max(50, 3 * font_size + 5)
    height = max(1, len(bars)) * row_h + 6
    width = bar_w + value_w
    top = maximum if maximum else max((b.value for b in bars), default=0) or 1
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description or _describe(bars, unit))}</desc>',
    ]
    for i, bar in enumerate(bars):
        y = 4 + i * row_h
        length = 0 if top == 0 else max(0.0, min(1.0, bar.value / top)) * bar_w
        color = PALETTE[i % len(PALETTE)]
        text = f"{_fmt(bar.value)}{unit}" + (f" · {bar.note}" if bar.note else "")
        parts += [
            f'<text x="0" y="{y + font_size}" font-size="{font_size}" fill="#1f2933">'
            f"{escape(_clip(bar.label, 28))}</text>",
            f'<rect x="0" y="{y + font_size + 7}" width="{bar_w}" height="{font_size + 5}" rx="3" '
            f'fill="#e6ebef"/>',
            f'<rect x="0" y="{y + font_size + 7}" width="{length:.1f}" height="{font_size + 5}" '
            f'rx="3" fill="{color}"/>',
            f'<text x="{bar_w + 8}" y="{y + 2 * font_size + 7}" font-size="{font_size}" '
            f'fill="#1f2933">{escape(text)}</text>',
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _clip(label: str, limit: int = 14) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _describe(bars: list[Bar], unit: str) -> str:
    return "; ".join(f"{b.label}: {_fmt(b.value)}{unit}" for b in bars)
