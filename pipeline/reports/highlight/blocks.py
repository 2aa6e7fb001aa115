"""What the highlight report's pages are built from: the report's data, labels, table cells and trend charts.
"""
from __future__ import annotations

from dataclasses import dataclass

from pipeline.definitions.registry import Measure
from pipeline.periods import shift_period
from pipeline.reports import charts
from pipeline.reports.formatting import Direction, direction_of_travel, displayed_number, format_value, period_label
from pipeline.reports.history import MeasureHistory

FEED_LABELS = {
    "council_send": "Council SEND records (SEN2 extract)",
    "therapies": "Children's therapy waiting lists",
    "nccis": "Young people's activities (CCIS caseload, NCCIS)",
    "workforce": "SEND training log (SENCOs)",
    "school_census": "School census",
    "ks2": "Key stage 2 results",
    "ks4": "Key stage 4 results",
    "population": "Population estimates (ONS)",
    "reference": "Reference data (population and schools)",
}
SETTING_LABELS = {
    "mainstream": "Mainstream schools (incl. resourced provision and SEN units)",
    "special_state": "State special schools (maintained and academies)",
    "special_independent": "Independent and non-maintained special schools",
    "alternative_provision": "Alternative provision",
    "post16": "Colleges and other post-16 providers",
    "elsewhere": "Elsewhere (e.g. educated at home, not in education)",
    "not_recorded": "Setting not recorded",
}
POLARITY_WORDS = {"up": "higher is better", "down": "lower is better", "neutral": "neither (not judged)"}
SNAPSHOT_FEED = {"ks2_rwm_expected": "ks2", "ks4_attainment8": "ks4"}


# --------------------------------------------------------------------------- building blocks


def text_cell(text: str, css: str = "") -> dict[str, str]:
    return {"text": text, "css": css}


def num_cell(text: str) -> dict[str, str]:
    """A cell holding a number (right-aligned)."""
    return text_cell(text, "num")


def table_block(caption: str, columns: list[str], rows: list[dict], note: str = "", css: str = "") -> dict:
    return {"caption": caption, "columns": columns, "rows": rows, "note": note, "css": css}


def table_row(header: str, cells: list[dict], badge: str = "") -> dict:
    return {"header": header, "cells": cells, "badge": badge}


def direction_cell(direction: Direction) -> dict[str, str]:
    return text_cell(direction.text, f"dir dir-{direction.css}")


def chart_block(svg: str, caption: str) -> dict[str, str]:
    return {"src": charts.data_uri(svg), "alt": charts.text_alternative(svg), "caption": caption}


def polarity_text(measure: Measure, breakdown: str = "all") -> str:
    return POLARITY_WORDS.get(measure.polarity_for(breakdown) or "", POLARITY_WORDS["neutral"])


@dataclass(frozen=True)
class ReportData:
    """What every section needs: the period, its neighbours, the rows and the registry."""

    period: str
    history: MeasureHistory
    registry: dict[str, Measure]
    months: list[str]  # the trend window, oldest first
    stale_sources: frozenset[str]

    @property
    def previous(self) -> str:
        """The month before the period."""
        return shift_period(self.period, -1)

    @property
    def last_year(self) -> str:
        """The same month a year before."""
        return shift_period(self.period, -12)

    def row(self, measure_id: str, breakdown: str = "all", period: str | None = None) -> dict | None:
        """A measure row of the period (or of ``period``), None when there is none."""
        return self.history.row(measure_id, breakdown, period or self.period)

    def text(self, measure_id: str, breakdown: str = "all", period: str | None = None) -> str:
        """A measure row's value as displayed (:func:`format_value`)."""
        return format_value(self.row(measure_id, breakdown, period), self.registry[measure_id].unit)

    def direction(self, measure_id: str, breakdown: str, earlier: str) -> Direction:
        """The direction of travel from ``earlier`` to the period, with the row's polarity."""
        measure = self.registry[measure_id]
        return direction_of_travel(self.row(measure_id, breakdown), self.row(measure_id, breakdown, earlier),
                                   measure.polarity_for(breakdown), measure.unit)

    def stale_badge(self, measure_id: str) -> str:
        """ "stale data" when the measure's source is stale or missing this period, else "". """
        source = SNAPSHOT_FEED.get(measure_id, self.registry[measure_id].source)
        return "stale data" if source in self.stale_sources else ""


# --------------------------------------------------------------------------- trends


def window_start(data: ReportData, measure_ids: list[str]) -> list[str]:
    """The trend months from the first with any of the measures' rows (at least the period)."""
    for i, month in enumerate(data.months):
        if data.history.has_period(measure_ids, month):
            return data.months[i:]
    return data.months[-1:]


def trend_block(data: ReportData, series: list[tuple[str, str, str]], key: str, caption: str,
           columns: list[str] | None = None) -> dict:
    """Line charts for (measure id, breakdown, title) series, and one table of their numbers.

    The table has a row a month (newest first) and a column a series (headed ``columns``,
    by default the charts' titles); months with no row are "no data" and gaps in the line.
    """
    months = window_start(data, [m for m, _, _ in series])
    labels = [period_label(p, short=True) for p in months]
    figures, headers, table_rows = [], ["Month"], {p: [] for p in months}
    for n, (measure_id, breakdown, title) in enumerate(series):
        unit = data.registry[measure_id].unit
        rows = [data.row(measure_id, breakdown, p) for p in months]
        shown = [format_value(r, unit) for r in rows]
        values = [float(d) if (d := displayed_number(r, unit)) is not None else None for r in rows]
        svg = charts.line_chart(title, labels, values, chart_id=f"chart-{key}-{n}", display=shown)
        figures.append(chart_block(svg, f"{title}: latest {shown[-1]}"))
        headers.append(title)
        for p, text in zip(months, shown):
            table_rows[p].append(num_cell(text))
    rows = [table_row(period_label(p, short=True), table_rows[p]) for p in reversed(months)]
    headers = ["Month", *columns] if columns else headers
    span = (f"over the last {len(months)} months" if len(months) == len(data.months)
            else f"since {period_label(months[0])}")
    return {"charts": figures, "table": table_block(caption, headers, rows, css="trend"), "span": span}
