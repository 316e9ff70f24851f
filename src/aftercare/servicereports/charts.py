"""The report's charts as SVG text, drawn in Python: the same markup goes inline into the page
and into the PDF (WeasyPrint draws SVG), so no script runs and nothing is fetched.

Bars only, with the figure written beside each bar: a chart is read by people who print it.
Colours are presentation attributes (``fill``), not ``style``, so the page stays CSP-clean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

# Bootstrap's blue, green, red, amber and grey, dark enough for white backgrounds.
COLOURS = {
    "primary": "#0b5ed7",
    "ok": "#198754",
    "late": "#dc3545",
    "warn": "#b58105",
    "muted": "#6c757d",
}
FONT = "Noto Sans CJK TC, Noto Sans CJK SC, Noto Sans CJK JP, sans-serif"


@dataclass(frozen=True)
class Series:
    label: str
    colour: str  # a key of COLOURS


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    values: Sequence[Sequence[int]],
    *,
    chart_id: str,
    width: int = 520,
) -> SafeString:
    """Horizontal grouped bars: one group per category, one bar per series
    (``values[category][series]``), a legend when there is more than one series."""
    bar, gap, label_width, left_pad = 16, 10, 170, 8
    legend = 22 if len(series) > 1 else 0
    group = bar * len(series) + gap
    height = 28 + legend + group * max(len(categories), 1) + 6
    top = 28 + legend
    most = max([value for row in values for value in row] + [1])
    span = width - label_width - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(chart_id)}" class="report-chart" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" font-family="{FONT}" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left_pad}" y="18" font-size="14" font-weight="bold" fill="#212529">'
        f"{escape(title)}</text>",
    ]
    if legend:
        x = left_pad
        for item in series:
            parts.append(
                f'<rect x="{x}" y="28" width="12" height="12" fill="{COLOURS[item.colour]}"/>'
                f'<text x="{x + 16}" y="38" fill="#212529">{escape(item.label)}</text>'
            )
            x += 24 + 13 * len(item.label)
    for index, category in enumerate(categories):
        y = top + index * group
        middle = y + bar * len(series) / 2 + 4
        parts.append(
            f'<text x="{label_width - 6}" y="{middle:.0f}" text-anchor="end" fill="#212529">'
            f"{escape(category)}</text>"
        )
        for position, item in enumerate(series):
            value = values[index][position]
            length = round(span * value / most)
            by = y + position * bar
            parts.append(
                f'<rect x="{label_width}" y="{by}" width="{max(length, 1)}" height="{bar - 3}" '
                f'fill="{COLOURS[item.colour]}"/>'
                f'<text x="{label_width + length + 4}" y="{by + bar - 5}" fill="#212529">'
                f"{value}</text>"
            )
    parts.append("</svg>")
    # Every text above went through escape(); the rest is our own markup.
    return mark_safe("".join(parts))  # noqa: S308
