"""The partnership's public site: static HTML pages a council copies to its website.

:func:`write_site` reads a month's measures (and the 23 months before it) from the warehouse,
turns every number into what the public may see (:class:`~pipeline.reports.public.figures.
PublicFigures`, :mod:`~pipeline.reports.public.disclosure`), fills the templates of
``report_templates/public/`` and writes, atomically, into ``<data>/public/``:

- ``index.html``: the impact measures of each area of concern, each with its latest value,
  a year before, England where published and the direction of travel in words;
- ``area-<ref>.html``: an area of concern: the plan's promised impacts, and each measure with
  a chart, a text summary and its table (by group, service or setting where it has them);
- ``therapies.html``: waits by service, month by month, SPC charts with their tables beside
  them, and NHS England's figures for England;
- ``you-said-we-did.html``: the programme office's "You said, we did" (done or in progress);
- ``sources.html``: where the numbers come from, their dates, and how privacy is protected;
- ``archive.html`` and ``archive/<YYYY-MM>/``: every month's pages as published;
- ``accessibility.html``: the accessibility statement; ``public.css``: the one stylesheet.

A month's pages are always written to ``archive/<YYYY-MM>/``; the top-level pages are that
month's only when it is the newest month published, so re-running an earlier month never
replaces the latest figures. Nothing reads the clock: the date published is an argument, and
writing a month twice gives the same bytes. No page shows a pseudonym, a row about a child
or any free text but the programme office's published "You said, we did" sentences.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from pipeline.analysis.oba import CONFIG_PATH as OBA_CONFIG_PATH, Area, load_oba_settings
from pipeline.definitions.plan import PLAN_PATH, PlanError, load_plan
from pipeline.definitions.registry import BREAKDOWN_VALUES, Measure, load_registry
from pipeline.files import locked, write_text_atomic
from pipeline.periods import month_range, parse_period, period_end, shift_period
from pipeline.reports import benchmarks
from pipeline.reports.formatting import as_date, date_label, is_true, period_label
from pipeline.reports.highlight.blocks import FEED_LABELS, SETTING_LABELS
from pipeline.reports.highlight.cover import used_text
from pipeline.reports.highlight.therapies import SERVICE_LABELS
from pipeline.reports.history import read_history
from pipeline.reports.public import disclosure, svg
from pipeline.reports.public.figures import PublicFigures, dimension_of
from pipeline.reports.spc_pack import CONFIG_PATH as SPC_CONFIG_PATH, load_spc_settings
from pipeline.warehouse.db import read_sql_frame
from pipeline.warehouse.measures import read_snapshots

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parents[3] / "report_templates" / "public"
CSS_NAME = "public.css"
EASY_READ = "easy-read/index.html"
HISTORY_MONTHS = 24
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

GROUP_LABELS = {"EHCP": "with an EHC plan", "SEN_support": "on SEN support", "no_SEN": "with no SEN"}
TOTAL_LABELS = {"service": "All services", "group": "All children and young people", "setting": "All settings"}
DIMENSION_WORDS = {"service": "service", "group": "group", "setting": "where they go to school or college"}
PUBLIC_MEASURES = {  # measure id -> (title for parents, what it means in plain words)
    "ehcp_new_rate_12m": ("New EHC plans in the last 12 months, per 10,000 children and young people aged 0 to 25",
                          "How many new education, health and care (EHC) plans were agreed in the last 12 months, "
                          "for every 10,000 children and young people aged 0 to 25 living in the area."),
    "ehcp_rate": ("EHC plans per 10,000 children and young people aged 0 to 25",
                  "How many children and young people have an EHC plan, for every 10,000 aged 0 to 25 living in "
                  "the area."),
    "ehcp_rate_by_setting": ("EHC plans per 10,000 children and young people, by where they go to school or "
                             "college",
                             "The same rate, split by the kind of school, college or other setting the child or "
                             "young person mainly attends."),
    "ehcp_20wk_6m": ("New EHC plans agreed within 20 weeks (%)",
                     "Of the new EHC plans agreed in the last 6 months, the share agreed within the 20 weeks the "
                     "law allows (plans where the law allows longer are left out)."),
    "ks2_rwm_expected": ("Pupils reaching the expected standard in reading, writing and maths at age 11 (%)",
                         "Of pupils who took their key stage 2 tests (at the end of primary school) in the latest "
                         "school year, the share reaching the expected standard in all three."),
    "ks4_attainment8": ("Average Attainment 8 score at age 16",
                        "The average score across eight GCSE-level subjects of pupils at the end of key stage 4 "
                        "(year 11) in the latest school year."),
    "absence_rate": ("Time missed from school (%)",
                     "Of all the school sessions (half days) pupils could have attended, the share they missed, "
                     "for any reason."),
    "post16_eet": ("16 and 17 year olds in education, employment or training (%)",
                   "Of young people aged 16 and 17 known to the council, the share in education, a job or "
                   "training."),
    "post16_neet_nk": ("16 and 17 year olds not in education, employment or training, or whose activity is not "
                       "known (%)",
                       "Of young people aged 16 and 17 known to the council, the share not in education, a job or "
                       "training, or whose activity the council does not know."),
    "post19_eet": ("Young people aged 19 to 24 with an EHC plan in education, employment or training (%)",
                   "Of young people aged 19 to 24 with an EHC plan known to the council, the share in education, "
                   "a job or training."),
    "therapy_waiting": ("Children waiting for therapy",
                        "The number of children's referrals waiting for a first appointment at the end of the "
                        "month."),
    "therapy_wait_mean_weeks": ("Average wait of children waiting (weeks)",
                                "How long, on average, the children still waiting at the end of the month have "
                                "waited since they were referred."),
    "therapy_wait_median_weeks": ("Median wait of children waiting (weeks)",
                                  "Half of the children waiting had waited less than this, half longer."),
    "therapy_over_18w": ("Children waiting more than 18 weeks (%)",
                         "Of the children waiting at the end of the month, the share who had waited more than 18 "
                         "weeks since they were referred."),
    "therapy_over_52w": ("Children waiting more than 52 weeks",
                         "The number of children waiting at the end of the month who had waited more than a year."),
    "therapy_referrals": ("Referrals in the month",
                          "The number of referrals for therapy received in the month."),
    "senco_trained": ("Schools whose special needs coordinator (SENCO) is trained in the graduated approach (%)",
                      "Of the area's state-funded mainstream schools, the share with a SENCO who has finished the "
                      "training in the graduated approach (assess, plan, do, review)."),
}
HOME_BREAKDOWNS = {  # which rows of a measure the home page shows (default: all)
    "ks2_rwm_expected": ("group=EHCP", "group=SEN_support"),
    "ks4_attainment8": ("group=EHCP", "group=SEN_support"),
    "absence_rate": ("group=EHCP", "group=SEN_support"),
    "post16_eet": ("all", "group=EHCP"),
    "post16_neet_nk": ("all", "group=EHCP"),
}
BETTER_WORDS = {"up": "Higher is better.", "down": "Lower is better.", None: "Neither higher nor lower is better.",
                "neutral": "Neither higher nor lower is better."}
THERAPY_COLUMNS = ("therapy_waiting", "therapy_over_18w", "therapy_wait_mean_weeks", "therapy_wait_median_weeks",
                   "therapy_over_52w", "therapy_referrals")
THERAPY_HEADINGS = {"therapy_waiting": "Children waiting", "therapy_over_18w": "Waiting more than 18 weeks (%)",
                    "therapy_wait_mean_weeks": "Average wait (weeks)",
                    "therapy_wait_median_weeks": "Median wait (weeks)",
                    "therapy_over_52w": "Waiting more than 52 weeks", "therapy_referrals": "Referrals in the month"}
SPC_SERIES = (("therapy_waiting", "all", "Children waiting for therapy, all services"),
              ("therapy_over_18w", "all", "Children waiting more than 18 weeks (%), all services"))
FEEDBACK_STATUS = {"DONE": "What we did", "IN_PROGRESS": "What we are doing now"}
PUBLISHED_SOURCES = (
    ("Department for Education: Education, health and care plans (England)",
     "England's figures for EHC plans agreed within 20 weeks."),
    ("Department for Education: Local authority interact tool (LAIT)",
     "England's figures for key stage 2 and key stage 4 results by SEN group, and pupils with SEN."),
    ("Department for Education: NEET and participation (NCCIS)",
     "England's figures for 16 and 17 year olds not in education, employment or training, or not known."),
    ("NHS England: Community health services waiting lists",
     "England's figures for children waiting for therapies."),
    ("Office for National Statistics: mid-year population estimates",
     "The number of children and young people aged 0 to 25 living in the area, for rates per 10,000."),
)
GLOSSARY = (
    ("SEND", "Special educational needs and disabilities."),
    ("EHC plan", "An education, health and care plan: a legal document that describes a child or young person's "
                 "needs and the help they must get. It can last up to age 25."),
    ("SEN support", "Help in school for a child with special educational needs who does not have an EHC plan."),
    ("SENCO", "The special educational needs coordinator: the teacher who leads SEN support in a school."),
    ("Per 10,000", "For every 10,000 children and young people living in the area, so that areas of different "
                   "sizes can be compared."),
    ("Median", "The middle figure: half are below it and half above it."),
    ("c", disclosure.EXPLANATION),
    ("SPC chart", "A statistical process control chart: it shows whether a change is bigger than the usual ups "
                  "and downs from month to month."),
)


class PublicSiteError(RuntimeError):
    """The site cannot be written; the message says what to run or fix first."""


@dataclass(frozen=True)
class SiteInputs:
    """What every page is built from."""

    engine: sa.Engine
    period: str
    area_name: str
    produced_on: date
    figures: PublicFigures
    registry: dict[str, Measure]
    areas: list[Area]
    months: list[str]  # the chart window, oldest first
    la_code: str | None
    spc_config: Path
    plan_path: Path

    @property
    def last_year(self) -> str:
        return shift_period(self.period, -12)


# --------------------------------------------------------------------------- small helpers


def measure_title(measure: Measure) -> str:
    return PUBLIC_MEASURES.get(measure.id, (measure.title, ""))[0]


def measure_explanation(measure: Measure) -> str:
    return PUBLIC_MEASURES.get(measure.id, ("", measure.definition))[1]


def breakdown_label(breakdown: str, total_label: str | None = None) -> str:
    """How a row of a breakdown is named on the page."""
    dimension = dimension_of(breakdown)
    if dimension is None:
        return total_label or "All"
    value = breakdown.split("=", 1)[1]
    if dimension == "service":
        return SERVICE_LABELS.get(value, value)
    if dimension == "group":
        return "Pupils " + GROUP_LABELS.get(value, value) if total_label is None else GROUP_LABELS.get(value, value)
    if dimension == "setting":
        return SETTING_LABELS.get(value, value)
    return value


def num(text: str) -> dict:
    return {"text": text, "num": True}


def plain(text: str) -> dict:
    return {"text": text, "num": False}


def table(caption: str, columns: list[str], rows: list[dict], note: str = "", wide: bool = False,
          css: str = "") -> dict:
    """A table for the ``data_table`` macro: rows of a header (``scope="row"``) and cells."""
    return {"caption": caption, "columns": columns, "rows": rows, "note": note, "wide": wide, "css": css}


def row(header: str, cells: list[dict], total: bool = False) -> dict:
    return {"header": header, "cells": cells, "total": total}


def direction_words(now_text: str, now: object, then_text: str, then: object, polarity: str | None) -> str:
    """The direction of travel in words, judged on the numbers as shown."""
    if now_text == disclosure.MISSING:
        return "No figure this month"
    if then_text == disclosure.MISSING:
        return "No figure a year before to compare with"
    if now is None or then is None:
        return "Not compared: a figure is hidden (c) to protect privacy"
    if now == then:
        return "About the same as a year before"
    higher = now > then
    if polarity not in ("up", "down"):
        return f"{'Higher' if higher else 'Lower'} than a year before (neither better nor worse)"
    better = higher == (polarity == "up")
    return f"{'Better' if better else 'Worse'} than a year before ({'higher' if higher else 'lower'})"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --------------------------------------------------------------------------- England's figures


def _published_figure(value: float | None, unit: str | None, year: str) -> str:
    if value is None:
        return "not published"
    shown = disclosure.rounded_decimal(value, 1)
    return f"{shown:,.1f}%{year}" if unit == "percent" else f"{shown:,.1f}{year}"


def england_figure(inputs: SiteInputs, measure_id: str, breakdown: str) -> str:
    """England's published figure of a measure and breakdown, with its year; "not published" when none."""
    measure = inputs.registry[measure_id]
    if measure_id == benchmarks.NEET_MEASURE:
        rows = benchmarks.neet_comparison(inputs.engine, inputs.period, inputs.la_code, measure.polarity)["rows"]
        mine = next((r for r in rows if r["breakdown"] == breakdown), None)
        if mine is None or mine["published_year"] is None:
            return "not published"
        return _published_figure(mine["england"], measure.unit, f" ({benchmarks.djf_label(mine['published_year'])})")
    for bench in benchmarks.BENCHMARKS:
        if (bench.measure_id, bench.breakdown) == (measure_id, breakdown):
            got = benchmarks.compare(inputs.engine, bench, inputs.period, inputs.la_code or "",
                                     measure.polarity_for(breakdown))
            if got.year is None:
                return "not published"
            year = benchmarks.year_label(bench.year_kind, got.year)
            return _published_figure(got.england, measure.unit, f" ({year})")
    return "not published"


