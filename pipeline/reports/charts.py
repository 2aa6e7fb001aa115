"""Small SVG charts for the board pack, written as text (no plotting library needed).

Two pure functions, each returning a complete SVG document as a string:

- :func:`line_chart` — a monthly series (up to 24 points; ``None`` is a gap, drawn as a
  break in the line);
- :func:`bar_chart` — horizontal bars for a mix (settings, primary needs).

Every chart carries ``role="img"``, a ``<title>`` and a ``<desc>`` (its text alternative:
what it shows and the latest or largest value) joined by ``aria-labelledby``. The report
always puts a table of the same numbers beside the chart, and says so in the desc.
:func:`text_alternative` gives the title and desc as one sentence for an ``<img alt>``;
:func:`data_uri` embeds a chart in HTML as an image.
"""
from __future__ import annotations

import base64
import math
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr, unescape

FONT = "DejaVu Sans, Arial, sans-serif"
LINE_COLOUR = "#005eb8"  # NHS blue
LATEST_COLOUR = "#003087"
BAR_COLOUR = "#005eb8"
GRID_COLOUR = "#d8dde0"
TEXT_COLOUR = "#212b32"
CHAR_WIDTH = 5.6  # the average width of a 9 px DejaVu Sans character, for laying out labels
TABLE_NOTE = "The numbers are in the table that follows the chart."
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S)
_DESC = re.compile(r"<desc[^>]*>(.*?)</desc>", re.S)


class ChartError(ValueError):
    """A chart was asked for with inconsistent inputs; the message says which."""


# --------------------------------------------------------------------------- helpers


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 or 10 × 10^k that is at least ``value`` (0 stays 1)."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value * (1 - 1e-12):
            return step * power
    return 10 * power


def _plain(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _displays(values: Sequence[float | None], display: Sequence[str] | None) -> list[str]:
    if display is None:
        return ["no figure" if v is None else _plain(v) for v in values]
    if len(display) != len(values):
        raise ChartError(f"{len(display)} display texts for {len(values)} values.")
    return [str(d) for d in display]


def _check(chart_id: str, labels: Sequence[str], values: Sequence[float | None]) -> None:
    if not _ID.match(chart_id):
        raise ChartError(f"Chart id {chart_id!r} must start with a letter and hold letters, digits, - or _.")
    if len(labels) != len(values):
        raise ChartError(f"{len(labels)} labels for {len(values)} values.")
    for value in values:
        if value is not None and not math.isfinite(value):
            raise ChartError(f"Chart {chart_id}: {value!r} is not a finite number (use None for a gap).")


def _f(number: float) -> str:
    """A coordinate with one decimal place, so the same chart is always the same text."""
    text = f"{number:.1f}"
    return "0.0" if text == "-0.0" else text


def _svg(chart_id: str, width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family={quoteattr(FONT)} font-size="9" fill="{TEXT_COLOUR}">'
    )
    return "\n".join([
        head,
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        *body,
        "</svg>",
    ]) + "\n"


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def _value_grid(left: float, top: float, plot_w: float, plot_h: float, low: float, span: float) -> list[str]:
    """Three horizontal grid lines (bottom, middle, top of the plot) and their value labels."""
    heights = [(top + plot_h * (1 - fraction), low + span * fraction) for fraction in (0, 0.5, 1)]
    body = [f'<g stroke="{GRID_COLOUR}" stroke-width="0.6">']
    body += [f'<line x1="{_f(left)}" y1="{_f(y)}" x2="{_f(left + plot_w)}" y2="{_f(y)}"/>' for y, _ in heights]
    body.append("</g>")
    return body + [_text(left - 4, y + 3, _plain(value), "end") for y, value in heights]


# --------------------------------------------------------------------------- line chart


def line_desc(title: str, labels: Sequence[str], values: Sequence[float | None], display: Sequence[str]) -> str:
    """The text alternative of a line chart: span, latest value, range and gaps."""
    if not labels:
        return f"Line chart of {title}: there are no months to show."
    parts = [f"Line chart of {title}, one point a month from {labels[0]} to {labels[-1]}."]
    parts.append(f"Latest, {labels[-1]}: {display[-1]}.")
    known = [(v, i) for i, v in enumerate(values) if v is not None]
    if len(known) > 1:
        low, high = min(known), max(known, key=lambda item: (item[0], -item[1]))
        parts.append(f"Lowest {display[low[1]]} in {labels[low[1]]}; highest {display[high[1]]} in {labels[high[1]]}.")
    gaps = len(values) - len(known)
    if not known:
        parts.append("No month has a figure that can be shown.")
    elif gaps:
        parts.append(f"{gaps} of {len(values)} months have no figure that can be shown and are gaps in the line.")
    parts.append(TABLE_NOTE)
    return " ".join(parts)


def line_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    chart_id: str,
    display: Sequence[str] | None = None,
    width: int = 240,
    height: int = 130,
) -> str:
    """A line chart of a monthly series, as an SVG document.

    Parameters
    ----------
    title
        What the series is, e.g. "Children waiting for therapy, all services".
    labels
        One label a month, oldest first (e.g. "Oct 2026"); at most 24 are expected.
    values
        One value a month; ``None`` is a month with no figure (or a suppressed one) and is
        drawn as a gap.
    chart_id
        Unique within the document: the ids of ``<title>`` and ``<desc>`` derive from it.
    display
        The value of each month as the report displays it (rounded, ``c`` when
        suppressed); used in the text alternative and the axis. Defaults to plain numbers.
    width, height
        Size in CSS pixels.

    Returns
    -------
    str
        ``<svg role="img">`` with ``<title>``, ``<desc>``, axes and the line.
    """
    _check(chart_id, labels, values)
    shown = _displays(values, display)
    desc = line_desc(title, labels, values, shown)
    left, right, top, bottom = 38.0, 10.0, 10.0, 22.0
    plot_w, plot_h = width - left - right, height - top - bottom
    known = [v for v in values if v is not None]
    low = min(0.0, min(known)) if known else 0.0
    high = nice_ceiling(max(known)) if known and max(known) > 0 else 1.0
    span = high - low or 1.0

    def x_at(i: int) -> float:
        return left + (plot_w * i / (len(values) - 1) if len(values) > 1 else plot_w / 2)

    def y_at(v: float) -> float:
        return top + plot_h * (1 - (v - low) / span)

    body = _value_grid(left, top, plot_w, plot_h, low, span)
    if labels:
        body.append(_text(x_at(0), height - 6, labels[0], "start" if len(labels) > 1 else "middle"))
        if len(labels) > 1:
            body.append(_text(x_at(len(labels) - 1), height - 6, labels[-1], "end"))
    body += _line_segments(values, x_at, y_at)
    if not known:
        body.append(_text(left + plot_w / 2, top + plot_h / 2, "No figures to show", "middle"))
    return _svg(chart_id, width, height, title, desc, body)


