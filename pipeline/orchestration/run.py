"""One reporting period end to end: each feed's steps, the measures, the pack.

``run_period`` is what ``python -m pipeline run`` calls; the Airflow DAG calls the same
functions one task at a time (``pipeline.orchestration.steps`` for each feed, then ``build_period``,
``render_period`` and ``publish_period``).  It finishes what it can: a refused feed
leaves its previous good data in place, the other feeds load, the measures are built,
the pack is marked stale for that feed, and the result says which feeds were refused.
"""
from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator

import sqlalchemy as sa

from pipeline.config import Settings
from pipeline.feeds.contracts import FEEDS, Finding, first_line, not_read
from pipeline.feeds.land import as_unlanded, discover_deliveries
from pipeline.files import write_text_atomic
from pipeline.orchestration import steps
from pipeline.periods import period_end
from pipeline.reports.quality import report_rows, write_report
from pipeline.warehouse import db, measures, published
from pipeline.warehouse.load import Outcome, check_delivery

log = logging.getLogger(__name__)


@dataclass
class RunResult:
    """What a run did, for the command line, the DAG and the tests."""

    period: str
    outcomes: list[Outcome] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    measures_csv: Path | None = None
    report: Path | None = None
    pdf: Path | None = None
    stale_feeds: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # land, <feed>, measures, render

    @property
    def refused(self) -> list[Outcome]:
        """The deliveries refused in this run."""
        return [o for o in self.outcomes if o.refused]

    @property
    def not_read(self) -> list[Finding]:
        """Files in the feed folders that were not read (links, other names): the export went wrong."""
        return [f for f in self.findings if not_read(f)]

    def reason(self) -> str:
        """One line saying why the run failed (file, column, rule, rows, lines), or an empty string."""
        if self.refused:
            names = ", ".join(f"{o.feed} {o.delivery}" for o in self.refused)
            blocking = [f for o in self.refused for f in o.findings if f.blocking]
            return first_line(f"refused: {names} (previous good data kept)", self.not_read + blocking, self.report)
        if self.not_read:
            return first_line("files not read (the export may have gone wrong)", self.not_read, self.report)
        return ""


def _step(number: int, total: int, text: str) -> float:
    log.info("[%d/%d] %s", number, total, text)
    return time.perf_counter()


@contextmanager
def open_warehouse(settings: Settings) -> Iterator[sa.Engine]:
    """The warehouse engine with its schema in place; disposed of afterwards."""
    engine = db.get_engine(settings.warehouse_url)
    try:
        db.ensure_schema(engine)
        yield engine
    finally:
        engine.dispose()


def run_period(period: str, inbox: Path, settings: Settings, feeds: tuple[str, ...] = FEEDS,
               render: bool = True) -> RunResult:
    """Land the inbox, load what ``period`` needs, build its measures, write its CSV and pack.

    The same steps, in the same order, as the DAG ``send_monthly_board_pack``.  With
    ``render`` the highlight report PDF is rendered and the pack published.
    """
    result, total = RunResult(period), len(feeds) + 2 + render
    with open_warehouse(settings) as engine:
        try:
            for number, feed in enumerate(feeds, start=1):
                started = _step(number, total, f"{feed}: land, stage, validate and load")
                plan = steps.run_feed(feed, period, inbox, settings, engine)
                result.outcomes += plan.outcomes or []
                result.findings += plan.landing_findings
                result.seconds["land"] = result.seconds.get("land", 0.0) + plan.land_seconds
                result.seconds[feed] = time.perf_counter() - started
                log.info("%s done in %.1f s", feed, result.seconds[feed])
            started = _step(len(feeds) + 1, total, f"building the measures for {period}")
            built = build_period(period, settings, engine, feeds)
            result.stale_feeds = list(built.stale_feeds)
            result.measures_csv = settings.packs_dir / period / f"measures-{period}.csv"
            result.seconds["measures"] = time.perf_counter() - started
            if render:
                started = _step(total, total, "rendering the highlight report and publishing the pack")
                result.pdf = render_period(period, settings, engine)
                publish_period(period, settings, engine, result.pdf, feeds)
                result.seconds["render"] = time.perf_counter() - started
        finally:
            result.report = write_validation_report(period, settings, feeds)
    return result


def period_plans(period: str, settings: Settings, feeds: tuple[str, ...] = FEEDS) -> dict[str, steps.Plan | None]:
    """Each feed's plan for the period (None when its land step has not run)."""
    plans = {}
    for feed in feeds:
        try:
            plans[feed] = steps.read_plan(settings, feed, period)
        except FileNotFoundError:
            plans[feed] = None
    return plans


def files_not_read(period: str, settings: Settings, feeds: tuple[str, ...] = FEEDS) -> list[Finding]:
    """Files of the feed folders that the period's land steps did not read (links, names that fit no pattern)."""
    return [f for plan in period_plans(period, settings, feeds).values() if plan is not None
            for f in plan.landing_findings if not_read(f)]


def unfinished_feeds(period: str, settings: Settings, feeds: tuple[str, ...] = FEEDS) -> list[str]:
    """Feeds whose steps did not all finish for the period (a task failed or did not run)."""
    return [feed for feed, plan in period_plans(period, settings, feeds).items()
            if plan is None or plan.outcomes is None]