def england_waits(inputs: SiteInputs) -> dict | None:
    """Children waiting more than 18 weeks by service beside NHS England's figure for England."""
    frame = read_sql_frame(inputs.engine, "select period, service, total_waiting, waiting_over_18_weeks from "
                                          "ref_community_health_waits where org_type = 'National' and "
                                          "total_waiting > 0 and waiting_over_18_weeks is not null and period <= :p",
                           {"p": inputs.period})
    rows = []
    for service, label in benchmarks.WAIT_SERVICES.items():
        mine = frame[frame["service"] == service]
        if mine.empty:
            continue
        months = sorted(mine["period"].unique())
        breakdown = f"service={service}"
        shared = [m for m in months if inputs.figures.row("therapy_over_18w", breakdown, m) is not None]
        month = shared[-1] if shared else months[-1]
        national = mine[mine["period"] == month].iloc[0]
        area = (inputs.figures.text("therapy_over_18w", breakdown, month) if month in shared
                else "no figure for that month")
        england = 100 * float(national["waiting_over_18_weeks"]) / float(national["total_waiting"])
        rows.append(row(SERVICE_LABELS.get(service, label), [plain(period_label(month)), num(area),
                                                              num(_published_figure(england, "percent", ""))]))
    if not rows:
        return None
    return table("Children waiting more than 18 weeks (%): this area and England",
                 ["Service", "Month compared", "This area", "England"], rows,
                 "England's figures are NHS England's Community Health Services waiting lists. The month compared is "
                 "the latest that NHS England has published.", wide=True)


