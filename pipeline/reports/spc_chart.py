"""Making Data Count charts: an :class:`pipeline.analysis.spc.Analysis` as an SVG, and its words.

:func:`spc_chart` draws the series with every point coloured by its type (the type is
also in the chart's text alternative and in the table the report prints beneath it, so
colour is never the only carrier), the mean, the process limits, the target, the
rebase markers and where a baseline ends (:func:`baseline_words` says it in words).
``VARIATION_WORDS``, ``ASSURANCE_WORDS`` and ``POINT_WORDS`` are the plain words the pack
prints beside the icons.
"""
from __future__ import annotations

from collections.abc import Sequence

from pipeline.analysis import spc
from pipeline.reports.charts import TABLE_NOTE, _check, _f, _plain, _svg, _text, _value_grid

POINT_COLOURS = {spc.COMMON_CAUSE: "#A6A6A6", spc.IMPROVEMENT: "#00B0F0", spc.CONCERN: "#E46C0A",
                 spc.NEUTRAL: "#490092"}
MEAN_COLOUR, LIMIT_COLOUR, TARGET_COLOUR, REBASE_COLOUR = "#212b32", "#768692", "#d5281b", "#425563"
BASELINE_DASH = "5 2 1 2"  # the baseline marker: dash-dot, unlike the dotted rebase marker
POINT_WORDS = {spc.COMMON_CAUSE: "common cause", spc.IMPROVEMENT: "special cause: improvement",
               spc.CONCERN: "special cause: concern", spc.NEUTRAL: "special cause: neither better nor worse",
               spc.NO_DATA: "no figure"}
VARIATION_WORDS = {
    "common_cause": "Common cause: no significant change",
    "improvement_high": "Special cause improvement: significantly higher",
    "improvement_low": "Special cause improvement: significantly lower",
    "concern_high": "Special cause concern: significantly higher",
    "concern_low": "Special cause concern: significantly lower",
    "neutral_high": "Special cause: significantly higher (neither better nor worse)",
    "neutral_low": "Special cause: significantly lower (neither better nor worse)",
    None: "Not judged: fewer than 13 months of data",
}
VARIATION_SHORT = {
    "common_cause": "Common cause",
    "improvement_high": "Improvement (higher)", "improvement_low": "Improvement (lower)",
    "concern_high": "Concern (higher)", "concern_low": "Concern (lower)", "neutral_high": "Special cause (higher)",
    "neutral_low": "Special cause (lower)", None: "Not judged yet",
}
ASSURANCE_SHORT = {spc.PASS: "Consistently passing", spc.FAIL: "Consistently failing", spc.HIT_AND_MISS: "Hit and miss",
                   None: "No target"}
ASSURANCE_WORDS = {
    spc.PASS: "Consistently passing: the target will be met every month if nothing changes",
    spc.FAIL: "Consistently failing: the target will be missed every month if nothing changes",
    spc.HIT_AND_MISS: "Hit and miss: the target will be met in some months and missed in others",
    None: "No assurance: no target, or not enough data",
}


def baseline_words(analysis: spc.Analysis, labels: Sequence[str]) -> list[str]:
    """A sentence a period whose limits a baseline fixed, e.g. "Limits fixed from the first 13 months
    (to Sep 2025)."; a period after a rebase is named by its first month."""
    words = []
    for end in analysis.baseline_ends:
        period = analysis.points[end].period
        start = next(p.index for p in analysis.points if p.period == period)
        gaps = " with a figure" if end - start + 1 > analysis.baseline else ""
        since = f" from {labels[start]}" if period else ""
        words.append(f"Limits fixed from the first {analysis.baseline} months{gaps}{since} (to {labels[end]}).")
    return words


def spc_desc(title: str, analysis: spc.Analysis, labels: Sequence[str], display: Sequence[str]) -> str:
    """The chart's text alternative: span, latest value, lines, icons and flagged months."""
    known = [p for p in analysis.points if p.value is not None]
    last = known[-1]
    parts = [f"Statistical process control chart of {title}, one point a month from {labels[0]} to {labels[-1]}.",
             f"Latest, {labels[last.index]}: {display[last.index]}."]
    if analysis.has_limits and last.lines.upper is not None:
        parts.append(f"Mean {_plain(last.lines.mean)}; process limits {_plain(last.lines.lower)} to "
                     f"{_plain(last.lines.upper)}.")
    else:
        parts.append(f"Mean {_plain(last.lines.mean)}; no process limits.")
    parts += baseline_words(analysis, labels)
    flagged = [p for p in known if p.point_type != spc.COMMON_CAUSE]
    if flagged:
        parts.append(f"{len(flagged)} month(s) show special cause variation: "
                     + "; ".join(f"{labels[p.index]} {POINT_WORDS[p.point_type]}" for p in flagged[-6:]) + ".")
    parts.append(f"Variation: {VARIATION_WORDS[analysis.variation]}.")
    if analysis.target is not None:
        parts.append(f"Target {_plain(analysis.target)}. Assurance: {ASSURANCE_WORDS[analysis.assurance]}.")
    parts.append(TABLE_NOTE)
    return " ".join(parts)


