"""What the Airflow DAGs call: one function a task, taking plain values.

Each function reads the settings and opens the warehouse itself, because Airflow may run
every task in its own process (or on its own machine).  They return small values for
XCom (counts, paths as text), never data.  A refused delivery or an unfinished feed
raises ``AirflowFailException`` with a sentence a person can act on, so the task fails
at once instead of retrying data that will not change.
"""
from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from pipeline.config import load_settings
from pipeline.feeds.contracts import FEEDS
from pipeline.orchestration import handover, run, steps

log = logging.getLogger(__name__)


HOW_TO_RUN_A_MONTH = ('Trigger the DAG with the config {"period": "YYYY-MM"} ("Trigger" in the UI, '
                      '`airflow dags trigger send_monthly_board_pack -c \'{"period": "2026-10"}\'`, or '
                      'POST /api/v2/dags/send_monthly_board_pack/dagRuns with "conf": {"period": ...}).')


def period_of(data_interval_start: datetime | None) -> str:
    """The report month of a run: the month its data interval starts in (fails the task without one)."""
    if data_interval_start is None:
        _fail("This run has no data interval, so it has no report month (a manual trigger without a "
              f"period). {HOW_TO_RUN_A_MONTH}")
    return data_interval_start.strftime("%Y-%m")


def month_of(params: dict | None, run_type: str | None, data_interval_start: datetime | None,
             logical_date: datetime | None) -> str:
    """The report month of a monthly run: the ``period`` param when given, else the data interval's month.

    A manual run without a period is refused unless its logical date is a scheduled one
    (06:00 UTC on the 1st): an interval Airflow inferred from any other date is a guess.
    """
    from pipeline.periods import PeriodError, parse_period

    period = (params or {}).get("period")
    if period:
        try:
            parse_period(str(period))
        except PeriodError as exc:
            _fail(f"The period {period!r} is not a month: {exc} {HOW_TO_RUN_A_MONTH}")
        return str(period)
    if str(run_type or "").lower().endswith("manual") and logical_date is not None and (
            (logical_date.day, logical_date.hour, logical_date.minute) != (1, 6, 0)):
        _fail(f"This manual run's logical date {logical_date.isoformat()} is not a scheduled one, so its month "
              f"would be a guess. {HOW_TO_RUN_A_MONTH}")
    return period_of(data_interval_start)


def month_of_context(context) -> str:
    """:func:`month_of` from a task's Airflow context."""
    return month_of(context.get("params"), getattr(context.get("dag_run"), "run_type", None),
                    context.get("data_interval_start"), context.get("logical_date"))


def _fail(message: str) -> None:
    from airflow.sdk.exceptions import AirflowFailException

    log.error(message)
    raise AirflowFailException(message)


def areas(only: list[str] | None = None) -> list[str | None]:
    """What the DAG maps over: the codes of ``partnership/areas.yaml``, or ``[None]`` for the one default area.

    ``only`` (the run's param ``areas``): a batch of those codes, in the file's order. A
    deployment of many areas runs in batches because the scheduler's work on one run grows
    faster than its task instances (``docs/scaling.md``).
    """
    from pipeline.areas import area_codes

    codes = area_codes()
    if only:
        wanted = {str(code) for code in only}
        unknown = sorted(wanted - set(codes))
        if unknown:
            listed = [c for c in codes if c] or ["none: there is no areas file"]
            _fail(f"The run's areas {', '.join(unknown)} are not in the areas file (its areas: "
                  f"{', '.join(listed[:10])}{', ...' if len(listed) > 10 else ''}). "
                  "Trigger the run again with codes from the file.")
        codes = [code for code in codes if code in wanted]
    log.info("%d area%s: %s", len(codes), "" if len(codes) == 1 else "s", ", ".join(c or "default" for c in codes))
    return codes


def areas_with_packs(asset_events: dict | None = None) -> list[str | None]:
    """What a follower DAG (public site, stocktake) maps over: the areas whose packs the
    triggering asset events published; without events (a scheduled or manual run), every area
    with a pack (``packs: lead``: the lead alone). ``[None]`` for the one default area."""
    from pipeline.areas import load_areas

    listed = load_areas()
    if not listed:
        return [None]
    named = {str(e.extra["area"]) for events in (asset_events or {}).values() for e in events
             if getattr(e, "extra", None) and e.extra.get("area")}
    codes = [a.code for a in listed if (a.code in named if named else a.pack)]
    log.info("areas with a new pack: %s", ", ".join(codes) or "none")
    return codes


