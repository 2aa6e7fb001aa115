"""What the DAG ``send_public_dashboard`` calls: the month from the run, then the public site.

The site is written to ``<data>/public/`` (:func:`pipeline.reports.public.site.write_site`), with
the month's Easy Read page and PDF in ``easy-read/`` (:func:`pipeline.reports.easy_read.render_easy_read`),
from the same warehouse as the month's board pack, dated as the pack is (the day after the
month), so re-running a month writes the same files. ``SEND_PUBLIC_PACKS_URL`` (optional)
is the address the site's "Board reports" link goes to; without it there is no link, as the
council copies only the ``public`` folder to its website.
"""
from __future__ import annotations

import logging
import os
from datetime import datetime
from pathlib import Path

from pipeline.config import load_settings
from pipeline.orchestration import run

log = logging.getLogger(__name__)

PUBLIC_DIR_NAME = "public"
HOW_TO_RUN = ('Trigger send_public_dashboard with the config {"period": "YYYY-MM"} ("Trigger" in the UI, or '
              '`airflow dags trigger send_public_dashboard -c \'{"period": "2026-10"}\'`).')


def public_dir(data_dir: Path) -> Path:
    """Where the site is written: ``<data>/public``."""
    return Path(data_dir) / PUBLIC_DIR_NAME


def period_of_run(params: dict | None, asset_events: dict | None = None,
                  data_interval_start: datetime | None = None) -> str:
    """The month of a run: the ``period`` param, else the monthly pack's asset event, never the clock.

    A run the monthly pack started takes the newest ``period`` of its triggering events'
    ``extra``; a manual run needs the param. Fails the task (with what to do) otherwise.
    """
    from pipeline.periods import PeriodError, parse_period

    period = (params or {}).get("period")
    if not period:
        months = [str(e.extra["period"]) for events in (asset_events or {}).values() for e in events
                  if getattr(e, "extra", None) and e.extra.get("period")]
        period = max(months) if months else None
    if not period:
        _fail("This run has neither a period param nor a monthly pack event, so it has no month. " + HOW_TO_RUN)
    try:
        parse_period(str(period))
    except PeriodError as exc:
        _fail(f"The period {period!r} is not a month: {exc} {HOW_TO_RUN}")
    return str(period)


def _fail(message: str) -> None:
    from airflow.sdk.exceptions import AirflowFailException

    log.error(message)
    raise AirflowFailException(message)


def landed_plan(settings) -> Path:
    """The ``plan.yaml`` the area's programme feed delivered last; the shipped plan before any has landed."""
    from pipeline.definitions.plan import PLAN_PATH
    from pipeline.feeds.land import current_versions

    landed = current_versions(settings.raw_dir, "programme").get("plan")
    return next(iter(landed.files.values())) if landed else PLAN_PATH


def write_public_site(period: str, area: str | None = None) -> str:
    """Write the month's public site (an area's own, in its data folder); returns the site's folder (for XCom)."""
    from pipeline.reports.easy_read import render_easy_read
    from pipeline.analysis.oba import CONFIG_PATH as OBA_CONFIG_PATH
    from pipeline.reports.public.site import EASY_READ, write_site
    from pipeline.reports.spc_pack import CONFIG_PATH as SPC_CONFIG_PATH

    from pipeline.orchestration import handover

    settings = load_settings(area=area)
    folder = public_dir(settings.data_dir)
    produced_on = run.produced_on(period)
    with handover.shared(settings, [*handover.pack_folders(period), "raw/programme/plan"]), \
            run.open_warehouse(settings) as engine:
        written = write_site(engine, period, folder, area_name=settings.area_name, produced_on=produced_on,
                             la_code=settings.la_code, packs_url=os.environ.get("SEND_PUBLIC_PACKS_URL") or None,
                             plan_path=landed_plan(settings), spc_config=settings.spc_config or SPC_CONFIG_PATH,
                             oba_config=settings.oba_config or OBA_CONFIG_PATH)
        written += render_easy_read(engine, period, (folder / EASY_READ).parent, area_name=settings.area_name,
                                    produced_on=produced_on)
    log.info("the public site for %s (with its Easy Read page and PDF): %d files in %s", period, len(written), folder)
    return str(folder)
