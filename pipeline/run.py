"""One reporting period end to end: land, stage, validate, load, build the measures.

``run_period`` is what ``python -m pipeline run`` and the Airflow DAG both call.  It
finishes what it can: a refused feed leaves its previous good data in place, the other
feeds load, the measures are built, and the result says which feeds were refused.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from pipeline import measures, warehouse
from pipeline.config import Settings
from pipeline.feeds import FEEDS, Finding
from pipeline.files import write_text_atomic
from pipeline.land import DATED_FEEDS, Landed, as_unlanded, discover_deliveries, land_inbox
from pipeline.load import Outcome, check_delivery, load_in_order, snapshot_candidates
from pipeline.periods import period_end
from pipeline.quality import report_rows, write_report

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
    seconds: dict[str, float] = field(default_factory=dict)  # land, <feed>, measures, write

    @property
    def refused(self) -> list[Outcome]:
        """The deliveries refused in this run."""
        return [o for o in self.outcomes if o.refused]

    def reason(self) -> str:
        """One line saying why the run failed, or an empty string."""
        if not self.refused:
            return ""
        names = ", ".join(f"{o.feed} {o.delivery}" for o in self.refused)
        return f"refused: {names}; previous good data kept; see {self.report}"


def _step(number: int, total: int, text: str) -> float:
    log.info("[%d/%d] %s", number, total, text)
    return time.perf_counter()


def load_feed(landed: list[Landed], feed: str, engine, key: bytes, end: date) -> list[Outcome]:
    """Load what a period needs of one feed: its snapshot (dated feeds) or every new file."""
    mine = [d for d in landed if d.feed == feed]
    if feed in DATED_FEEDS:
        return load_in_order(snapshot_candidates(mine, end), engine, key, stop_at_first_good=True)
    return load_in_order(sorted(mine, key=lambda d: d.key), engine, key, stop_at_first_good=False)


def run_period(period: str, inbox: Path, settings: Settings, feeds: tuple[str, ...] = FEEDS,
               render: bool = True) -> RunResult:
    """Land the inbox, load what ``period`` needs, build its measures, write its CSV and pack.

    With ``render`` the highlight report PDF is rendered and published beside the CSV.
    """
    result, end = RunResult(period), period_end(period)
    started = _step(1, 5, f"landing deliveries from {inbox}")
    landed, result.findings = land_inbox(inbox, settings.raw_dir, feeds)
    result.seconds["land"] = time.perf_counter() - started
    log.info("landed %d deliveries in %.1f s", len(landed), result.seconds["land"])
    engine = warehouse.get_engine(settings.warehouse_url)
    try:
        warehouse.ensure_schema(engine)
        for feed in feeds:
            started = _step(2, 5, f"staging, validating and loading {feed}")
            result.outcomes += load_feed(landed, feed, engine, settings.pseudonymisation_key, end)
            result.seconds[feed] = time.perf_counter() - started
            log.info("%s done in %.1f s", feed, result.seconds[feed])
        started = _step(3, 5, f"building the measures for {period}")
        built = measures.build_measures(engine, period, settings.la_code)
        result.stale_feeds = list(built.stale_feeds)
        result.seconds["measures"] = time.perf_counter() - started
        log.info("%d measure rows in %.1f s", len(built.rows), result.seconds["measures"])
        _step(4, 5, "writing the measures CSV and the validation report")
        result.measures_csv = settings.packs_dir / period / f"measures-{period}.csv"
        measures.write_measures_csv(measures.read_measures(engine, period), result.measures_csv)
        if "council_send" not in built.missing_feeds:
            write_audit_sample(measures.select_audit_sample(engine, period, settings.la_code),
                               settings.packs_dir / period / f"ehcp-audit-sample-{period}.csv")
        _write_validation_report(result, settings)
        if render:
            _step(5, 5, "rendering the highlight report and publishing the pack")
            result.pdf = render_pack(engine, period, settings, result)
    finally:
        engine.dispose()
        if result.report is None:  # a step failed: still say what was checked
            _write_validation_report(result, settings)
    return result


def _write_validation_report(result: RunResult, settings: Settings) -> None:
    result.report = write_report(report_rows(result.outcomes, result.findings),
                                 settings.reports_dir / result.period, f"Validation report for {result.period}")


def render_pack(engine, period: str, settings: Settings, result: RunResult) -> Path:
    """Render the highlight report and publish the pack folder, index and manifest."""
    from pipeline.publish import publish_pack, stale_feeds_of
    from pipeline.render import render_highlight_report

    started = time.perf_counter()
    produced_on = period_end(period) + timedelta(days=1)  # the data interval's end, never the clock
    pdf = render_highlight_report(engine, period, settings.packs_dir / period, area_name=settings.area_name,
                                  produced_on=produced_on,
                                  validation_csv=settings.reports_dir / period / "validation-report.csv")
    stale = stale_feeds_of(engine, period)
    status = "refused: " + ", ".join(sorted({o.feed for o in result.refused})) if result.refused else "complete"
    publish_pack(engine, period, settings.data_dir, pdf, status=status, stale_feeds=stale, produced_on=produced_on)
    result.seconds["render"] = time.perf_counter() - started
    log.info("rendered %s in %.1f s", pdf, result.seconds["render"])
    return pdf


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