# --------------------------------------------------------------------------- the pages


def home_context(inputs: SiteInputs) -> dict:
    figures, period, year_ago = inputs.figures, inputs.period, inputs.last_year
    areas = []
    for area in inputs.areas:
        rows = []
        for measure_id in area.measures:
            measure = inputs.registry[measure_id]
            if not (measure.is_computed and measure.kind == "value"):
                continue
            defaults = ("all",) if "all" in measure.breakdowns else ()
            for breakdown in HOME_BREAKDOWNS.get(measure_id, defaults):
                now_text, then_text = (figures.text(measure_id, breakdown, p) for p in (period, year_ago))
                label = measure_title(measure)
                if breakdown != "all":
                    label = f"{label}: {breakdown_label(breakdown, total_label='')}"
                rows.append(row(label, [
                    num(now_text), num(then_text), num(england_figure(inputs, measure_id, breakdown)),
                    plain(direction_words(now_text, figures.number(measure_id, breakdown, period), then_text,
                                          figures.number(measure_id, breakdown, year_ago),
                                          measure.polarity_for(breakdown))),
                    plain(BETTER_WORDS.get(measure.polarity_for(breakdown), BETTER_WORDS[None])),
                ]))
        columns = ["Measure", period_label(period), f"A year before ({period_label(year_ago)})", "England",
                   "Compared with a year before", "Better when"]
        areas.append({"ref": area.ref, "title": area.title, "link": f"area-{area.ref}.html",
                      "table": table(f"Area of concern {area.ref}: impact measures, {period_label(period)}", columns,
                                     rows, wide=True) if rows else None})
    return {"areas": areas, "glossary": GLOSSARY}