def spc_chart(
    title: str,
    analysis: spc.Analysis,
    labels: Sequence[str],
    *,
    chart_id: str,
    display: Sequence[str] | None = None,
    rebase_labels: Sequence[str] = (),
    width: int = 480,
    height: int = 170,
) -> str:
    """An MDC-style XmR chart as an SVG document.

    Parameters
    ----------
    title
        What the series is.
    analysis
        From :func:`pipeline.analysis.spc.analyse` on the same points.
    labels
        One short label a month, oldest first (e.g. "Oct 2026").
    chart_id
        Unique within the document.
    display
        Each month's value as the report displays it; defaults to plain numbers.
    rebase_labels
        A short marker a rebase (e.g. "1"); the report explains each beneath the chart.
    """
    values = [p.value for p in analysis.points]
    _check(chart_id, labels, values)
    display = list(display) if display is not None else ["no figure" if v is None else _plain(v) for v in values]
    desc = spc_desc(title, analysis, labels, display)
    lines = [p.lines for p in analysis.points if p.lines is not None]
    extent = [v for v in values if v is not None] + [x for ln in lines for x in (ln.upper, ln.lower) if x is not None]
    extent += [analysis.target] if analysis.target is not None else []
    low, high = _axis(min(extent), max(extent))
    left, right, top, bottom = 40.0, 10.0, 12.0, 22.0
    plot_w, plot_h, span = width - left - right, height - top - bottom, (high - low) or 1.0

    def x_at(i: float) -> float:
        return left + (plot_w * i / (len(values) - 1) if len(values) > 1 else plot_w / 2)

    def y_at(v: float) -> float:
        return top + plot_h * (1 - (v - low) / span)

    body = _value_grid(left, top, plot_w, plot_h, low, span)
    body += [_text(x_at(0), height - 6, labels[0], "start"),
             _text(x_at(len(values) - 1), height - 6, labels[-1], "end")]
    body += _period_lines(analysis, x_at, y_at)
    if analysis.target is not None:
        y = y_at(analysis.target)
        body.append(f'<line x1="{_f(left)}" y1="{_f(y)}" x2="{_f(left + plot_w)}" y2="{_f(y)}" '
                    f'stroke="{TARGET_COLOUR}" stroke-width="1" stroke-dasharray="6 3"/>')
    starts = [p.index for p in analysis.points[1:] if p.period != analysis.points[p.index - 1].period]
    for start, marker in zip(starts, list(rebase_labels) + [""] * len(starts)):
        x = (x_at(start - 1) + x_at(start)) / 2
        body.append(f'<line x1="{_f(x)}" y1="{_f(top)}" x2="{_f(x)}" y2="{_f(top + plot_h)}" '
                    f'stroke="{REBASE_COLOUR}" stroke-width="0.8" stroke-dasharray="1 2"/>')
        if marker:
            body.append(_text(x + 2, top - 3, marker))
    for end in analysis.baseline_ends:
        x = (x_at(end) + x_at(end + 1)) / 2
        body.append(f'<line x1="{_f(x)}" y1="{_f(top)}" x2="{_f(x)}" y2="{_f(top + plot_h)}" '
                    f'stroke="{REBASE_COLOUR}" stroke-width="0.8" stroke-dasharray="{BASELINE_DASH}"/>')
        body.append(_text(x - 2, top - 3, "baseline", "end"))
    known = [(p.index, p.value) for p in analysis.points if p.value is not None]
    if len(known) > 1:
        path = " ".join(f"{_f(x_at(i))},{_f(y_at(v))}" for i, v in known)
        body.append(f'<polyline points="{path}" fill="none" stroke="{POINT_COLOURS[spc.COMMON_CAUSE]}" '
                    'stroke-width="1.2"/>')
    for p in analysis.points:
        if p.value is not None:
            body.append(f'<circle cx="{_f(x_at(p.index))}" cy="{_f(y_at(p.value))}" r="2.6" '
                        f'fill="{POINT_COLOURS[p.point_type]}"/>')
    return _svg(chart_id, width, height, title, desc, body)


def _axis(smallest: float, largest: float) -> tuple[float, float]:
    """An axis that fits the data, limits and target with a margin (SPC charts need not start at 0)."""
    margin = (largest - smallest) * 0.08 or abs(largest) * 0.1 or 1.0
    low = smallest - margin
    low = 0.0 if smallest >= 0 > low else low  # never below zero for a series that cannot go below it
    return low, largest + margin


def _period_lines(analysis: spc.Analysis, x_at, y_at) -> list[str]:
    """The mean (solid) and, when drawn, the process limits (dashed) of each period."""
    out = []
    for period in sorted({p.period for p in analysis.points}):
        mine = [p for p in analysis.points if p.period == period]
        lines = mine[0].lines
        if lines is None:
            continue
        x1, x2 = x_at(mine[0].index), x_at(mine[-1].index)
        styled = [(lines.mean, MEAN_COLOUR, "")]
        if lines.upper is not None:
            styled += [(lines.upper, LIMIT_COLOUR, ' stroke-dasharray="4 2"'),
                       (lines.lower, LIMIT_COLOUR, ' stroke-dasharray="4 2"')]
        out += [f'<line x1="{_f(x1)}" y1="{_f(y_at(v))}" x2="{_f(x2)}" y2="{_f(y_at(v))}" stroke="{colour}" '
                f'stroke-width="0.9"{dash}/>' for v, colour, dash in styled]
    return out
