"""The places page: a deployment's areas side by side, each measure, each area and England.

An integrated care board that runs children's therapies for several councils, or a region,
reads one table: a row a measure (its ``all`` row), a column an area, and England's latest
published figure where the Department publishes one. An area whose pack is stale (a feed
refused, late or missing for the month) is marked in its column's heading and named, with
its stale feeds, under the table. Values are rounded and suppressed as in every pack.

It is a page of the lead area's highlight report and a PDF of its own
(``SEND-places-<period>.pdf`` in the lead area's pack folder). Columns come six areas a
table, so a region's or England's 153 areas stay readable on A4.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from pipeline.definitions.registry import Measure
from pipeline.reports.formatting import format_value, period_label
from pipeline.reports.highlight.blocks import FEED_LABELS, table_block, table_row

log = logging.getLogger(__name__)
AREAS_A_TABLE = 6
ENGLAND = "970"


@dataclass(frozen=True)
class Place:
    """One area's month: its measure rows (``measures`` table) and the feeds its pack is stale for."""

    code: str
    name: str
    measures: pd.DataFrame
    stale_feeds: tuple[str, ...] = ()
    refused_feeds: tuple[str, ...] = field(default=())

    @property
    def marked(self) -> bool:
        """Stale, refused, or without measures for the month."""
        return bool(self.stale_feeds or self.refused_feeds or self.measures.empty)


NAMED_IN_TITLE = 4  # more areas than this: "Blackpool and 152 other areas" (a title must fit its page)


def deployment_name(names: list[str]) -> str:
    """The areas of a deployment in a title: each named when few, else the lead and how many others."""
    if len(names) <= NAMED_IN_TITLE:
        return ", ".join(names)
    return f"{names[0]} and {len(names) - 1} other areas"


def places_name(period: str) -> str:
    """The places PDF's file name."""
    return f"SEND-places-{period}.pdf"


def england_figures(published: pd.DataFrame) -> dict[str, tuple[float, int]]:
    """England's latest published ``all`` figure a measure: measure id → (value, year)."""
    rows = published[(published["la_code"].astype(str) == ENGLAND) & (published["breakdown"] == "all")
                     & published["value"].notna()]
    latest = rows.sort_values("year").groupby("measure_id").tail(1)
    return {r.measure_id: (float(r.value), int(r.year)) for r in latest.itertuples()}


def places_section(period: str, places: list[Place], registry: dict[str, Measure],
                   england: dict[str, tuple[float, int]]) -> dict:
    """The page's words and tables (``data_table`` blocks), for the templates."""
    values = {p.code: _by_measure(p.measures) for p in places}
    measure_ids = [m for m in registry if any(m in v for v in values.values())]
    tables = []
    for start in range(0, len(places), AREAS_A_TABLE):
        chunk = places[start:start + AREAS_A_TABLE]
        columns = ["Measure"] + [p.name + (" (stale)" if p.marked else "") for p in chunk] + ["England"]
        rows = [table_row(registry[m].title, [_cell(format_value(values[p.code].get(m), registry[m].unit))
                                              for p in chunk] + [_cell(_england(england.get(m), registry[m]))])
                for m in measure_ids]
        which = f" (areas {start + 1} to {start + len(chunk)} of {len(places)})" if len(places) > AREAS_A_TABLE else ""
        tables.append(table_block(f"The areas side by side, {period_label(period)}{which}", columns, rows,
                                  css="places"))
    return {
        "period": period_label(period),
        "count": len(places),
        "tables": tables,
        "stale": [_stale_line(p) for p in places if p.marked],
        "names": [p.name for p in places],
    }


def render_places(section: dict, out_dir: Path, period: str, *, produced_on: date, deployment: str) -> Path:
    """The places page as a PDF of its own (tagged PDF/UA-1), written atomically."""
    from pipeline.reports.pdf import render_html, write_pdf

    started = time.perf_counter()
    title = f"SEND places side by side, {section['period']}: {deployment}"
    context = {"doc": {"title": title, "author": f"{deployment} SEND partnerships",
                       "description": f"Each measure of {section['count']} local areas and England for "
                                      f"{section['period']}.", "created": produced_on.isoformat()},
               "places": section, "produced": produced_on}
    path = write_pdf(render_html(context, template="places.html"), Path(out_dir) / places_name(period))
    log.info("rendered %s in %.1f s", path, time.perf_counter() - started)
    return path


def _cell(text: str) -> dict:
    return {"text": text, "css": "num"}


def _by_measure(frame: pd.DataFrame) -> dict[str, dict]:
    if frame.empty:
        return {}
    rows = frame[frame["breakdown"] == "all"]
    return {r["measure_id"]: r for r in rows.to_dict("records")}


def _england(figure: tuple[float, int] | None, measure: Measure) -> str:
    if figure is None:
        return "not published"
    value, year = figure
    return f"{format_value({'value': value, 'unit': measure.unit}, measure.unit)} ({year})"


def _stale_line(place: Place) -> str:
    if place.measures.empty:
        return f"{place.name}: no measures were built for the month (see its validation report)."
    parts = []
    if place.refused_feeds:
        parts.append("refused: " + ", ".join(FEED_LABELS.get(f, f) for f in place.refused_feeds))
    if place.stale_feeds:
        parts.append("stale or missing: " + ", ".join(FEED_LABELS.get(f, f) for f in place.stale_feeds))
    return f"{place.name}: {'; '.join(parts)} (its figures use the last good data)."
