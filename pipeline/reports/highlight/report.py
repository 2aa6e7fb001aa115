"""The monthly highlight report: the period's measures as an accessible, tagged PDF.

``render_highlight_report`` reads the period's rows (and up to 24 earlier months) from the
``measures`` table, which delivery each source came from (``measure_snapshots``), the
registry and the run's validation report, has each page's module turn every number into
the text the board reads (:func:`pipeline.reports.formatting.format_value`: rounding and
small-number suppression), fills the Jinja2 templates of ``report_templates/`` (loops and
formatting only) and has WeasyPrint write a PDF/UA-1 file, to a temporary name that is
then renamed into place.

Nothing here reads the clock: the date produced is an argument, so rendering a period
twice from the same warehouse gives the same text.
"""
from __future__ import annotations

import logging
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from pipeline.analysis.oba import CONFIG_PATH as OBA_CONFIG_PATH, load_oba_settings
from pipeline.definitions.registry import load_registry
from pipeline.files import write_text_atomic
from pipeline.periods import month_range, parse_period, shift_period
from pipeline.reports.charts import TABLE_NOTE
from pipeline.reports.benchmarks import benchmark_section, neet_comparison
from pipeline.reports.formatting import as_date, period_label
from pipeline.reports.highlight.adulthood import adulthood_section
from pipeline.reports.highlight.appendices import dictionary_section, quality_section, read_validation_rows
from pipeline.reports.highlight.blocks import ReportData
from pipeline.reports.highlight.cover import cover_section, stale_sources, summary_section, used_text
from pipeline.reports.highlight.ehcp import ehcp_section
from pipeline.reports.highlight.outcomes import outcomes_section
from pipeline.reports.highlight.therapies import therapies_section
from pipeline.reports.history import read_history
from pipeline.reports.oba_pack import oba_section
from pipeline.reports.pdf import PdfInBackground, no_gc, render_html, write_pdf
from pipeline.reports.programme_pack import programme_section
from pipeline.reports.spc_pack import CONFIG_PATH, load_spc_settings, spc_section
from pipeline.warehouse.measures import plan_run, read_snapshots

log = logging.getLogger(__name__)

SECTION_HEADINGS = {
    "spc_summary": "How the key measures are changing",
    "summary": "Summary of headline measures",
    "programme": "Programme delivery and exceptions",
    "benchmarks": "How the area compares",
    "ehcp": "Education, health and care (EHC) plans",
    "outcomes": "Outcomes for children and young people",
    "adulthood": "Preparing for adulthood",
    "therapies": "Waiting times for children's therapies",
    "spc": "Statistical process control charts",
    "oba": "Outcomes-Based Accountability: scorecards and turning the curve",
    "quality": "Appendix A: data quality",
    "dictionary": "Data dictionary: every measure defined",
    "glossary": "Appendix B: words used in this report",
}


class RenderError(RuntimeError):
    """The report cannot be made; the message says what to run or fix first."""


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
    used = {s["feed"]: used_text(s["feed"], as_date(s["extract_date"])) for s in snapshots.to_dict("records")}
    population = next((as_date(s["extract_date"]) for s in snapshots.to_dict("records")
                       if s["feed"] == "population"), None)
    spc = spc_section(history.row, registry, months, spc_settings)
    la_code = la_code or plan_run(engine, period).la_code
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
        "cover": cover_section(data, snapshots, area_name, produced_on),
        "summary": summary_section(data),
        "benchmarks": benchmark_section(engine, period, la_code, registry, nhs_provider_code),
        "ehcp": ehcp_section(data, population.year if population else None),
        "outcomes": outcomes_section(data, used),
        "adulthood": adulthood_section(data, lambda: neet_comparison(engine, period, la_code)),
        "therapies": therapies_section(data),
        "spc": spc,
        "oba": oba_section(history.row, registry, months, areas, spc_settings),
        "programme": programme_section(engine, period, spc, areas),
        "quality": quality_section(read_validation_rows(validation_csv)),
        "dictionary": dictionary_section(registry),
        "period": period_label(period),
        "table_note": TABLE_NOTE,  # a chart's words point at its table: in the board's PDF that is in the annex
        "annex_note": "The numbers, month by month, are in the annex of this report.",
        "places": None,  # the places page: only in a deployment's lead area's pack (render_highlight_report)
    }


def highlight_names(period: str) -> dict[str, str]:
    """The file names of a month's highlight report: the board PDF, its annex and their HTML twin."""
    return {"board": f"SEND-highlight-report-{period}.pdf", "annex": f"SEND-highlight-report-{period}-annex.pdf",
            "twin": f"SEND-highlight-report-{period}.html"}


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
    spc_config: Path | None = None,
    oba_config: Path | None = None,
    places: dict | None = None,
) -> Path:
    """Render the period's highlight report into ``out_dir``: the board PDF, its annex and their HTML twin.

    The board's PDF (``SEND-highlight-report-<period>.pdf``) puts the verdict first and keeps to 16
    pages before its appendices; the annex PDF (``...-annex.pdf``) holds the month-by-month tables,
    the turn-the-curve pages and the data dictionary; the HTML file is both, for screen readers and
    phones. Each is written atomically (a temporary name in ``out_dir``, then a rename).

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
    spc_config, oba_config
        The area's SPC settings and areas of concern (default: ``partnership/spc.yaml``, ``oba.yaml``).
    places
        The places page (:func:`pipeline.reports.places.places_section`): a deployment's lead area
        shows its areas side by side; None leaves the page out.

    Returns
    -------
    Path
        The board's PDF.
    """
    started = time.perf_counter()
    # The annex (the larger PDF) is written by a second process on the other core while this one
    # writes the board's PDF and the twin; it starts now, to import WeasyPrint while the context
    # is built.
    with PdfInBackground() as annex, no_gc():
        context = build_context(engine, period, area_name=area_name, produced_on=produced_on,
                                validation_csv=validation_csv, history_months=history_months,
                                nhs_provider_code=nhs_provider_code, la_code=la_code,
                                spc_config=spc_config or CONFIG_PATH, oba_config=oba_config or OBA_CONFIG_PATH)
        context["places"] = places
        names, out_dir = highlight_names(period), Path(out_dir)
        annex_title = context["doc"]["title"].replace("SEND highlight report", "SEND highlight report annex", 1)
        annex.write(render_html({**context, "part": "annex", "doc": {**context["doc"], "title": annex_title}},
                                template="highlight_annex.html"), out_dir / names["annex"])
        path = write_pdf(render_html({**context, "part": "board"}), out_dir / names["board"])
        write_text_atomic(out_dir / names["twin"],
                          render_html({**context, "part": "html", "twin": True}, template="highlight_twin.html"))
        annex.finish()
    log.info("rendered %s, its annex and its HTML twin in %.1f s", path, time.perf_counter() - started)
    return path
