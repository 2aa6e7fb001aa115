"""Charts for the public pages: inline SVG with a title, a description, a text summary and a table.

The line charts and SPC charts are the board pack's (:mod:`pipeline.reports.charts`,
:mod:`pipeline.reports.spc_chart`), drawn from the numbers *as the public page shows them*
(rounded, with ``c`` months as gaps), so nothing on a chart can be more exact than its table.
The SPC chart is analysed from those same numbers. Point colours that fall below 3:1 against
white (WCAG 1.4.11) are darkened; the point types are also written in the table.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from xml.sax.saxutils import unescape

from pipeline.analysis import spc
from pipeline.reports import charts
from pipeline.reports.spc_chart import POINT_COLOURS, spc_chart
from pipeline.reports.spc_pack import line_text

PUBLIC_POINT_COLOURS = {  # the board's Making Data Count colours -> darker shades of the same hue
    POINT_COLOURS[spc.COMMON_CAUSE]: "#505a5f",
    POINT_COLOURS[spc.IMPROVEMENT]: "#1d70b8",
    POINT_COLOURS[spc.CONCERN]: "#b14700",
}
POINT_PLAIN = {
    spc.COMMON_CAUSE: "usual variation",
    spc.IMPROVEMENT: "unusual: a change for the better",
    spc.CONCERN: "unusual: a change for the worse",
    spc.NEUTRAL: "unusual: neither better nor worse",
    spc.NO_DATA: "no figure shown",
}
VARIATION_PLAIN = {
    "common_cause": "The figure is moving up and down as usual: no real change.",
    "improvement_high": "The figure has changed for the better (it is higher) more than usual variation explains.",
    "improvement_low": "The figure has changed for the better (it is lower) more than usual variation explains.",
    "concern_high": "The figure has changed for the worse (it is higher) more than usual variation explains.",
    "concern_low": "The figure has changed for the worse (it is lower) more than usual variation explains.",
    "neutral_high": "The figure is higher than usual variation explains.",
    "neutral_low": "The figure is lower than usual variation explains.",
    None: "There are not yet enough months (13 are needed) to tell a real change from usual variation.",
}
_XML_NS = ' xmlns="http://www.w3.org/2000/svg"'


def inline(svg: str) -> str:
    """The SVG document as an element for an HTML page (no namespace declaration needed there)."""
    svg = svg.replace(_XML_NS, "", 1).strip()
    for old, new in PUBLIC_POINT_COLOURS.items():
        svg = svg.replace(f'fill="{old}"', f'fill="{new}"').replace(f'stroke="{old}"', f'stroke="{new}"')
    return svg


def summary_of(svg: str) -> str:
    """The chart's description, as the text summary printed under it."""
    match = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S)
    return unescape(match.group(1)) if match else ""


def line(title: str, labels: Sequence[str], values: Sequence[float | None], display: Sequence[str],
         chart_id: str) -> dict:
    """A line chart: ``{"svg", "summary", "id"}`` (the svg as inline markup)."""
    svg = charts.line_chart(title, list(labels), list(values), chart_id=chart_id, display=list(display),
                            width=320, height=160)
    return {"svg": inline(svg), "summary": summary_of(svg), "id": chart_id, "title": title}


def spc_block(title: str, labels: Sequence[str], values: Sequence[float | None], display: Sequence[str],
              chart_id: str, *, polarity: str, unit: str, target: float | None = None,
              rebases: Sequence[str] = (), months: Sequence[str] = (), profile: str = "mdc",
              baseline: int | None = None) -> dict | None:
    """An SPC chart of the shown numbers with its summary and table rows; None with fewer than 2 figures."""
    first = next((i for i, v in enumerate(values) if v is not None), None)
    if first is None or sum(v is not None for v in values) < 2:
        return None
    labels, values, display = list(labels[first:]), list(values[first:]), list(display[first:])
    months = list(months[first:]) if months else labels
    rebases = [r for r in rebases if r in months[1:]]
    analysis = spc.analyse(values, months, polarity=polarity, target=target, rebases=rebases, profile=profile,
                           baseline=baseline)
    svg = spc_chart(title, analysis, labels, chart_id=chart_id, display=display,
                    rebase_labels=[str(i) for i in range(1, len(rebases) + 1)])
    rows = []
    for point in reversed(analysis.points):
        lines = point.lines
        rows.append({"header": labels[point.index], "cells": [
            display[point.index],
            line_text(lines.mean if lines else None, unit),
            line_text(lines.lower if lines else None, unit),
            line_text(lines.upper if lines else None, unit),
            POINT_PLAIN[point.point_type],
        ]})
    return {"svg": inline(svg), "summary": summary_of(svg), "id": chart_id, "title": title,
            "variation": VARIATION_PLAIN[analysis.variation], "rows": rows,
            "columns": ["Month", "Figure", "Average", "Lower limit", "Upper limit", "What the chart shows"]}