def refused_feeds(period: str, settings: Settings, feeds: tuple[str, ...] = FEEDS) -> list[str]:
    """Feeds with a delivery refused for the period."""
    return [feed for feed, plan in period_plans(period, settings, feeds).items()
            if plan is not None and any(o.refused for o in plan.outcomes or [])]


def write_validation_report(period: str, settings: Settings, feeds: tuple[str, ...] = FEEDS) -> Path:
    """The period's validation report, from every feed's plan and outcomes."""
    outcomes: list[Outcome] = []
    loose: list[Finding] = []
    for feed, plan in period_plans(period, settings, feeds).items():
        if plan is not None:
            outcomes += plan.outcomes or []
            loose += plan.landing_findings
        if plan is None or plan.outcomes is None:
            loose.append(Finding(feed, "", "", "the feed's steps finished", "blocking", None, [],
                                 f"The {feed} feed's land, stage, validate and load steps did not all finish for "
                                 f"{period}; the pack uses its last good data. See the task logs."))
    return write_report(report_rows(outcomes, loose), settings.reports_dir / period, f"Validation report for {period}")


def build_period(period: str, settings: Settings, engine: sa.Engine, feeds: tuple[str, ...] = FEEDS
                 ) -> measures.BuildResult:
    """Build the period's measures; write the measures CSV, the audit sample and the validation report."""
    published.load_published(engine)  # the published statistics the pack compares with
    built = measures.build_measures(engine, period, settings.la_code)
    log.info("%d measure rows for %s", len(built.rows), period)
    measures.write_measures_csv(measures.read_measures(engine, period),
                                settings.packs_dir / period / f"measures-{period}.csv")
    if "council_send" not in built.missing_feeds:
        write_audit_sample(measures.select_audit_sample(engine, period, settings.la_code),
                           settings.packs_dir / period / f"ehcp-audit-sample-{period}.csv")
    write_validation_report(period, settings, feeds)
    return built


def produced_on(period: str) -> date:
    """The date a period's pack is dated: the day after the period (its data interval's end)."""
    return period_end(period) + timedelta(days=1)


def render_period(period: str, settings: Settings, engine: sa.Engine) -> Path:
    """Render the period's highlight report PDF into its pack folder."""
    from pipeline.reports.highlight.report import render_highlight_report

    return render_highlight_report(engine, period, settings.packs_dir / period, area_name=settings.area_name,
                                   produced_on=produced_on(period),
                                   validation_csv=settings.reports_dir / period / "validation-report.csv",
                                   nhs_provider_code=settings.nhs_provider_code, la_code=settings.la_code,
                                   spc_config=settings.spc_config, oba_config=settings.oba_config,
                                   places=_places_page(period, settings))


def _places_page(period: str, settings: Settings) -> dict | None:
    """The places page of the lead area's pack; the pack without it when it cannot be drawn
    (the ``places`` task has failed, saying why, so the run shows as failed)."""
    from pipeline.orchestration.places import section

    try:
        return section(period, settings)
    except Exception as exc:  # one area's unreadable month must not hold back the lead's own pack
        log.error("the places page is left out of %s's pack: %s", settings.area_name, exc)
        return None


def render_stocktake_period(period: str, settings: Settings, engine: sa.Engine) -> Path:
    """Render the quarterly stocktake PDF of the quarter ending with ``period`` into its pack folder,
    and note in the packs manifest which monthly pack it follows."""
    from pipeline.reports.publish import published_pack, record_stocktake
    from pipeline.reports.stocktake import render_stocktake

    follows = published_pack(settings.packs_dir, period)
    pdf = render_stocktake(engine, period, settings.packs_dir / period, area_name=settings.area_name,
                           produced_on=produced_on(period), spc_config=settings.spc_config,
                           oba_config=settings.oba_config)
    record_stocktake(settings.packs_dir, period, pdf, follows)
    return pdf


def publish_period(period: str, settings: Settings, engine: sa.Engine, pdf: Path,
                   feeds: tuple[str, ...] = FEEDS) -> Path:
    """Complete the pack folder (XLSX, validation report) and list it in the index and manifest."""
    from pipeline.reports.publish import publish_pack, stale_feeds_of

    refused = sorted(set(refused_feeds(period, settings, feeds)) | set(unfinished_feeds(period, settings, feeds)))
    status = "refused: " + ", ".join(refused) if refused else "complete"
    return publish_pack(engine, period, settings.data_dir, pdf, status=status,
                        stale_feeds=stale_feeds_of(engine, period), produced_on=produced_on(period))


def write_audit_sample(sample: list, path: Path) -> Path:
    """The annual audit's 10% sample of plans (plan table id and setting group only)."""
    lines = ["named_plan_id,setting_group"] + [f"{e.named_plan_id},{e.setting_group}" for e in sample]
    return write_text_atomic(path, "\n".join(lines) + "\n")


def validate_inbox(inbox: Path, key: bytes, feeds: tuple[str, ...] = FEEDS) -> tuple[list[Outcome], list[Finding]]:
    """Check every delivery in the inbox without landing or loading anything."""
    deliveries, findings = discover_deliveries(inbox, feeds)
    outcomes = []
    for delivery in deliveries:
        _, problems = check_delivery(as_unlanded(delivery), key)
        status = "refused" if any(p.blocking for p in problems) else "valid"
        outcomes.append(Outcome(delivery.feed, delivery.key, 0, status, problems))
    return outcomes, findings
