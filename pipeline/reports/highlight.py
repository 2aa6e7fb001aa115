"""The monthly highlight report: the period's measures as an accessible, tagged PDF.

``render_highlight_report`` reads the period's rows (and up to 24 earlier months) from the
``measures`` table, which delivery each source came from (``measure_snapshots``), the
registry and the run's validation report, turns every number into the text the board
reads (:func:`format_value`: rounding and small-number suppression), fills the Jinja2
templates of ``report_templates/`` (loops and formatting only) and has WeasyPrint write a
PDF/UA-1 file, to a temporary name that is then renamed into place.

Nothing here reads the clock: the date produced is an argument, so rendering a period
twice from the same warehouse gives the same text.
"""
from __future__ import annotations

import csv
import logging
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from pipeline import charts, warehouse
from pipeline.files import atomic_path
from pipeline.formatting import (MISSING, SUPPRESSION_NOTE, Direction, as_date, as_number, count_text, date_label,
                                 direction_of_travel, displayed_number, format_value, is_true, period_label)
from pipeline.benchmarks import benchmark_section
from pipeline.measures import MEASURE_COLUMNS, plan_run, read_snapshots
from pipeline.periods import month_range, parse_period, shift_period
from pipeline.registry import BREAKDOWN_VALUES, Measure, load_registry
from pipeline.oba import CONFIG_PATH as OBA_CONFIG_PATH
from pipeline.oba import load_oba_settings
from pipeline.oba_pack import oba_section
from pipeline.programme_pack import programme_section
from pipeline.spc_pack import CONFIG_PATH, load_spc_settings, spc_section

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "report_templates"
PDF_VARIANT = "pdf/ua-1"
SECTION_HEADINGS = {
    "spc_summary": "How the key measures are changing",
    "summary": "Summary of headline measures",
    "programme": "Programme delivery and exceptions",
    "benchmarks": "How the area compares",
    "ehcp": "Education, health and care (EHC) plans",
    "outcomes": "Outcomes for children and young people",
    "therapies": "Waiting times for children's therapies",
    "spc": "Statistical process control charts",
    "oba": "Outcomes-Based Accountability: scorecards and turning the curve",
    "quality": "Appendix A: data quality",
    "dictionary": "Appendix B: data dictionary",
    "glossary": "Appendix C: words used in this report",
}
MAX_FINDINGS = 30

