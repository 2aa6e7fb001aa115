"""The pack's Outcomes-Based Accountability pages: a scorecard for each area of concern, then a
turn-the-curve page for each headline indicator (``partnership/oba.yaml``)."""
from __future__ import annotations

from collections.abc import Sequence

from pipeline.analysis import spc
from pipeline.analysis.oba import (ACCOUNTABILITY_WORDS, FORECAST_HORIZON, FORECAST_LEVEL, FORECAST_WINDOW,
                                   NOT_WRITTEN, QUADRANT_WORDS, Area, Headline, curve_turned, forecast)
from pipeline.definitions.registry import Measure
from pipeline.periods import shift_period
from pipeline.reports.charts import data_uri, text_alternative
from pipeline.reports.curve_chart import curve_chart
from pipeline.reports.formatting import format_value, period_label
from pipeline.reports.spc_pack import RowOf, SpcSettings, line_text, series_values

METHOD_NOTE = (f"The forecast if nothing changes is a straight line fitted to the last {FORECAST_WINDOW} months "
               f"with a figure (least squares), carried forward {FORECAST_HORIZON} months; the shaded band is where a "
               f"month would fall {int(FORECAST_LEVEL * 10)} times out of 10 if that trend simply went on.")


def oba_section(row_of: RowOf, registry: dict[str, Measure], months: Sequence[str], areas: list[Area],
                spc_settings: SpcSettings) -> dict:
    """The scorecards and turn-the-curve pages as template context."""
    period = months[-1]
    return {"areas": [_scorecard(row_of, registry, period, area) for area in areas],
            "curves": [_curve(row_of, registry, months, area, h, n, spc_settings)
                       for area in areas for n, h in enumerate(area.headlines)],
            "method": METHOD_NOTE}


def _latest(row_of: RowOf, measure: Measure, period: str) -> str:
    if not measure.is_computed:
        return "in development" if measure.status == "in_development" else "not yet computed"
    if measure.kind != "value":
        return "a list (see the measure's definition)"
    if "all" not in measure.breakdowns:
        return "by group: see the report's sections"
    return format_value(row_of(measure.id, "all", period), measure.unit)


def _scorecard(row_of: RowOf, registry: dict[str, Measure], period: str, area: Area) -> dict:
    rows = []
    for measure_id in area.measures:
        measure = registry[measure_id]
        rows.append({"header": measure.title, "badge": "", "cells": [
            {"text": QUADRANT_WORDS[measure.oba_quadrant], "css": ""},
            {"text": ACCOUNTABILITY_WORDS[measure.accountability], "css": ""},
            {"text": _latest(row_of, measure, period), "css": "num"},
            {"text": _latest(row_of, measure, shift_period(period, -12)) if measure.is_computed else "", "css": "num"},
        ]})
    return {"ref": area.ref, "title": area.title, "empty": not rows,
            "table": {"caption": f"Area of concern {area.ref}: scorecard, {period_label(period)}", "css": "summary",
                      "note": "", "columns": ["Measure", "Quadrant", "Accountability", period_label(period),
                                              period_label(shift_period(period, -12))], "rows": rows}}


def _curve(row_of: RowOf, registry: dict[str, Measure], months: Sequence[str], area: Area, headline: Headline,
           n: int, spc_settings: SpcSettings) -> dict:
    measure = registry[headline.measure_id]
    values = series_values(row_of, measure, headline.breakdown, months)
    first = next((i for i, v in enumerate(values) if v is not None), len(values) - 1)
    window, values = list(months[first:]), values[first:]
    rebases = spc_settings.rebases_of(headline.measure_id, headline.breakdown)
    started = next((r for r in rebases if r.action == headline.intervention), rebases[-1] if rebases else None)
    in_window = [r.month for r in rebases if r.month in window[1:]]
    target = spc_settings.target(headline.measure_id, headline.breakdown)
    baseline = spc_settings.baseline_of(headline.measure_id, headline.breakdown)
    analysis = None
    if any(v is not None for v in values):
        analysis = spc.analyse(values, window, polarity=measure.polarity or "neutral", target=target,
                               rebases=in_window, profile=spc_settings.profile,
                               baseline=baseline.points if baseline else None)
    ahead = forecast(values, window)
    labels = [period_label(m, short=True) for m in window]
    ahead_labels = [period_label(p.month, short=True) for p in ahead]
    title = f"{measure.title}" + ("" if headline.breakdown == "all" else f" ({headline.breakdown.split('=')[1]})")
    marker = window.index(started.month) if started and started.month in window else None
    svg = curve_chart(title, labels, values, ahead, ahead_labels, chart_id=f"curve-{area.ref}-{n}", target=target,
                      marker=marker)
    shown = [format_value(row_of(measure.id, headline.breakdown, m), measure.unit) for m in window]
    rows = [{"header": period_label(m, short=True), "badge": "", "cells": [{"text": s, "css": "num"},
             {"text": "", "css": ""}]} for m, s in zip(window, shown)][::-1][:6]
    rows = [{"header": period_label(p.month, short=True), "badge": "", "cells": [
        {"text": line_text(p.value, measure.unit), "css": "num"},
        {"text": f"{line_text(p.low, measure.unit)} to {line_text(p.high, measure.unit)}", "css": "num"}]}
        for p in reversed(ahead)] + rows
    return {
        "area": area.title, "ref": area.ref, "title": title,
        "chart": {"src": data_uri(svg), "alt": text_alternative(svg), "caption": title},
        "turned": curve_turned(analysis, window, started.month if started else None) if analysis else
        "No figures yet.",
        "intervention": (f"From {period_label(started.month)}: {started.reason}" if started else ""),
        "target": line_text(target, measure.unit) if target is not None else "none set",
        "story": headline.story or NOT_WRITTEN, "partners": headline.partners or NOT_WRITTEN,
        "what_works": headline.what_works or NOT_WRITTEN,
        "table": {"caption": f"{title}: the forecast and the latest months (newest first)", "css": "trend",
                  "note": "", "columns": ["Month", "Figure or forecast", "Forecast range"], "rows": rows},
    }
