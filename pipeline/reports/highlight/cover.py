"""The highlight report's cover (the period, the sources and their staleness) and its summary of headline measures.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from pipeline.definitions.registry import Measure
from pipeline.reports.formatting import MISSING, SUPPRESSION_NOTE, as_date, date_label, is_true, period_label
from pipeline.reports.highlight.blocks import (FEED_LABELS, ReportData, direction_cell, num_cell, polarity_text,
                                               table_block, table_row, text_cell)

# --------------------------------------------------------------------------- the cover


def cover_section(data: ReportData, snapshots: pd.DataFrame, area_name: str, produced_on: date) -> dict:
    rows, stale = [], []
    order = list(FEED_LABELS)  # council, therapies, census, results, population
    records = sorted(snapshots.to_dict("records"), key=lambda s: order.index(s["feed"]) if s["feed"] in order else 99)
    for snap in records:
        feed, used = snap["feed"], as_date(snap["extract_date"])
        is_stale = used is None or is_true(snap["is_stale"])
        status = "stale" if is_stale else "up to date"
        if is_stale:
            stale.append(FEED_LABELS.get(feed, feed))
        rows.append(table_row(FEED_LABELS.get(feed, feed), [
            text_cell(used_text(feed, used)),
            text_cell(status, "status status-stale" if is_stale else "status status-ok"),
            text_cell(stale_reason(feed, used, is_stale)),
        ]))
    table = table_block("The data this report uses", ["Source", "Data used", "Status", "What this means"], rows)
    return {
        "area": area_name,
        "period": period_label(data.period),
        "produced": date_label(produced_on),
        "feeds": table,
        "stale": ", ".join(stale),
        "suppression_note": SUPPRESSION_NOTE,
    }


def used_text(feed: str, used: date | None) -> str:
    if used is None:
        return MISSING
    if feed in ("council_send", "therapies", "nccis"):
        return f"extract of {date_label(used)}"
    if feed == "workforce":
        return f"training log, latest completion {date_label(used)}"
    if feed == "school_census":
        return f"census of {date_label(used)}"
    if feed in ("ks2", "ks4"):
        return f"results of {used.year - 1}/{used.year % 100:02d}"
    if feed == "population":
        return f"mid-{used.year} estimate"
    return date_label(used)


def stale_reason(feed: str, used: date | None, is_stale: bool) -> str:
    if used is None:
        return "No data for this month: the measures from this source are missing."
    if is_stale:
        return "No extract for this month was usable: an older extract was used, so these figures may be out of date."
    if feed == "population":
        return "The latest published estimate; rates per 10,000 use it."
    return "The data for this month."


def stale_sources(snapshots: pd.DataFrame) -> frozenset[str]:
    """Sources (``measure_snapshots.feed``) that are stale or have no data for the period."""
    out = set()
    for snap in snapshots.to_dict("records"):
        if as_date(snap["extract_date"]) is None or is_true(snap["is_stale"]):
            out.add(snap["feed"])
    return frozenset(out)


# --------------------------------------------------------------------------- the summary


def headline_measures(registry: dict[str, Measure]) -> list[Measure]:
    """Computed value measures with an ``all`` row, in registry order."""
    return [m for m in registry.values() if m.is_computed and m.kind == "value" and "all" in m.breakdowns]


def summary_section(data: ReportData) -> dict:
    rows = []
    for measure in headline_measures(data.registry):
        rows.append(table_row(measure.title, [
            num_cell(data.text(measure.id)),
            num_cell(data.text(measure.id, period=data.previous)),
            num_cell(data.text(measure.id, period=data.last_year)),
            text_cell(polarity_text(measure)),
            direction_cell(data.direction(measure.id, "all", data.previous)),
        ], data.stale_badge(measure.id)))
    columns = ["Measure", period_label(data.period), f"Previous month ({period_label(data.previous)})",
               f"Same month last year ({period_label(data.last_year)})", "Better when",
               "Direction of travel since last month"]
    return {"table": table_block(f"Headline measures, {period_label(data.period)}", columns, rows, css="summary")}