def places(period: str, codes: list[str | None] | None = None) -> str | None:
    """Render the places page (every area side by side) into the lead area's pack; None for one area.

    ``codes``: the run's areas; a batch without the lead area draws no places page (the
    lead's batch, run last, draws it with every area's month).
    """
    from pipeline.areas import area_codes
    from pipeline.orchestration.places import write_places

    lead = area_codes()[0]
    if codes is not None and lead not in codes:
        log.info("the lead area %s is not in this run's %d areas: no places page", lead, len(codes))
        return None
    path = write_places(period)
    return str(path) if path else None


def _whose(settings) -> str:
    """``Blackpool (890): `` before a message when the run serves several areas."""
    return f"{settings.area_name} ({settings.area_code}): " if settings.area_code else ""


def wait_for(feed: str, period: str, area: str | None = None):
    """None when the feed's delivery for the month is in (or the cut-off has passed); else a trigger to wait on."""
    from pipeline.orchestration import waiting

    return waiting.wait_or_trigger(feed, period, load_settings(area=area).inbox_dir)


def prepare(area: str | None = None) -> None:
    """Create any missing warehouse table, once, before the feeds' tasks run side by side."""
    with run.open_warehouse(load_settings(area=area)):
        pass


def land(feed: str, period: str, area: str | None = None) -> int:
    """Land the feed's inbox deliveries and plan the period; returns the candidates' count."""
    settings = load_settings(area=area)
    with handover.shared(settings, handover.feed_folders(feed, period)), run.open_warehouse(settings) as engine:
        return len(steps.land_feed(feed, period, settings.inbox_dir, settings, engine).candidates)


def stage(feed: str, period: str, area: str | None = None) -> list[str]:
    """Stage the deliveries the period needs; returns their keys."""
    settings = load_settings(area=area)
    with handover.shared(settings, handover.feed_folders(feed, period)):
        return steps.stage_feed(feed, period, settings)


def validate(feed: str, period: str, area: str | None = None) -> None:
    """Validate them; fails the task when a delivery is refused (the load step still runs)."""
    from pipeline.feeds.contracts import first_line

    settings = load_settings(area=area)
    with handover.shared(settings, handover.feed_folders(feed, period)):
        refused = steps.validate_feed(feed, period, settings)
    if refused:
        blocking = [f for findings in refused.values() for f in findings]
        _fail(first_line(f"{_whose(settings)}Refused {feed} {', '.join(refused)} "
                         "(the load step keeps the last good delivery)",
                         blocking, settings.reports_dir / period / "validation-report.md"))


def load(feed: str, period: str, area: str | None = None) -> int:
    """Load what passed (or the last good delivery); fails the task when one was refused."""
    settings = load_settings(area=area)
    try:
        with handover.shared(settings, handover.feed_folders(feed, period)), run.open_warehouse(settings) as engine:
            outcomes = steps.load_feed(feed, period, settings, engine)
    except FileNotFoundError as exc:  # its land step never ran: an earlier group failed; a retry cannot help
        _fail(f"{_whose(settings)}{feed} has nothing to load for {period}: {exc} (the pack keeps its last good data)")
    if steps.refusal(outcomes):
        _fail(_whose(settings) + steps.refusal(outcomes, settings.reports_dir / period / "validation-report.md"))
    return sum(o.rows for o in outcomes)


def build(period: str, area: str | None = None) -> list[str]:
    """Build the period's measures and reports; returns the stale feeds."""
    settings = load_settings(area=area)
    with handover.shared(settings, handover.pack_folders(period)), run.open_warehouse(settings) as engine:
        return list(run.build_period(period, settings, engine).stale_feeds)


def render(period: str, area: str | None = None) -> str:
    """Render the highlight report PDF; returns its path (skipped for an area without a pack: `packs: lead`)."""
    from pipeline.areas import find_area

    if area is not None and not find_area(area).pack:
        from airflow.sdk.exceptions import AirflowSkipException

        raise AirflowSkipException(f"Area {area}: the areas file says `packs: lead`, so only the lead area's pack "
                                   "is made; this area's measures are on the places page.")
    settings = load_settings(area=area)
    with handover.shared(settings, handover.pack_folders(period)), run.open_warehouse(settings) as engine:
        return str(run.render_period(period, settings, engine))


def local_pdf(settings, period: str, pdf: str):
    """The PDF another task rendered, in this host's data folder (the XCom holds the renderer's path)."""
    return settings.packs_dir / period / Path(pdf).name


def pdf_location(pdf: str, area: str | None = None) -> str:
    """Where a follower DAG on any host finds the PDF: its hand-over URL, or its path on the one disk."""
    settings = load_settings(area=area)
    return handover.location(settings, local_pdf(settings, Path(pdf).parent.name, pdf))