def _trend(inputs: SiteInputs, measure: Measure, breakdown: str, chart_id: str, title: str) -> dict | None:
    figures = inputs.figures
    if not figures.has_any(measure.id, breakdown, inputs.months):
        return None
    months = next(inputs.months[i:] for i, m in enumerate(inputs.months)
                  if figures.row(measure.id, breakdown, m) is not None)
    values, shown = figures.series(measure.id, breakdown, months)
    labels = [period_label(m, short=True) for m in months]
    chart = svg.line(title, labels, values, shown, chart_id)
    rows = [row(label, [num(text)]) for label, text in zip(reversed(labels), reversed(shown))]
    chart["table"] = table(f"{title}: month by month (newest first)", ["Month", "Figure"], rows, css="trend")
    return chart


def _breakdown_table(inputs: SiteInputs, measure: Measure, dimension: str) -> dict:
    figures, period, year_ago = inputs.figures, inputs.period, inputs.last_year
    total = figures.total_of(measure.id, dimension)
    rows = [row(breakdown_label(b, total_label=""), [num(figures.text(measure.id, b, period)),
                                                     num(figures.text(measure.id, b, year_ago))])
            for _, b in figures.parts(measure.id, dimension)]
    if total is not None:
        label = TOTAL_LABELS[dimension] + ("" if total[0] == measure.id else " (the area's rate)")
        rows.append(row(label, [num(figures.text(total[0], total[1], period)),
                                num(figures.text(total[0], total[1], year_ago))], total=True))
    return table(f"{measure_title(measure)}, by {DIMENSION_WORDS.get(dimension, dimension)}",
                 [DIMENSION_WORDS.get(dimension, dimension).capitalize() if dimension != "setting" else "Setting",
                  period_label(period), f"A year before ({period_label(year_ago)})"], rows, wide=False)


