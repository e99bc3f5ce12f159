"""Charts as SVG drawn on the server: horizontal bars (one series or grouped) and stacked bars.

No JavaScript and no style attributes (the content security policy forbids inline styles):
colours are SVG presentation attributes, text sizes are classes in insights/insights.css. Each
chart is an image with a title and a description (`role="img"`, `aria-labelledby`), and the page
puts the same figures in a table next to it. Colour never carries meaning alone: each series has
its own pattern, a legend and its value written at the end of its bar; a figure the group rule
hides is written out as such, without a bar.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 760
LABEL_WIDTH = 260  # row labels end here (right-aligned), bars start here
BAR_SPACE = 340  # the longest bar
BAR_HEIGHT = 18
BAR_GAP = 4
ROW_GAP = 14
LEGEND_LINE = 22
TOP = 8

# One fill per series: a solid, a hatch and dots, each with an outline of the same colour
# (every colour has at least 4.5:1 contrast on white).
SERIES = (
    {"colour": "#7a3e12", "pattern": None},
    {"colour": "#1f5f6b", "pattern": "hatch"},
    {"colour": "#3d3a36", "pattern": "dots"},
)


@dataclass(frozen=True)
class Row:
    """One row of a bar chart: its label and, per series, the value (None when hidden) and its text."""

    label: str
    values: list[tuple[float | None, str]]


@dataclass(frozen=True)
class StackedRow:
    """One stacked bar: its label and its parts as (fraction, text); None when the group rule hides them."""

    label: str
    parts: list[tuple[float, str]] | None


def bar_chart(slug: str, title: str, description: str, rows: list[Row], *, series: list[str], maximum) -> SafeString:
    """Horizontal bars, one per row and series; `maximum` is the value of a full-length bar (None: none drawn)."""
    legend = [name for name in series if name]
    top = TOP + len(legend) * LEGEND_LINE + (ROW_GAP if legend else 0)
    row_height = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP + ROW_GAP
    elements = [_legend(slug, legend, TOP)] if legend else []
    for index, row in enumerate(rows):
        y = top + index * row_height
        elements.append(_label(row.label, y + (row_height - ROW_GAP) / 2))
        for position, (value, text) in enumerate(row.values):
            bar_y = y + position * (BAR_HEIGHT + BAR_GAP)
            elements.append(_bar(slug, position, value, text, maximum, bar_y))
    height = top + len(rows) * row_height
    summary = "; ".join(f"{row.label}: {', '.join(text for _value, text in row.values)}" for row in rows)
    return _svg(slug, title, f"{description} {summary}", height, elements)


def stacked_chart(slug: str, title: str, description: str, rows: list[StackedRow], *, legend: list[str]) -> SafeString:
    """One full-length bar per row, split into its parts in the order of `legend`."""
    top = TOP + len(legend) * LEGEND_LINE + ROW_GAP
    row_height = BAR_HEIGHT * 2 + ROW_GAP
    elements = [_legend(slug, legend, TOP)]
    for index, row in enumerate(rows):
        y = top + index * row_height
        elements.append(_label(row.label, y + BAR_HEIGHT))
        elements.append(_stacked_bar(slug, row, y))
    height = top + len(rows) * row_height
    summaries = []
    for row in rows:
        parts = [f"{name} {text}" for name, (_fraction, text) in zip(legend, row.parts or [], strict=False)]
        summaries.append(f"{row.label}: {', '.join(parts) or _('too few to show')}")
    return _svg(slug, title, f"{description} {'; '.join(summaries)}", height, elements)


def _svg(slug: str, title: str, description: str, height: float, elements: list[SafeString]) -> SafeString:
    chart_id = f"chart-{slug}"
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        'width="{width}" height="{height}" aria-labelledby="{id}-title {id}-desc">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{description}</desc>'
        "<defs>{patterns}</defs>{elements}</svg>",
        width=WIDTH,
        height=round(height),
        id=chart_id,
        title=title,
        description=description,
        patterns=_patterns(slug),
        elements=mark_safe("".join(elements)),  # each element was built with format_html
    )


def _patterns(slug: str) -> SafeString:
    return format_html(
        '<pattern id="chart-{slug}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="{hatch}" stroke-width="3"/></pattern>'
        '<pattern id="chart-{slug}-dots" width="5" height="5" patternUnits="userSpaceOnUse">'
        '<rect width="5" height="5" fill="#ffffff"/><circle cx="2.5" cy="2.5" r="1.5" fill="{dots}"/></pattern>',
        slug=slug,
        hatch=SERIES[1]["colour"],
        dots=SERIES[2]["colour"],
    )


def _fill(slug: str, position: int) -> str:
    series = SERIES[position % len(SERIES)]
    return f"url(#chart-{slug}-{series['pattern']})" if series["pattern"] else str(series["colour"])


def _legend(slug: str, names: list[str], y: float) -> SafeString:
    return format_html_join(
        "",
        '<rect x="{x}" y="{y}" width="16" height="16" fill="{fill}" stroke="{stroke}"/>'
        '<text x="{text_x}" y="{text_y}" class="chart-text">{name}</text>',
        (
            {
                "x": LABEL_WIDTH,
                "y": y + index * LEGEND_LINE,
                "fill": _fill(slug, index),
                "stroke": SERIES[index % len(SERIES)]["colour"],
                "text_x": LABEL_WIDTH + 24,
                "text_y": y + index * LEGEND_LINE + 13,
                "name": name,
            }
            for index, name in enumerate(names)
        ),
    )


def _label(text: str, middle: float) -> SafeString:
    return format_html(
        '<text x="{x}" y="{y}" text-anchor="end" dominant-baseline="middle" class="chart-text">{text}</text>',
        x=LABEL_WIDTH - 10,
        y=round(middle, 1),
        text=text,
    )


def _bar(slug: str, position: int, value: float | None, text: str, maximum, y: float) -> SafeString:
    middle = round(y + BAR_HEIGHT / 2, 1)
    if value is None or not maximum:
        return format_html(
            '<text x="{x}" y="{y}" dominant-baseline="middle" class="chart-text chart-hidden">{text}</text>',
            x=LABEL_WIDTH,
            y=middle,
            text=text,
        )
    length = round(BAR_SPACE * min(value / maximum, 1), 1)
    bar = (
        format_html(
            '<rect x="{x}" y="{y}" width="{width}" height="{height}" fill="{fill}" stroke="{stroke}"/>',
            x=LABEL_WIDTH,
            y=y,
            width=length,
            height=BAR_HEIGHT,
            fill=_fill(slug, position),
            stroke=SERIES[position % len(SERIES)]["colour"],
        )
        if length
        else ""
    )
    return format_html(
        '{bar}<text x="{x}" y="{y}" dominant-baseline="middle" class="chart-text">{text}</text>',
        bar=bar,
        x=LABEL_WIDTH + length + 6,
        y=middle,
        text=text,
    )


def _stacked_bar(slug: str, row: StackedRow, y: float) -> SafeString:
    if row.parts is None:
        return format_html(
            '<text x="{x}" y="{y}" dominant-baseline="middle" class="chart-text chart-hidden">{text}</text>',
            x=LABEL_WIDTH,
            y=y + BAR_HEIGHT,
            text=_("too few to show"),
        )
    pieces, x = [], float(LABEL_WIDTH)
    for position, (fraction, _text) in enumerate(row.parts):
        width = round(BAR_SPACE * fraction, 1)
        if width:
            pieces.append(
                format_html(
                    '<rect x="{x}" y="{y}" width="{width}" height="{height}" fill="{fill}" stroke="{stroke}"/>',
                    x=round(x, 1),
                    y=y,
                    width=width,
                    height=BAR_HEIGHT * 2,
                    fill=_fill(slug, position),
                    stroke=SERIES[position % len(SERIES)]["colour"],
                )
            )
        x += width
    texts = " · ".join(text for _fraction, text in row.parts)
    pieces.append(
        format_html(
            '<text x="{x}" y="{y}" dominant-baseline="middle" class="chart-text">{text}</text>',
            x=LABEL_WIDTH + BAR_SPACE + 8,
            y=y + BAR_HEIGHT,
            text=texts,
        )
    )
    return mark_safe("".join(pieces))  # each piece was built with format_html