def publish(period: str, pdf: str, area: str | None = None) -> str:
    """Publish the pack (XLSX, validation report, index, manifest); returns the pack folder."""
    settings = load_settings(area=area)
    with handover.shared(settings, handover.pack_folders(period)), run.open_warehouse(settings) as engine:
        return str(run.publish_period(period, settings, engine, local_pdf(settings, period, pdf)))


def deliver(period: str, pdf: str, title: str = "SEND highlight report", area: str | None = None) -> bool:
    """E-mail the published PDF to SEND_PACK_RECIPIENTS (once for the same bytes); True when sent."""
    from pipeline.orchestration import delivery
    from pipeline.reports.formatting import period_label
    from pipeline.reports.highlight.blocks import FEED_LABELS
    from pipeline.reports.publish import stale_feeds_of

    settings = load_settings(area=area)
    with handover.shared(settings, handover.pack_folders(period)), run.open_warehouse(settings) as engine:
        stale = [FEED_LABELS.get(feed, feed).lower() for feed in stale_feeds_of(engine, period)]
        if settings.area_code:
            title = f"{title}: {settings.area_name}"
        mail = delivery.compose(local_pdf(settings, period, pdf), title, period_label(period), stale,
                                delivery.recipients_from_env())
        return delivery.deliver_pack(settings.packs_dir, mail)


def check_feeds(period: str, area: str | None = None) -> None:
    """Fail the run (after the pack is published) when a feed was refused or did not finish."""
    from pipeline.feeds.contracts import first_line

    settings = load_settings(area=area)
    with handover.shared(settings, handover.pack_folders(period)):
        refused, unfinished = run.refused_feeds(period, settings, FEEDS), run.unfinished_feeds(period, settings, FEEDS)
        not_read = run.files_not_read(period, settings, FEEDS)
    problems = [f"{feed} refused" for feed in refused] + [f"{feed} did not finish" for feed in unfinished]
    report = settings.reports_dir / period / "validation-report.md"
    if not_read:
        _fail(first_line(f"{_whose(settings)}Files in the inbox were not read for {period} (the export may have "
                         "gone wrong)", not_read, report) + (f"; and {', '.join(problems)}" if problems else ""))
    if problems:
        _fail(f"{_whose(settings)}The {period} pack was published from the last good data but is stale "
              f"({', '.join(problems)}). See {report}.")
    log.info("every feed loaded for %s", period)


def stocktakes_due(data_interval_end: datetime | None, asset_events: dict | None = None) -> list[dict]:
    """The stocktakes a run renders, each ``{"period": the quarter's last month, "area": code or None}``.

    A scheduled run's data interval is the quarter (1 July to 1 October reports July to
    September), for every area with a pack. A run started by the monthly pack's asset renders,
    in every area, each quarter's last month whose published pack no stocktake follows yet: the
    packs manifest records which pack each stocktake followed, and re-publishing a month clears
    it. The events only wake the DAG. Airflow queues one run for all the events that reach the
    DAG until it starts one, and an event that comes in that gap waits for the run of whichever
    event comes next (a backfill publishes September and October together), so the manifest,
    not the events, says what is due. Empty when every quarter end published has its stocktake.
    """
    from pipeline.periods import shift_period
    from pipeline.reports.publish import stocktakes_pending

    if data_interval_end is not None:
        period = shift_period(data_interval_end.strftime("%Y-%m"), -1)
        return [{"period": period, "area": area} for area in areas_with_packs()]
    events = [e.extra for events in (asset_events or {}).values() for e in events if getattr(e, "extra", None)]
    if not events:
        _fail("This run has neither a data interval nor a monthly pack event, so it has no quarter. Re-run a "
              "quarter with `airflow backfill create --dag-id send_quarterly_stocktake ...`.")
    due = []
    for area in areas():
        settings = load_settings(area=area)
        with handover.shared(settings, ["packs/manifest.json"]):
            due += [{"period": period, "area": area} for period in stocktakes_pending(settings.packs_dir)]
    log.info("monthly packs published: %s; stocktakes due: %s", ", ".join(sorted({e.get("period") or "?"
             for e in events})), ", ".join(f"{d['period']} {d['area'] or 'default'}" for d in due) or "none")
    return due


def stocktake(period: str, area: str | None = None) -> str:
    """Render the quarter's stocktake PDF; returns its path."""
    settings = load_settings(area=area)
    with handover.shared(settings, handover.pack_folders(period)), run.open_warehouse(settings) as engine:
        return str(run.render_stocktake_period(period, settings, engine))