def _sentence(inputs: SiteInputs, measure: Measure, breakdown: str) -> str:
    now = inputs.figures.text(measure.id, breakdown, inputs.period)
    then = inputs.figures.text(measure.id, breakdown, inputs.last_year)
    when, before = period_label(inputs.period), period_label(inputs.last_year)
    if now == disclosure.MISSING:
        return f"There is no figure for {when}."
    if now == disclosure.SUPPRESSED:
        first = f"The figure for {when} is not shown (c) to protect privacy."
    else:
        first = f"In {when} the figure was {now}."
    if then == disclosure.MISSING:
        return f"{first} There is no figure for {before}."
    if then == disclosure.SUPPRESSED:
        return f"{first} The figure for {before} is not shown (c)."
    return f"{first} In {before} it was {then}."


def area_context(inputs: SiteInputs, area: Area) -> dict:
    impacts: list[str] = []
    try:
        plan = load_plan(inputs.plan_path)
        plan_area = next((a for a in plan.areas if a.ref == area.ref), None)
        impacts = list(dict.fromkeys(text for focus in (plan_area.focus_areas if plan_area else ())
                                     for text in focus.impacts))  # focus areas repeat some word for word
    except PlanError as exc:  # the site still shows the measures
        log.warning("the plan's impacts are left out: %s", exc)
    blocks = []
    for n, measure_id in enumerate(area.measures):
        measure = inputs.registry[measure_id]
        if measure.kind != "value":
            continue
        block = {"id": _slug(measure.id), "title": measure_title(measure), "explanation": measure_explanation(measure),
                 "better": BETTER_WORDS.get(measure.polarity, BETTER_WORDS[None]), "chart": None, "breakdowns": [],
                 "sentence": "", "in_development": not measure.is_computed}
        if measure.is_computed:
            if "all" in measure.breakdowns:
                block["sentence"] = _sentence(inputs, measure, "all")
                block["chart"] = _trend(inputs, measure, "all", f"chart-{area.ref}-{n}", measure_title(measure))
            for dimension in measure.breakdowns:
                if dimension in ("service", "group", "setting"):
                    block["breakdowns"].append(_breakdown_table(inputs, measure, dimension))
        blocks.append(block)
    return {"ref": area.ref, "title": area.title, "impacts": impacts, "measures": blocks}


