"""
### SEND quarterly stocktake

Renders the SEND Partnership Board's quarterly stocktake for the quarter that is this run's
**data interval** (the run at 07:00 UTC on 1 October reports July to September), an hour
after the monthly pack of the quarter's last month. It also follows the monthly pack's
asset `send_monthly_board_pack`: when the monthly pack of March, June, September or
December is published (also when a month is re-run), the stocktake is rendered again from
the same warehouse, for the area whose pack it is. Such a run renders every quarter end, in
every area, whose published pack no stocktake follows yet (the packs manifest records which
pack each stocktake followed), so a quarter end published with other months (a backfill) is
never missed; when there is none, the run is skipped.

**Output:** `<data>/packs/<YYYY-MM>/SEND-quarterly-stocktake-<YYYY>-Q<n>.pdf` (e-mailed to
`SEND_PACK_RECIPIENTS`, once for the same bytes) beside the
monthly pack of the quarter's last month: per area of concern, every action and milestone
with its status and movement since last quarter, the area's measures with their SPC charts,
risks, evidence added and "You said, we're doing, we did".

**Re-running a quarter:** `airflow backfill create --dag-id send_quarterly_stocktake
--from-date 2026-07-01 --to-date 2026-07-01 --reprocess-behavior completed`, or without a
scheduler `airflow dags test send_quarterly_stocktake 2026-10-01T07:00:00+00:00`.
"""
from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, AssetOrTimeSchedule, CronDataIntervalTimetable, dag, task, task_group

MONTHLY_PACK = Asset(name="send_monthly_board_pack", uri="file:///send/packs/manifest.json", group="send")
POOL = "send_warehouse"


def notify_failure(context: dict) -> None:
    """Log the failed task loudly; e-mail it when SMTP is configured (pipeline.orchestration.alerts)."""
    from pipeline.orchestration.alerts import notify_failure as notify

    notify(context)


@task
def stocktakes(data_interval_end=None, triggering_asset_events=None) -> list:
    from airflow.sdk.exceptions import AirflowSkipException

    from pipeline.orchestration import tasks

    due = tasks.stocktakes_due(data_interval_end, triggering_asset_events)
    if not due:
        raise AirflowSkipException("Every quarter end published has its stocktake: nothing to render.")
    return due


@task(pool=POOL)
def render_stocktake(period: str, area: str | None) -> str:
    from pipeline.orchestration import tasks

    return tasks.stocktake(period, area)


@task
def deliver_stocktake(period: str, pdf: str, area: str | None) -> bool:
    from pipeline.orchestration import tasks

    return tasks.deliver(period, pdf, "SEND quarterly stocktake", area=area)


@dag(
    dag_id="send_quarterly_stocktake",
    schedule=AssetOrTimeSchedule(timetable=CronDataIntervalTimetable("0 7 1 1,4,7,10 *", timezone="UTC"),
                                 assets=[MONTHLY_PACK]),
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["send", "board-pack", "quarterly"],
    default_args={"retries": 2, "retry_delay": timedelta(minutes=1), "on_failure_callback": notify_failure},
)
def send_quarterly_stocktake():
    @task_group(prefix_group_id=False)
    def area_stocktake(period, area):  # each quarter end published, for its area: its own stocktake
        deliver_stocktake(period, render_stocktake(period, area), area)

    area_stocktake.expand_kwargs(stocktakes())


send_quarterly_stocktake()