FEED_LABELS = {
    "council_send": "Council SEND records (SEN2 extract)",
    "therapies": "Children's therapy waiting lists",
    "school_census": "School census",
    "ks2": "Key stage 2 results",
    "ks4": "Key stage 4 results",
    "population": "Population estimates (ONS)",
    "reference": "Reference data (population and schools)",
}
SOURCE_LABELS = {
    "council_send": "Council SEND records (SEN2 extract)",
    "school_census": "School census and exam results",
    "therapies": "Children's therapy services' waiting lists",
    "nccis": "NCCIS records of young people's activity",
    "workforce": "Workforce training records",
    "programme": "The programme's plan and tracker",
}
SERVICE_LABELS = {
    "all": "All services",
    "SLT": "Speech and language therapy",
    "OT": "Occupational therapy",
    "PHYSIO": "Physiotherapy",
    "CDS": "Child development service (community paediatrics)",
    "ND": "Neurodevelopmental pathway",
}
GROUP_LABELS = {
    "all": "All pupils",
    "EHCP": "Pupils with an EHC plan",
    "SEN_support": "Pupils on SEN support",
    "no_SEN": "Pupils with no SEN",
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
SETTING_SHORT = {
    "mainstream": "Mainstream", "special_state": "State special", "special_independent": "Independent special",
    "alternative_provision": "Alternative provision", "post16": "Post-16", "elsewhere": "Elsewhere",
    "not_recorded": "Not recorded",
}
NEED_LABELS = {
    "SPLD": "Specific learning difficulty", "MLD": "Moderate learning difficulty",
    "SLD": "Severe learning difficulty", "PMLD": "Profound and multiple learning difficulty",
    "SEMH": "Social, emotional and mental health", "SLCN": "Speech, language and communication needs",
    "HI": "Hearing impairment", "VI": "Visual impairment", "MSI": "Multi-sensory impairment",
    "PD": "Physical disability", "ASD": "Autism", "DS": "Down syndrome", "OTH": "Other difficulty or disability",
    "not_recorded": "Primary need not recorded",
}
UNIT_WORDS = {
    "count": "a number", "percent": "a percentage (0 to 100)", "per_10000": "a rate per 10,000 aged 0 to 25",
    "weeks": "weeks", "points": "points",
}
POLARITY_WORDS = {"up": "higher is better", "down": "lower is better", "neutral": "neither (not judged)"}
STATUS_WORDS = {"computed": "in this report", "not_yet_computed": "not yet computed",
                "in_development": "in development: not yet in this report"}
DICTIONARY_SECTIONS = {
    "council_send": "EHC plans (council SEND records)", "school_census": "School census and results",
    "therapies": "Children's therapies", "preparing_for_adulthood": "Preparing for adulthood and the workforce",
    "programme": "Programme delivery",
}
DELIVERY_STATUS = {"loaded": ("loaded", "ok"), "refused": ("refused", "bad"), "unchanged": ("loaded", "ok"),
                   "valid": ("valid", "ok"), "not read": ("not read", "warn")}
_SNAPSHOT_FEED = {"ks2_rwm_expected": "ks2", "ks4_attainment8": "ks4"}


class RenderError(RuntimeError):
    """The report cannot be made; the message says what to run or fix first."""


# --------------------------------------------------------------------------- reading the warehouse


class MeasureHistory:
    """The measure rows of a window of periods, looked up by measure, breakdown and period."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._rows: dict[tuple[str, str, str], dict[str, Any]] = {}
        for row in frame.to_dict("records"):
            clean = {**row, **{c: as_number(row[c]) for c in ("numerator", "denominator", "value")}}
            self._rows[(row["measure_id"], row["breakdown"], row["period"])] = clean

    def row(self, measure_id: str, breakdown: str, period: str) -> dict[str, Any] | None:
        """The row, or None when the warehouse has none (a gap)."""
        return self._rows.get((measure_id, breakdown, period))

    def has_period(self, measure_ids: list[str], period: str) -> bool:
        """True when any of the measures has a row in ``period``."""
        return any(key[0] in measure_ids and key[2] == period for key in self._rows)


def read_history(engine: sa.Engine | sa.Connection, period: str, months: int) -> MeasureHistory:
    """Every measure row of the ``months`` periods ending with ``period``."""
    first = shift_period(period, -(months - 1))
    sql = f"select {', '.join(MEASURE_COLUMNS)} from measures where period >= :first and period <= :last"
    return MeasureHistory(warehouse.read_sql_frame(engine, sql, {"first": first, "last": period}))


def read_validation_rows(path: Path | None) -> list[dict[str, str]] | None:
    """The rows of a ``validation-report.csv``, or None when there is no report."""
    if path is None or not Path(path).is_file():
        return None
    with Path(path).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --------------------------------------------------------------------------- building blocks


def _cell(text: str, css: str = "") -> dict[str, str]:
    return {"text": text, "css": css}


def _num(text: str) -> dict[str, str]:
    """A cell holding a number (right-aligned)."""
    return _cell(text, "num")


def _table(caption: str, columns: list[str], rows: list[dict], note: str = "", css: str = "") -> dict:
    return {"caption": caption, "columns": columns, "rows": rows, "note": note, "css": css}


def _row(header: str, cells: list[dict], badge: str = "") -> dict:
    return {"header": header, "cells": cells, "badge": badge}


def _direction_cell(direction: Direction) -> dict[str, str]:
    return _cell(direction.text, f"dir dir-{direction.css}")


def _chart(svg: str, caption: str) -> dict[str, str]:
    return {"src": charts.data_uri(svg), "alt": charts.text_alternative(svg), "caption": caption}


def _polarity_text(measure: Measure, breakdown: str = "all") -> str:
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
        source = _SNAPSHOT_FEED.get(measure_id, self.registry[measure_id].source)
        return "stale data" if source in self.stale_sources else ""


# --------------------------------------------------------------------------- the cover


def _cover(data: ReportData, snapshots: pd.DataFrame, area_name: str, produced_on: date) -> dict:
    rows, stale = [], []
    order = list(FEED_LABELS)  # council, therapies, census, results, population
    records = sorted(snapshots.to_dict("records"), key=lambda s: order.index(s["feed"]) if s["feed"] in order else 99)
    for snap in records:
        feed, used = snap["feed"], as_date(snap["extract_date"])
        is_stale = used is None or is_true(snap["is_stale"])
        status = "stale" if is_stale else "up to date"
        if is_stale:
            stale.append(FEED_LABELS.get(feed, feed))
        rows.append(_row(FEED_LABELS.get(feed, feed), [
            _cell(_used_text(feed, used)),
            _cell(status, "status status-stale" if is_stale else "status status-ok"),
            _cell(_stale_reason(feed, used, is_stale)),
        ]))
    table = _table("The data this report uses", ["Source", "Data used", "Status", "What this means"], rows)
    return {
        "area": area_name,
        "period": period_label(data.period),
        "produced": date_label(produced_on),
        "feeds": table,
        "stale": ", ".join(stale),
        "suppression_note": SUPPRESSION_NOTE,
    }


def _used_text(feed: str, used: date | None) -> str:
    if used is None:
        return MISSING
    if feed in ("council_send", "therapies"):
        return f"extract of {date_label(used)}"
    if feed == "school_census":
        return f"census of {date_label(used)}"
    if feed in ("ks2", "ks4"):
        return f"results of {used.year - 1}/{used.year % 100:02d}"
    if feed == "population":
        return f"mid-{used.year} estimate"
    return date_label(used)


def _stale_reason(feed: str, used: date | None, is_stale: bool) -> str:
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


def _summary(data: ReportData) -> dict:
    rows = []
    for measure in headline_measures(data.registry):
        rows.append(_row(measure.title, [
            _num(data.text(measure.id)),
            _num(data.text(measure.id, period=data.previous)),
            _num(data.text(measure.id, period=data.last_year)),
            _cell(_polarity_text(measure)),
            _direction_cell(data.direction(measure.id, "all", data.previous)),
        ], data.stale_badge(measure.id)))
    columns = ["Measure", period_label(data.period), f"Previous month ({period_label(data.previous)})",
               f"Same month last year ({period_label(data.last_year)})", "Better when",
               "Direction of travel since last month"]
    return {"table": _table(f"Headline measures, {period_label(data.period)}", columns, rows, css="summary")}


# --------------------------------------------------------------------------- trends


def _window_start(data: ReportData, measure_ids: list[str]) -> list[str]:
    """The trend months from the first with any of the measures' rows (at least the period)."""
    for i, month in enumerate(data.months):
        if data.history.has_period(measure_ids, month):
            return data.months[i:]
    return data.months[-1:]


def _trend(data: ReportData, series: list[tuple[str, str, str]], key: str, caption: str,
           columns: list[str] | None = None) -> dict:
    """Line charts for (measure id, breakdown, title) series, and one table of their numbers.

    The table has a row a month (newest first) and a column a series (headed ``columns``,
    by default the charts' titles); months with no row are "no data" and gaps in the line.
    """
    months = _window_start(data, [m for m, _, _ in series])
    labels = [period_label(p, short=True) for p in months]
    figures, headers, table_rows = [], ["Month"], {p: [] for p in months}
    for n, (measure_id, breakdown, title) in enumerate(series):
        unit = data.registry[measure_id].unit
        rows = [data.row(measure_id, breakdown, p) for p in months]
        shown = [format_value(r, unit) for r in rows]
        values = [float(d) if (d := displayed_number(r, unit)) is not None else None for r in rows]
        svg = charts.line_chart(title, labels, values, chart_id=f"chart-{key}-{n}", display=shown)
        figures.append(_chart(svg, f"{title}: latest {shown[-1]}"))
        headers.append(title)
        for p, text in zip(months, shown):
            table_rows[p].append(_num(text))
    rows = [_row(period_label(p, short=True), table_rows[p]) for p in reversed(months)]
    headers = ["Month", *columns] if columns else headers
    span = (f"over the last {len(months)} months" if len(months) == len(data.months)
            else f"since {period_label(months[0])}")
    return {"charts": figures, "table": _table(caption, headers, rows, css="trend"), "span": span}


# --------------------------------------------------------------------------- EHC plans


def _ehcp(data: ReportData, population_year: int | None) -> dict:
    trend = _trend(data, [
        ("ehcp_rate", "all", "EHC plans per 10,000 aged 0-25"),
        ("ehcp_new_12m", "all", "New EHC plans, last 12 months"),
        ("ehcp_new_rate_12m", "all", "New EHC plans per 10,000, last 12 months"),
        ("ehcp_20wk_6m", "all", "New plans within 20 weeks, last 6 months (%)"),
    ], "ehcp", "EHC plans month by month (newest first)")
    population = data.row("ehcp_rate")
    return {
        "in_force": data.text("ehcp_in_force"),
        "rate": data.text("ehcp_rate"),
        "new_12m": data.text("ehcp_new_12m"),
        "within_20": data.text("ehcp_20wk_6m"),
        "within_20_all": data.text("ehcp_20wk_6m_all"),
        "within_20_year": data.text("ehcp_20wk_calendar_year"),
        "population": f"{population['denominator']:,.0f}" if population and population["denominator"] else MISSING,
        "population_year": str(population_year) if population_year else MISSING,
        "trend": trend,
        "settings": _settings(data),
        "needs": _needs(data),
    }


def _settings(data: ReportData) -> dict:
    measure_id, labels, values, shown, rows = "ehcp_rate_by_setting", [], [], [], []
    measure = data.registry[measure_id]
    for setting in BREAKDOWN_VALUES["setting"]:
        breakdown = f"setting={setting}"
        row = data.row(measure_id, breakdown)
        number = displayed_number(row, measure.unit)
        labels.append(SETTING_SHORT[setting])
        values.append(None if number is None else float(number))
        shown.append(format_value(row, measure.unit))
        rows.append(_row(SETTING_LABELS[setting], [
            _num(count_text(row["numerator"]) if row else MISSING),
            _num(shown[-1]),
            _num(data.text(measure_id, breakdown, data.previous)),
            _cell(_polarity_text(measure, breakdown)),
            _direction_cell(data.direction(measure_id, breakdown, data.previous)),
        ]))
    svg = charts.bar_chart("EHC plans per 10,000 aged 0-25 by setting", labels, values,
                           chart_id="chart-settings", display=shown)
    columns = ["Setting", "Plans", "Per 10,000 aged 0-25", f"Per 10,000, {period_label(data.previous)}",
               "Better when", "Direction of travel since last month"]
    return {"chart": _chart(svg, "EHC plans per 10,000 aged 0-25 by main setting"),
            "table": _table("EHC plans by main setting", columns, rows)}


def _needs(data: ReportData) -> dict:
    measure_id = "ehcp_primary_need"
    unit = data.registry[measure_id].unit
    needs = list(BREAKDOWN_VALUES["need"])
    rows_by_need = {n: data.row(measure_id, f"need={n}") for n in needs}

    def order(need: str) -> tuple:  # by the shown share: a suppressed one reveals no order
        shown_share = displayed_number(rows_by_need[need], unit)
        return (need == "not_recorded", shown_share is None, -(shown_share or 0), needs.index(need))

    labels, values, shown, rows = [], [], [], []
    for need in sorted(needs, key=order):
        row = rows_by_need[need]
        number = displayed_number(row, unit)
        labels.append(NEED_LABELS[need])
        values.append(None if number is None else float(number))
        shown.append(format_value(row, unit))
        rows.append(_row(f"{NEED_LABELS[need]} ({need})" if need != "not_recorded" else NEED_LABELS[need], [
            _num(count_text(row["numerator"]) if row else MISSING), _num(shown[-1]),
            _num(data.text(measure_id, f"need={need}", data.last_year)),
        ]))
    svg = charts.bar_chart("Share of EHC plans by primary need (%)", labels, values,
                           chart_id="chart-needs", display=shown)
    columns = ["Primary need", "Plans", "Share of plans", f"Share, {period_label(data.last_year)}"]
    return {"chart": _chart(svg, "Share of EHC plans in force by primary need"),
            "table": _table("EHC plans in force by primary need (largest first)", columns, rows)}


# --------------------------------------------------------------------------- outcomes


OUTCOME_MEASURES = (
    ("absence_rate", "Overall absence"),
    ("persistent_absence", "Persistent absence (missing 10% or more of sessions)"),
    ("ks2_rwm_expected", "Key stage 2: reading, writing and maths at the expected standard"),
    ("ks4_attainment8", "Key stage 4: average Attainment 8 score"),
    ("pupils_sen_share", "Pupils with an EHC plan or on SEN support"),
)


def _outcomes(data: ReportData, sources: dict[str, str]) -> dict:
    blocks = []
    for measure_id, heading in OUTCOME_MEASURES:
        measure = data.registry[measure_id]
        rows = []
        for breakdown in measure.expected_breakdowns():
            group = breakdown.split("=", 1)[-1]
            rows.append(_row(GROUP_LABELS[group], [
                _num(data.text(measure_id, breakdown)),
                _num(data.text(measure_id, breakdown, data.last_year)),
                _cell(_polarity_text(measure, breakdown)),
                _direction_cell(data.direction(measure_id, breakdown, data.last_year)),
            ]))
        columns = ["Group", period_label(data.period), period_label(data.last_year), "Better when",
                   f"Direction of travel since {period_label(data.last_year)}"]
        blocks.append({"heading": heading, "badge": data.stale_badge(measure_id),
                       "table": _table(measure.title, columns, rows)})
    return {"blocks": blocks, "census": sources.get("school_census", MISSING),
            "ks2": sources.get("ks2", MISSING), "ks4": sources.get("ks4", MISSING)}


# --------------------------------------------------------------------------- therapies


THERAPY_COLUMNS = (
    ("therapy_waiting", "Children waiting"),
    ("therapy_wait_mean_weeks", "Average wait (weeks)"),
    ("therapy_wait_median_weeks", "Median wait (weeks)"),
    ("therapy_over_18w", "Waiting over 18 weeks (%)"),
    ("therapy_over_52w", "Waiting over 52 weeks"),
    ("therapy_referrals", "Referrals in the month"),
    ("therapy_seen_wait_median_weeks", "Median wait of those first seen (weeks)"),
)
THERAPY_TRENDS = THERAPY_COLUMNS[:5]


def _therapies(data: ReportData) -> dict:
    services = ["all", *BREAKDOWN_VALUES["service"]]
    rows = []
    for service in services:
        breakdown = "all" if service == "all" else f"service={service}"
        rows.append(_row(SERVICE_LABELS[service], [_num(data.text(m, breakdown)) for m, _ in THERAPY_COLUMNS]))
    overview = _table(f"Therapy waits at the end of {period_label(data.period)}",
                      ["Service", *[title for _, title in THERAPY_COLUMNS]], rows, css="wide")
    blocks = []
    for service in services:
        breakdown = "all" if service == "all" else f"service={service}"
        label = SERVICE_LABELS[service]
        series = [(m, breakdown, f"{title}, {label}") for m, title in THERAPY_TRENDS]
        trend = _trend(data, series, f"therapy-{service.lower()}", f"{label}: month by month (newest first)",
                       [title for _, title in THERAPY_TRENDS])
        blocks.append({"heading": label, "trend": trend})
    return {"overview": overview, "blocks": blocks, "badge": data.stale_badge("therapy_waiting")}


# --------------------------------------------------------------------------- appendices


def _delivery_text(delivery: str) -> str:
    try:
        return f"extract of {date_label(date.fromisoformat(delivery))}"
    except ValueError:
        return delivery


def _finding_text(row: dict[str, str]) -> str:
    where = ", ".join(part for part in (
        f"file {row['file']}" if row.get("file") else "",
        f"column {row['column']}" if row.get("column") else "",
        f"{row['rows_affected']} row{'' if row['rows_affected'] == '1' else 's'}" if row.get("rows_affected") else "",
        f"for example lines {', '.join(row['sample_rows'].split())}" if row.get("sample_rows") else "",
    ) if part)
    source = FEED_LABELS.get(row["feed"], row["feed"])
    delivery = f", {_delivery_text(row['delivery'])}" if row.get("delivery") else ""
    return f"{source}{delivery}: {row['sentence']}" + (f" ({where})" if where else "")


def _capped(rows: list[dict[str, str]]) -> dict:
    more = len(rows) - MAX_FINDINGS
    return {"lines": [_finding_text(r) for r in rows[:MAX_FINDINGS]],
            "more": f"… and {more} more: see the validation report beside this PDF." if more > 0 else ""}


def _quality(rows: list[dict[str, str]] | None) -> dict:
    if rows is None:
        return {"available": False}
    deliveries: dict[tuple[str, str], str] = {}
    for row in rows:
        if row.get("delivery"):
            deliveries.setdefault((row["feed"], row["delivery"]), row["status"])
    table_rows = []
    for (feed, delivery), status in deliveries.items():
        word, css = DELIVERY_STATUS.get(status, (status, ""))
        table_rows.append(_row(FEED_LABELS.get(feed, feed), [
            _cell(_delivery_text(delivery)), _cell(word, f"status status-{css}")]))
    counts = {word: sum(1 for s in deliveries.values() if DELIVERY_STATUS.get(s, (s,))[0] == word)
              for word in ("loaded", "refused")}
    return {
        "available": True,
        "checked": len(deliveries),
        "loaded": counts["loaded"], "refused": counts["refused"],
        "blocking": _capped([r for r in rows if r.get("severity") == "blocking"]),
        "warnings": _capped([r for r in rows if r.get("severity") == "warning" and r.get("status") != "not read"]),
        "not_read": _capped([r for r in rows if r.get("status") == "not read"]),
        "table": _table("Every delivery this month's figures rest on", ["Source", "Delivery", "Outcome"], table_rows),
    }


def _dictionary(registry: dict[str, Measure]) -> list[dict]:
    sections = []
    for section, heading in DICTIONARY_SECTIONS.items():
        entries = []
        for m in (m for m in registry.values() if m.section == section):
            better = _polarity_text(m) if m.polarity else "not applicable"
            if m.polarity == "neutral":
                better = "neither higher nor lower (changes are not judged)"
            if m.breakdown_polarity:
                parts = "; ".join(f"{SETTING_LABELS.get(b.split('=', 1)[1], b)}: {POLARITY_WORDS[p]}"
                                  for b, p in m.breakdown_polarity.items())
                better = f"{better} overall; {parts}"
            entries.append({
                "title": m.title, "code": m.id, "definition": m.definition,
                "unit": UNIT_WORDS.get(m.unit or "", "a list, not a number"), "better": better,
                "source": SOURCE_LABELS.get(m.source, m.source), "owner": m.owner,
                "status": STATUS_WORDS.get(m.status, m.status), "aim": m.aim or "",
            })
        sections.append({"heading": heading, "entries": entries})
    return sections


# --------------------------------------------------------------------------- the whole report


def build_context(
    engine: sa.Engine,
    period: str,
    *,
    area_name: str,
    produced_on: date,
    validation_csv: Path | None = None,
    history_months: int = 24,
    spc_config: Path = CONFIG_PATH,
    oba_config: Path = OBA_CONFIG_PATH,
    nhs_provider_code: str | None = None,
    la_code: str | None = None,
) -> dict:
    """Everything the templates show, as text: the report's content without its layout.

    Raises
    ------
    RenderError
        When the period's measures have not been built (no ``measure_snapshots`` rows).
    """
    parse_period(period)
    if not 1 <= history_months <= 120:
        raise RenderError(f"history_months must be from 1 to 120, not {history_months}.")
    snapshots = read_snapshots(engine, period)
    if snapshots.empty:
        raise RenderError(f"No measures have been built for {period}: run "
                          f"`python -m pipeline run --period {period} ...` first.")
    registry = {m.id: m for m in load_registry()}
    spc_settings = load_spc_settings(registry, spc_config)
    areas = load_oba_settings(registry, oba_config)
    history = read_history(engine, period, max(history_months, 13))
    months = month_range(shift_period(period, -(history_months - 1)), period)
    data = ReportData(period, history, registry, months, stale_sources(snapshots))
    used = {s["feed"]: _used_text(s["feed"], as_date(s["extract_date"])) for s in snapshots.to_dict("records")}
    population = next((as_date(s["extract_date"]) for s in snapshots.to_dict("records")
                       if s["feed"] == "population"), None)
    spc = spc_section(history.row, registry, months, spc_settings)
    title = f"SEND highlight report, {period_label(period)}: {area_name}"
    return {
        "doc": {
            "title": title,
            "author": f"{area_name} SEND partnership",
            "description": (f"Monthly highlight report for {period_label(period)} on the measures of "
                            f"{area_name}'s Written Statement of Action: EHC plans, outcomes and therapy waits."),
            "created": produced_on.isoformat(),
        },
        "headings": SECTION_HEADINGS,
        "cover": _cover(data, snapshots, area_name, produced_on),
        "summary": _summary(data),
        "benchmarks": benchmark_section(engine, period, la_code or plan_run(engine, period).la_code, registry,
                                        nhs_provider_code),
        "ehcp": _ehcp(data, population.year if population else None),
        "outcomes": _outcomes(data, used),
        "therapies": _therapies(data),
        "spc": spc,
        "oba": oba_section(history.row, registry, months, areas, spc_settings),
        "programme": programme_section(engine, period, spc, areas),
        "quality": _quality(read_validation_rows(validation_csv)),
        "dictionary": _dictionary(registry),
        "period": period_label(period),
    }


def render_html(context: dict, template: str = "highlight.html") -> str:
    """Fill a template of ``report_templates/`` with a context from :func:`build_context`."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(template).render(**context)


def write_pdf(html: str, path: Path) -> Path:
    """Write ``html`` as a PDF/UA-1 file at ``path``: a temporary name, then a rename."""
    from weasyprint import HTML  # 0.9 s to import: only when a PDF is made

    path = Path(path)
    with atomic_path(path) as temp:
        HTML(string=html, base_url=str(TEMPLATES_DIR)).write_pdf(temp, pdf_variant=PDF_VARIANT)
    return path


def render_highlight_report(
    engine: sa.Engine,
    period: str,
    out_dir: Path,
    *,
    area_name: str,
    produced_on: date,
    validation_csv: Path | None = None,
    history_months: int = 24,
    nhs_provider_code: str | None = None,
    la_code: str | None = None,
) -> Path:
    """Render the period's highlight report to ``out_dir/SEND-highlight-report-<period>.pdf``.

    Parameters
    ----------
    engine
        The warehouse, with the period's measures built.
    period
        ``YYYY-MM``.
    out_dir
        The pack folder, normally ``<data>/packs/<period>``; created when missing.
    area_name
        The local area, e.g. "Blackpool".
    produced_on
        The date printed as "produced on" (and the PDF's creation date); never the clock.
    validation_csv
        The run's ``validation-report.csv`` for the data-quality appendix (None: the
        appendix says there was none).
    history_months
        How many months the trend charts span, ending with ``period``.
    nhs_provider_code
        The area's community health NHS trust (ODS code), for the therapy waits comparison.
    la_code
        The area's DfE LA number for the comparisons (default: the SEN2 header's).

    Returns
    -------
    Path
        The PDF, written atomically (a temporary name in ``out_dir``, then a rename).
    """
    started = time.perf_counter()
    context = build_context(engine, period, area_name=area_name, produced_on=produced_on,
                            validation_csv=validation_csv, history_months=history_months,
                            nhs_provider_code=nhs_provider_code, la_code=la_code)
    path = write_pdf(render_html(context), Path(out_dir) / f"SEND-highlight-report-{period}.pdf")
    log.info("rendered %s in %.1f s", path, time.perf_counter() - started)
    return path