def therapies_context(inputs: SiteInputs) -> dict:
    figures, period = inputs.figures, inputs.period
    services = [f"service={s}" for s in BREAKDOWN_VALUES["service"]]
    rows = [row(breakdown_label(b), [num(figures.text(m, b, period)) for m in THERAPY_COLUMNS]) for b in services]
    rows.append(row(TOTAL_LABELS["service"], [num(figures.text(m, "all", period)) for m in THERAPY_COLUMNS],
                    total=True))
    overview = table(f"Therapy waits by service, end of {period_label(period)}",
                     ["Service", *[THERAPY_HEADINGS[m] for m in THERAPY_COLUMNS]], rows, wide=True)
    measure = inputs.registry["therapy_waiting"]
    charts = []
    for n, breakdown in enumerate(["all", *services]):
        label = TOTAL_LABELS["service"] if breakdown == "all" else breakdown_label(breakdown)
        if figures.has_any(measure.id, breakdown, inputs.months):
            months = next(inputs.months[i:] for i, m in enumerate(inputs.months)
                          if figures.row(measure.id, breakdown, m) is not None)
            values, shown = figures.series(measure.id, breakdown, months)
            charts.append(svg.line(f"Children waiting: {label}", [period_label(m, short=True) for m in months],
                                   values, shown, f"chart-waiting-{n}"))
    first = next((i for i, m in enumerate(inputs.months) if figures.row(measure.id, "all", m) is not None
                  or any(figures.row(measure.id, b, m) is not None for b in services)), len(inputs.months) - 1)
    months = inputs.months[first:]
    trend_rows = [row(period_label(m, short=True), [num(figures.text(measure.id, b, m)) for b in ["all", *services]])
                  for m in reversed(months)]
    trend = table("Children waiting for therapy by service, month by month (newest first)",
                  ["Month", TOTAL_LABELS["service"], *[breakdown_label(b) for b in services]], trend_rows, wide=True,
                  css="trend")
    settings = load_spc_settings(inputs.registry, inputs.spc_config)
    spc_blocks = []
    for n, (measure_id, breakdown, title) in enumerate(SPC_SERIES):
        series_measure = inputs.registry[measure_id]
        values, shown = figures.series(measure_id, breakdown, inputs.months)
        baseline = settings.baseline_of(measure_id, breakdown)
        block = svg.spc_block(title, [period_label(m, short=True) for m in inputs.months], values, shown,
                              f"spc-{n}", polarity=series_measure.polarity or "neutral", unit=series_measure.unit,
                              target=settings.target(measure_id, breakdown),
                              rebases=[r.month for r in settings.rebases_of(measure_id, breakdown)],
                              months=inputs.months, profile=settings.profile,
                              baseline=baseline.points if baseline else None)
        if block is not None:
            block["table"] = table(f"{title}: month by month (newest first)", block["columns"],
                                   [row(r["header"], [num(c) for c in r["cells"][:4]] + [plain(r["cells"][4])])
                                    for r in block["rows"]], wide=True, css="trend")
            spc_blocks.append(block)
    return {"overview": overview, "charts": charts, "trend": trend, "spc": spc_blocks,
            "england": england_waits(inputs),
            "explanations": [(THERAPY_HEADINGS[m], measure_explanation(inputs.registry[m])) for m in THERAPY_COLUMNS]}


def feedback_context(inputs: SiteInputs) -> dict:
    frame = read_sql_frame(inputs.engine, "select received_on, theme, you_said, we_are_doing, we_did, status, "
                                          "linked_refs from src_programme__feedback order by received_on desc, "
                                          "feedback_id")
    end = period_end(inputs.period)
    area_refs = {a.ref for a in inputs.areas}
    sections = []
    for status, heading in FEEDBACK_STATUS.items():
        items = []
        for record in frame.to_dict("records"):
            received = as_date(record["received_on"])
            if str(record["status"] or "").upper() != status or received is None or received > end:
                continue
            refs = sorted({ref.strip().split(".")[0] for ref in str(record["linked_refs"] or "").split(";")
                           if ref.strip()} & area_refs)
            items.append({"theme": _text(record["theme"]) or "Feedback",
                          "received": period_label(f"{received.year}-{received.month:02d}"),
                          "you_said": _text(record["you_said"]), "doing": _text(record["we_are_doing"]),
                          "did": _text(record["we_did"]) if status == "DONE" else "",
                          "areas": [{"ref": r, "link": f"area-{r}.html"} for r in refs]})
        sections.append({"heading": heading, "entries": items, "status": status})
    return {"sections": sections}


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()


