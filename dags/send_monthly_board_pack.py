"""
### SEND monthly board pack

Builds the SEND Partnership Board's monthly highlight report for the month that is this
run's **data interval**: the run that starts at 06:00 UTC on 1 November reports October.
The month never comes from the clock, so re-running a month gives the same pack.

**Flow.** `prepare_warehouse` creates any missing warehouse table. For each feed (council SEND case data, school census and results, children's
therapy referrals, reference data) a task group runs `land` (copy the inbox's deliveries
into the raw area), `stage` (type and pseudonymise), `validate` (Great Expectations
suites) and `load` (into the warehouse, one transaction a delivery). Then
`build_measures`, `render_report` (the PDF), `publish_pack` (the pack folder, index and
manifest; emits the asset `send_monthly_board_pack`) and `check_feeds`.

**A refused feed** fails its `validate` and `load` tasks with the reason. The previous
good data stays in the warehouse, the pack is still rendered and published, marked
stale for that feed, and `check_feeds` fails so the run shows as failed. The
reasons, in words: `<data>/validation/<YYYY-MM>/validation-report.md`.

**Re-running** (README, "Operations"): re-run a month with
`airflow backfill create --dag-id send_monthly_board_pack --from-date 2026-10-01 --to-date 2026-10-01 --reprocess-behavior completed`;
after a corrected file is in the inbox, clear the feed's group and what follows:
`airflow tasks clear send_monthly_board_pack -t therapies. -d -s 2026-10-01 -e 2026-10-02`
(`-t` is a substring; the dates compare with the logical date, 06:00 on the 1st).

Warehouse-writing tasks share the pool `send_warehouse` (one slot for DuckDB).
Settings are environment variables (`SEND_DATA_DIR`, `SEND_WAREHOUSE_URL`, ...).
"""
from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, CronDataIntervalTimetable, TriggerRule, dag, task, task_group

FEEDS = ("council_send", "school_census", "therapies", "reference", "programme")  # pipeline.feeds.contracts.FEEDS (a test checks)
POOL = "send_warehouse"
MONTHLY_PACK = Asset(name="send_monthly_board_pack", uri="file:///send/packs/manifest.json", group="send")


def notify_failure(context: dict) -> None:
    """Log the failed task loudly; e-mail it when SMTP is configured (pipeline.orchestration.alerts)."""
    from pipeline.orchestration.alerts import notify_failure as notify

    notify(context)


@task(pool=POOL)
def prepare_warehouse() -> None:
    from pipeline.orchestration import tasks

    tasks.prepare()


@task(pool=POOL)  # reads which deliveries the warehouse already holds
def land(feed: str, data_interval_start=None) -> int:
    from pipeline.orchestration import tasks

    return tasks.land(feed, tasks.period_of(data_interval_start))


@task
def stage(feed: str, data_interval_start=None) -> list[str]:
    from pipeline.orchestration import tasks

    return tasks.stage(feed, tasks.period_of(data_interval_start))


@task
def validate(feed: str, data_interval_start=None) -> None:
    from pipeline.orchestration import tasks

    tasks.validate(feed, tasks.period_of(data_interval_start))


@task(pool=POOL, trigger_rule=TriggerRule.ALL_DONE)
def load(feed: str, data_interval_start=None) -> int:
    from pipeline.orchestration import tasks

    return tasks.load(feed, tasks.period_of(data_interval_start))


@task(pool=POOL, trigger_rule=TriggerRule.ALL_DONE)
def build_measures(data_interval_start=None) -> list[str]:
    from pipeline.orchestration import tasks

    return tasks.build(tasks.period_of(data_interval_start))


@task(pool=POOL)
def render_report(data_interval_start=None) -> str:
    from pipeline.orchestration import tasks

    return tasks.render(tasks.period_of(data_interval_start))


@task(pool=POOL, outlets=[MONTHLY_PACK])
def publish_pack(pdf: str, data_interval_start=None, outlet_events=None) -> str:
    from pipeline.orchestration import tasks

    period = tasks.period_of(data_interval_start)
    outlet_events[MONTHLY_PACK].extra = {"period": period, "pdf": pdf}  # what a follower DAG reads
    return tasks.publish(period, pdf)


@task(trigger_rule=TriggerRule.ALL_DONE)
def check_feeds(data_interval_start=None) -> None:
    from pipeline.orchestration import tasks

    tasks.check_feeds(tasks.period_of(data_interval_start))


@dag(
    dag_id="send_monthly_board_pack",
    schedule=CronDataIntervalTimetable("0 6 1 * *", timezone="UTC"),
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["send", "board-pack", "monthly"],
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5), "on_failure_callback": notify_failure},
)
def send_monthly_board_pack():
    @task_group
    def feed_steps(feed: str):
        land(feed) >> stage(feed) >> validate(feed) >> load(feed)

    feeds = [feed_steps.override(group_id=feed)(feed) for feed in FEEDS]
    report = render_report()
    prepare_warehouse() >> feeds >> build_measures() >> report
    publish_pack(report) >> check_feeds()


send_monthly_board_pack()
