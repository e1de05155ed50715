"""Charts: server-rendered SVG and the same figures as a table.

The one chart module of the project (issue 19), used by the staff reports (growth/reports/),
the exam statistics (certification) and the diagnosis result (growth). A chart is drawn on the
server as an SVG: no script, no CDN, readable without CSS, with a title and a description for
screen readers. Every chart also carries its figures as a table (`Chart.headings`, `Chart.rows`):
a picture is not the only way to read a number (WCAG 1.1.1).

- `{{ chart }}` renders both: the SVG in a <figure>, the table in a <details> under it
  ("The chart's figures"), which keyboard and screen-reader users open like anyone else
  (academy/includes/chart.html). The admin pages use this.
- A page that lays the two out itself renders `{{ chart.svg }}` and includes
  academy/includes/chart_table.html where the table goes (the diagnosis keeps it visually
  hidden, for screen readers only).

How to add a chart: build its `Bar`s from already computed figures and call `bar_chart` with a
title and the table's two headings; return it in the page's context.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#0b6e4f", "#2f6fb0", "#b35c00", "#7a3e9d", "#8a6d00", "#a23b3b"]


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    note: str = ""  # shown after the value, e.g. "68%" or "established"


@dataclass(frozen=True)
class Chart:
    """An SVG chart and its figures as a table (headings, then one row per bar)."""

    chart_id: str
    title: str
    svg: SafeString
    headings: tuple[str, ...]
    rows: tuple[tuple, ...] = field(default=())

    def __html__(self) -> str:
        return render_to_string("academy/includes/chart.html", {"chart": self})

    def __str__(self) -> str:
        return self.__html__()


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    headings: Sequence[str],
    rows: Sequence[Sequence] | None = None,
    description: str = "",
    maximum: float | None = None,
    unit: str = "",
    chart_id: str = "chart",
    bar_width: int = 270,
    value_width: int = 150,
    font_size: int = 15,
) -> Chart:
    """Horizontal bars, one per row: the label above its bar, value and note to the right.

    The label sits on its own line so the chart stays legible when a phone scales it down;
    a narrower drawing with larger type (bar_width, font_size) stays readable at 390 px.
    `headings` name the table's columns (what the bars are, what the values count); `rows`
    replaces the table's default rows (label, value and note) when a page shows more figures
    in the table than in the drawing.
    """
    if rows is None:
        rows = [(bar.label, value_text(bar, unit)) for bar in bars]
    return Chart(
        chart_id=chart_id,
        title=str(title),
        svg=_bars_svg(
            bars,
            title=str(title),
            description=description or describe(bars, unit),
            maximum=maximum,
            unit=unit,
            chart_id=chart_id,
            bar_width=bar_width,
            value_width=value_width,
            font_size=font_size,
        ),
        headings=tuple(str(h) for h in headings),
        rows=tuple(tuple(row) for row in rows),
    )


def _bars_svg(
    bars, *, title, description, maximum, unit, chart_id, bar_width, value_width, font_size
) -> SafeString:
    row_h = max(50, 3 * font_size + 5)
    height = max(1, len(bars)) * row_h + 6
    width = bar_width + value_width
    top = maximum if maximum else max((b.value for b in bars), default=0) or 1
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
    ]
    for i, bar in enumerate(bars):
        y = 4 + i * row_h
        length = 0 if top == 0 else max(0.0, min(1.0, bar.value / top)) * bar_width
        color = PALETTE[i % len(PALETTE)]
        parts += [
            f'<text x="0" y="{y + font_size}" font-size="{font_size}" fill="#1f2933">'
            f"{escape(_clip(bar.label, 28))}</text>",
            f'<rect x="0" y="{y + font_size + 7}" width="{bar_width}" height="{font_size + 5}" '
            f'rx="3" fill="#e6ebef"/>',
            f'<rect x="0" y="{y + font_size + 7}" width="{length:.1f}" height="{font_size + 5}" '
            f'rx="3" fill="{color}"/>',
            f'<text x="{bar_width + 8}" y="{y + 2 * font_size + 7}" font-size="{font_size}" '
            f'fill="#1f2933">{escape(value_text(bar, unit))}</text>',
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))


def number_text(value: float) -> str:
    """A chart's number: whole numbers without decimals, others with one ("3", "66.7")."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def value_text(bar: Bar, unit: str = "") -> str:
    return f"{number_text(bar.value)}{unit}" + (f" · {bar.note}" if bar.note else "")


def describe(bars: Sequence[Bar], unit: str = "") -> str:
    """The chart's figures in one sentence, for its SVG <desc>."""
    return "; ".join(f"{b.label}: {number_text(b.value)}{unit}" for b in bars)


def _clip(label: str, limit: int = 14) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
