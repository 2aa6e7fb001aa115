"""
### SEND public dashboard

Writes the partnership's public site, static HTML that the council copies to its website,
for the month whose monthly board pack was just published: it follows the monthly pack's
asset `send_monthly_board_pack` and reads the month from the event's `extra` (`period`).
A manual run takes the param `period` (`YYYY-MM`: "Trigger" in the UI, or
`airflow dags trigger send_public_dashboard -c '{"period": "2026-10"}'`). The month never
comes from the clock, so re-running a month writes the same files.

**Output:** `<data>/public/`: `index.html` (each area of concern's impact measures: latest,
a year before, England, direction of travel), `area-<ref>.html`, `therapies.html`,
`you-said-we-did.html`, `sources.html`, `archive.html` with every month's pages in
`archive/<YYYY-MM>/`, `accessibility.html` and `public.css`. Re-running an earlier month
rewrites its archive pages only; the top-level pages are always the newest month's.

**Disclosure:** stricter than the board pack's (docs/public_disclosure.md): no count from
1 to 4, no rate or percentage from 1 to 4, secondary suppression so a hidden number cannot
be worked out from a total, counts rounded to the nearest 5.
"""
from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, Param, dag, task

MONTHLY_PACK = Asset(name="send_monthly_board_pack", uri="file:///send/packs/manifest.json", group="send")
POOL = "send_warehouse"
PERIOD = Param(None, type=["null", "string"], pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", title="Month",
               description="YYYY-MM: the month to (re)write. Leave empty when the monthly pack's event starts the run.")


def notify_failure(context: dict) -> None:
    """Log the failed task loudly; e-mail it when SMTP is configured (pipeline.orchestration.alerts)."""
    from pipeline.orchestration.alerts import notify_failure as notify

    notify(context)


@task
def areas(triggering_asset_events=None) -> list:
    from pipeline.orchestration import tasks

    return tasks.areas_with_packs(triggering_asset_events)


@task(pool=POOL)
def write_public_site(area: str | None, params=None, triggering_asset_events=None) -> str:
    from pipeline.orchestration import public

    return public.write_public_site(public.period_of_run(params, triggering_asset_events), area)


@dag(
    dag_id="send_public_dashboard",
    schedule=[MONTHLY_PACK],
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    params={"period": PERIOD},
    doc_md=__doc__,
    tags=["send", "public", "monthly"],
    default_args={"retries": 2, "retry_delay": timedelta(minutes=1), "on_failure_callback": notify_failure},
)
def send_public_dashboard():
    write_public_site.expand(area=areas())  # each area whose pack was published its own site


send_public_dashboard()