def _line_segments(values: Sequence[float | None], x_at, y_at) -> list[str]:
    """Polylines over runs of known values; a dot for a point with no neighbour, and the latest."""
    out, run = [], []
    for i, value in enumerate([*values, None]):
        if value is not None:
            run.append(f"{_f(x_at(i))},{_f(y_at(value))}")
            continue
        if len(run) > 1:
            out.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{LINE_COLOUR}" stroke-width="1.6"/>')
        run = []
    for i, value in enumerate(values):
        latest = i == len(values) - 1
        alone = (i == 0 or values[i - 1] is None) and (latest or values[i + 1] is None)
        if value is None or not (latest or alone):
            continue
        radius, colour = (3.0, LATEST_COLOUR) if latest else (2.0, LINE_COLOUR)
        out.append(f'<circle cx="{_f(x_at(i))}" cy="{_f(y_at(value))}" r="{radius}" fill="{colour}"/>')
    return out


# --------------------------------------------------------------------------- bar chart


def bar_desc(title: str, labels: Sequence[str], values: Sequence[float | None], display: Sequence[str]) -> str:
    """The text alternative of a bar chart: every category with its value, largest first."""
    if not labels:
        return f"Bar chart of {title}: there are no categories to show."
    order = sorted(range(len(labels)), key=lambda i: (values[i] is None, -(values[i] or 0), i))
    listed = "; ".join(f"{labels[i]} {display[i]}" for i in order)
    return f"Horizontal bar chart of {title}, largest first: {listed}. {TABLE_NOTE}"


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    chart_id: str,
    display: Sequence[str] | None = None,
    width: int = 460,
    label_width: int | None = None,
    bar_height: int = 12,
) -> str:
    """A horizontal bar chart, one bar a category in the order given, as an SVG document.

    ``None`` (no figure, or a suppressed one) draws no bar; its ``display`` text (such as
    ``c``) is still written where the bar would end. ``label_width`` (the room for the
    category names) defaults to the longest name's estimated width, at most half the
    chart. Other parameters as :func:`line_chart`.
    """
    _check(chart_id, labels, values)
    shown = _displays(values, display)
    desc = bar_desc(title, labels, values, shown)
    if label_width is None:
        longest = max((len(label) for label in labels), default=0)
        label_width = int(min(longest * CHAR_WIDTH + 8, width / 2))
    gap, top, value_room = 5, 4, 44
    height = top * 2 + len(labels) * (bar_height + gap)
    plot_w = width - label_width - value_room
    known = [v for v in values if v is not None]
    high = nice_ceiling(max(known)) if known and max(known) > 0 else 1.0
    body = [f'<line x1="{label_width}" y1="{top}" x2="{label_width}" y2="{height - top}" stroke="{GRID_COLOUR}"/>']
    for i, (label, value) in enumerate(zip(labels, values)):
        y = top + i * (bar_height + gap)
        length = 0.0 if value is None else max(plot_w * max(value, 0.0) / high, 0.0)
        body.append(_text(label_width - 4, y + bar_height - 3, label, "end"))
        if length > 0:
            body.append(f'<rect x="{label_width}" y="{_f(y)}" width="{_f(length)}" height="{bar_height}" '
                        f'fill="{BAR_COLOUR}"/>')
        body.append(_text(label_width + length + 3, y + bar_height - 3, shown[i]))
    return _svg(chart_id, width, max(height, 20), title, desc, body)


# --------------------------------------------------------------------------- embedding


def text_alternative(svg: str) -> str:
    """The chart's title and desc as one text, for the ``alt`` of an ``<img>``."""
    title, desc = _TITLE.search(svg), _DESC.search(svg)
    if not title or not desc:
        raise ChartError("The SVG has no <title> or no <desc>.")
    return unescape(f"{title.group(1)}. {desc.group(1)}")


def data_uri(svg: str) -> str:
    """``data:image/svg+xml;base64,…`` for an ``<img src>``."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