def sources_context(inputs: SiteInputs) -> dict:
    snapshots = read_snapshots(inputs.engine, inputs.period)
    order = list(FEED_LABELS)
    rows = []
    for snap in sorted(snapshots.to_dict("records"), key=lambda s: (order.index(s["feed"]) if s["feed"] in order
                                                                    else 99, s["feed"])):
        used = as_date(snap["extract_date"])
        stale = used is None or is_true(snap["is_stale"])
        status = ("No data for this month" if used is None else
                  "An older extract was used: these figures may be out of date" if stale else "Up to date")
        rows.append(row(FEED_LABELS.get(snap["feed"], snap["feed"]), [plain(used_text(snap["feed"], used)),
                                                                       plain(status)]))
    return {"table": table(f"The data behind the figures for {period_label(inputs.period)}",
                           ["Source", "Data used", "Up to date?"], rows),
            "published": PUBLISHED_SOURCES}


# --------------------------------------------------------------------------- rendering and writing


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["slug"] = _slug
    return env


def _safe_charts(value: object) -> object:
    """Mark the charts' SVG (made by our own chart code, its texts escaped) as markup."""
    if isinstance(value, dict):
        return {k: Markup(v) if k == "svg" else _safe_charts(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_safe_charts(v) for v in value]
    return value


def nav_items(areas: list[Area]) -> list[dict]:
    return [{"href": "index.html", "text": "Home", "scope": "month"},
            *[{"href": f"area-{a.ref}.html", "text": f"Area {a.ref}", "scope": "month"} for a in areas],
            {"href": "therapies.html", "text": "Therapies", "scope": "month"},
            {"href": "you-said-we-did.html", "text": "You said, we did", "scope": "month"},
            {"href": "sources.html", "text": "Sources", "scope": "month"},
            {"href": "archive.html", "text": "Earlier months", "scope": "site"},
            {"href": EASY_READ, "text": "Easy Read", "scope": "site"}]


def build_pages(inputs: SiteInputs, *, archived: bool, months_published: list[str], packs_url: str | None,
                accessibility_tested_on: date | None = None) -> dict[str, str]:
    """Every page of the month (and, unless ``archived``, of the site) as ``{file name: HTML}``.

    ``archived`` pages live in ``archive/<YYYY-MM>/``: their links to the site's own pages
    (the stylesheet, the accessibility statement, the archive, Easy Read) go two folders up.
    """
    env = _environment()
    root = "../../" if archived else ""
    period = inputs.period
    common = {
        "site": {"name": f"{inputs.area_name} SEND partnership", "area": inputs.area_name},
        "root": root, "css": root + CSS_NAME, "archived": archived, "nav": nav_items(inputs.areas),
        "period": period_label(period), "period_code": period, "produced": date_label(inputs.produced_on),
        "explanation": disclosure.EXPLANATION, "rounding": disclosure.ROUNDING_NOTE, "packs_url": packs_url,
        "easy_read": root + EASY_READ,
    }

    def render(template: str, page: str, title: str, month_page: bool = True, **context) -> str:
        return env.get_template(template).render(**common, page=page, title=title, month_page=month_page,
                                                 **_safe_charts(context))

    pages = {
        "index.html": render("index.html", "index.html", "How the SEND partnership is doing",
                             **home_context(inputs)),
        "therapies.html": render("therapies.html", "therapies.html", "Waiting times for children's therapies",
                                 **therapies_context(inputs)),
        "you-said-we-did.html": render("you_said.html", "you-said-we-did.html", "You said, we did",
                                       **feedback_context(inputs)),
        "sources.html": render("sources.html", "sources.html", "Where the numbers come from",
                               **sources_context(inputs)),
    }
    for area in inputs.areas:
        name = f"area-{area.ref}.html"
        pages[name] = render("area.html", name, f"Area of concern {area.ref}", area=area_context(inputs, area))
    if not archived:
        newest = max(months_published)
        archive = [{"period": m, "label": period_label(m), "link": f"archive/{m}/index.html", "latest": m == newest}
                   for m in sorted(months_published, reverse=True)]
        pages["archive.html"] = render("archive.html", "archive.html", "Earlier months", month_page=False,
                                        months=archive)
        pages["accessibility.html"] = render("accessibility.html", "accessibility.html", "Accessibility statement",
                                             month_page=False,
                                             tested_on=date_label(accessibility_tested_on or inputs.produced_on))
        pages[CSS_NAME] = (TEMPLATES_DIR / CSS_NAME).read_text(encoding="utf-8")
    return pages


def archived_months(public_dir: Path) -> list[str]:
    """The months already in ``archive/`` (folders named YYYY-MM holding an index.html)."""
    folder = Path(public_dir) / "archive"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if _MONTH.match(p.name) and (p / "index.html").is_file())


