"""Charts drawn on the server as inline SVG.

No chart library and no script: the page must work under ``SECURE_CSP`` (``'self'`` only, no
``'unsafe-inline'``), so nothing here uses a ``style`` attribute or a ``<style>`` element.
Colours, sizes and fonts are SVG presentation attributes, which the CSP does not govern.

The chart is a set of small multiples: one row per category (a region), one panel per series
(active groups, dormant groups, ...), each panel with its own scale.  A shared scale would
squash a column of three groups next to a column of two hundred letters into nothing.  Every
bar carries its number as text, so the picture never depends on reading a bar's length or
telling colours apart, and ``<title>``/``<desc>`` (with every number in the description) give
screen readers the same content as the eye gets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

#: Geometry, in SVG user units (the chart scales to its container through the viewBox).
FONT_SIZE = 13
CHAR_WIDTH = 7.2  # a safe average advance for FONT_SIZE in a sans-serif face, Cyrillic included
LABEL_MIN, LABEL_MAX = 120, 260
PANEL_WIDTH = 170
PANEL_GAP = 16
BAR_HEIGHT = 18
ROW_HEIGHT = 30
HEADER_LINE = 16
PADDING = 8
VALUE_ROOM = 40  # room right of the longest bar for its number
INK = "#1f2937"
#: The page's own font stack (vigil.css), so the chart reads like the text around it.
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif"
GRID = "#d1d5db"


@dataclass(frozen=True)
class Series:
    """One measure drawn for every category, e.g. "dormant groups"."""

    key: str
    label: str
    colour: str


@dataclass(frozen=True)
class Category:
    """One row of the chart, e.g. a region, with a number for each series key."""

    label: str
    values: Mapping[str, int] = field(default_factory=dict)


def _wrap(text: str, width: float) -> list[str]:
    """Split a header into lines that fit ``width`` (by estimate: no font metrics here)."""
    limit = max(4, int(width // CHAR_WIDTH))
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and len(candidate) > limit:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]


def _truncate(text: str, width: float) -> str:
    limit = max(4, int(width // CHAR_WIDTH))
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _number(value: float) -> str:
    """Coordinates without trailing zeros: ``12`` rather than ``12.0``."""
    return f"{value:.1f}".removesuffix(".0")


def describe(categories: Sequence[Category], series: Sequence[Series]) -> str:
    """Every number of the chart as one sentence per category, for ``<desc>``."""
    sentences = []
    for category in categories:
        parts = ", ".join(f"{s.label}: {int(category.values.get(s.key, 0))}" for s in series)
        sentences.append(f"{category.label} — {parts}.")
    return " ".join(sentences)


def bar_chart(
    categories: Sequence[Category],
    series: Sequence[Series],
    *,
    title: str,
    description: str = "",
    element_id: str = "chart",
) -> SafeString:
    """A horizontal bar chart as an ``<svg>`` element, safe to place in a template as is.

    ``title`` and ``description`` are plain text (escaped here).  The description is followed
    by every number of the chart.
    """
    label_width = min(
        LABEL_MAX,
        max(LABEL_MIN, int(max((len(c.label) for c in categories), default=0) * CHAR_WIDTH)),
    )
    bar_room = PANEL_WIDTH - VALUE_ROOM
    headers = [_wrap(s.label, PANEL_WIDTH) for s in series]
    header_height = HEADER_LINE * max((len(h) for h in headers), default=1) + PADDING
    top = PADDING + header_height
    width = PADDING + label_width + len(series) * (PANEL_WIDTH + PANEL_GAP) + PADDING
    height = top + ROW_HEIGHT * max(len(categories), 1) + PADDING

    title_id, desc_id = f"{element_id}-title", f"{element_id}-desc"
    summary = " ".join(filter(None, [description, describe(categories, series)]))
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(element_id)}" class="chart" '
        f'role="img" aria-labelledby="{escape(title_id)} {escape(desc_id)}" '
        f'viewBox="0 0 {_number(width)} {_number(height)}" '
        f'width="{_number(width)}" height="{_number(height)}" '
        f'font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}" fill="{INK}">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(summary)}</desc>',
    ]

    # Column headers, one panel per series, each with its colour swatch.
    for index, (item, lines) in enumerate(zip(series, headers, strict=True)):
        x = PADDING + label_width + index * (PANEL_WIDTH + PANEL_GAP)
        out.append(f'<g class="chart-series" data-series="{escape(item.key)}">')
        out.append(
            f'<rect x="{_number(x)}" y="{PADDING}" width="4" '
            f'height="{header_height - PADDING}" fill="{escape(item.colour)}"/>'
        )
        out.append(f'<text x="{_number(x + 10)}" y="{PADDING}" font-weight="bold">')
        for line in lines:
            out.append(
                f'<tspan x="{_number(x + 10)}" dy="{HEADER_LINE - 3}">{escape(line)}</tspan>'
            )
        out.append("</text></g>")

    if not categories:
        return mark_safe("".join([*out, "</svg>"]))  # noqa: S308 - every text is escaped above

    maxima = {s.key: max(int(c.values.get(s.key, 0)) for c in categories) for s in series}
    for row, category in enumerate(categories):
        y = top + row * ROW_HEIGHT
        middle = y + ROW_HEIGHT / 2
        out.append(f'<g class="chart-row" data-label="{escape(category.label)}">')
        out.append(
            f'<line x1="{PADDING}" x2="{_number(width - PADDING)}" y1="{_number(y)}" '
            f'y2="{_number(y)}" stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{PADDING}" y="{_number(middle)}" dominant-baseline="central">'
            f"{escape(_truncate(category.label, label_width - PADDING))}</text>"
        )
        for index, item in enumerate(series):
            value = int(category.values.get(item.key, 0))
            x = PADDING + label_width + index * (PANEL_WIDTH + PANEL_GAP)
            top_of_bar = middle - BAR_HEIGHT / 2
            length = bar_room * value / maxima[item.key] if maxima[item.key] else 0
            if value > 0:
                length = max(length, 2)  # a one next to a thousand still shows
                out.append(
                    f'<rect class="bar" data-series="{escape(item.key)}" x="{_number(x)}" '
                    f'y="{_number(top_of_bar)}" width="{_number(length)}" '
                    f'height="{BAR_HEIGHT}" fill="{escape(item.colour)}"/>'
                )
            out.append(
                f'<text class="value" data-series="{escape(item.key)}" '
                f'x="{_number(x + length + 4)}" y="{_number(middle)}" '
                f'dominant-baseline="central">{value}</text>'
            )
        out.append("</g>")
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text is escaped above