def load_inputs(engine: sa.Engine, period: str, *, area_name: str, produced_on: date, la_code: str | None = None,
                spc_config: Path = SPC_CONFIG_PATH, oba_config: Path = OBA_CONFIG_PATH,
                plan_path: Path = PLAN_PATH) -> SiteInputs:
    """Read what the pages need; raises :class:`PublicSiteError` when the month's measures are not built."""
    parse_period(period)
    if read_snapshots(engine, period).empty:
        raise PublicSiteError(f"No measures have been built for {period}: run "
                              f"`python -m pipeline run --period {period} ...` first.")
    registry = {m.id: m for m in load_registry()}
    history = read_history(engine, period, HISTORY_MONTHS)
    months = month_range(shift_period(period, -(HISTORY_MONTHS - 1)), period)
    return SiteInputs(engine, period, area_name, produced_on, PublicFigures(history, registry), registry,
                      load_oba_settings(registry, oba_config), months, la_code, spc_config, plan_path)


def write_site(
    engine: sa.Engine,
    period: str,
    public_dir: Path,
    *,
    area_name: str,
    produced_on: date,
    la_code: str | None = None,
    packs_url: str | None = None,
    spc_config: Path = SPC_CONFIG_PATH,
    oba_config: Path = OBA_CONFIG_PATH,
    plan_path: Path = PLAN_PATH,
) -> list[Path]:
    """Write the month's public pages into ``public_dir`` (normally ``<data>/public``).

    Parameters
    ----------
    engine
        The warehouse, with the month's measures built.
    period
        ``YYYY-MM``: the month the figures are for.
    public_dir
        The site's folder; created when missing. The council copies it as it is.
    area_name
        The local area, e.g. "Blackpool".
    produced_on
        The date printed as "published on" (never the clock).
    la_code
        The area's DfE LA number, for England's figures beside the area's.
    packs_url
        A link to the board packs (e.g. ``../packs/index.html``), or None for no link.
    spc_config, oba_config, plan_path
        The partnership's SPC settings, areas of concern and plan.

    Returns
    -------
    list[Path]
        Every file written: the month's pages in ``archive/<period>/``, then (when the month
        is the newest published) the same pages at the top, the archive list, the
        accessibility statement and the stylesheet; the archive list always.
    """
    public_dir = Path(public_dir)
    inputs = load_inputs(engine, period, area_name=area_name, produced_on=produced_on, la_code=la_code,
                         spc_config=spc_config, oba_config=oba_config, plan_path=plan_path)
    written: list[Path] = []
    with locked(public_dir.with_name(f".{public_dir.name}.lock")):  # beside the folder: not copied with it
        months = sorted(set(archived_months(public_dir)) | {period})
        latest = months[-1] == period
        archived = build_pages(inputs, archived=True, months_published=months, packs_url=_up(packs_url))
        for name, html in archived.items():
            written.append(write_text_atomic(public_dir / "archive" / period / name, html))
        top = build_pages(inputs, archived=False, months_published=months, packs_url=packs_url)
        for name, html in top.items():
            if latest or name == "archive.html":
                written.append(write_text_atomic(public_dir / name, html))
    log.info("wrote the public site for %s: %d files in %s", period, len(written), public_dir)
    return written


def _up(url: str | None) -> str | None:
    """A relative link as seen from two folders down (absolute links are left alone)."""
    if url is None or re.match(r"^[a-z]+:|^/", url):
        return url
    return "../../" + url

