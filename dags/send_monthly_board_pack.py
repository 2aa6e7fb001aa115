"""
### SEND monthly board pack

Builds the SEND Partnership Board's monthly highlight report for the month that is this
run's **data interval** (the run that starts at 06:00 UTC on 1 November reports October),
or the month given as the param `period` (`YYYY-MM`: "Trigger" in the UI, or
`POST /api/v2/dags/send_monthly_board_pack/dagRuns` with `"conf": {"period": "2026-10"}`).
The month never comes from the clock, so re-running a month gives the same pack.
The param `areas` (LA codes of `partnership/areas.yaml`) runs a batch of the areas instead of
all (a large deployment: `docs/scaling.md`).

**Waiting for the month's data.** A month's snapshots arrive in the days after it ends.
Each dated feed (council SEND, therapies, NCCIS) first waits, in the triggerer (no worker slot),
until its delivery for the month is in the inbox or the cut-off passes (the 7th working
day of the next month at 06:00 UTC; `SEND_FEED_CUTOFF_WORKING_DAY`); then the month is
built with what has arrived, a missing feed marked stale.

**Flow.** `month` settles the report month (and refuses a manual run without one);
`prepare_warehouse` creates any missing warehouse table. For each feed (council SEND case
data, school census and results, children's therapy referrals, the CCIS caseload
(NCCIS), reference data, the SENCO training log, the programme) a task group runs
(`wait`,) `land` (copy the inbox's deliveries into the raw area), `stage` (type and
pseudonymise), `validate` (Great Expectations suites) and `load` (into the warehouse, one
transaction a delivery). Then `build_measures`, `render_report` (the PDF), `publish_pack`
(the pack folder, index and manifest; emits the asset `send_monthly_board_pack`),
`deliver_pack` (e-mails the PDF to `SEND_PACK_RECIPIENTS`, once for the same bytes) and
`check_feeds`.

**A refused feed** fails its `validate` and `load` tasks with the reason. The previous
good data stays in the warehouse, the pack is still rendered and published, marked
stale for that feed, and `check_feeds` fails so the run shows as failed. The
reasons, in words: `<data>/validation/<YYYY-MM>/validation-report.md`.

**Re-running** (README, "Run it in production"): a month, with the param `period`; after a
corrected file is in the inbox, clear the failed feed's group and what follows, from the
run's page in the UI, `POST /api/v2/dags/send_monthly_board_pack/clearTaskInstances`, or
`airflow tasks clear send_monthly_board_pack -t therapies. -d -s 2026-10-01 -e 2026-10-02`.

Warehouse-writing tasks share the pool `send_warehouse` (one slot for DuckDB).
Settings are environment variables (`SEND_DATA_DIR`, `SEND_WAREHOUSE_URL`, ...).
"""
from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import (Asset, BaseOperator, CronDataIntervalTimetable, Param, TriggerRule, chain, dag, task,
                         task_group)

FEEDS = ("council_send", "school_census", "therapies", "nccis", "reference", "workforce",
         "programme")  # pipeline.feeds.contracts.FEEDS
# the dated monthly snapshots (pipeline.orchestration.waiting.WAITED_FEEDS)
WAITED = ("council_send", "therapies", "nccis")
POOL = "send_warehouse"
MONTHLY_PACK = Asset(name="send_monthly_board_pack", uri="file:///send/packs/manifest.json", group="send")
PERIOD = Param(None, type=["null", "string"], pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", title="Report month",
               description="YYYY-MM: the month to (re)build. Leave empty on scheduled runs (their data interval).")
AREAS = Param(None, type=["null", "array"], title="Areas",
              description="LA codes of the areas file to run (a batch of a large deployment). Empty: every area.")


def notify_failure(context: dict) -> None:
    """Log the failed task loudly; e-mail it when SMTP is configured (pipeline.orchestration.alerts)."""
    from pipeline.orchestration.alerts import notify_failure as notify

    notify(context)


def this_month() -> str:
    """The run's report month: the param `period`, else the data interval (the `month` task checks it first)."""
    from airflow.sdk import get_current_context

    from pipeline.orchestration import tasks

    return tasks.month_of_context(get_current_context())


class WaitForDelivery(BaseOperator):
    """Waits in the triggerer until the feed's delivery for the month is in the inbox, or the cut-off passes."""

    template_fields = ("area",)  # resolves the area a mapped task group hands it

    def __init__(self, *, feed: str, area: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.feed, self.area = feed, area

    def execute(self, context) -> None:
        from pipeline.orchestration import tasks

        trigger = tasks.wait_for(self.feed, this_month(), self.area)
        if trigger is not None:
            self.defer(trigger=trigger, method_name="resume")

    def resume(self, context, event=None) -> None:
        from pipeline.orchestration import waiting

        self.log.info(waiting.report(event))


@task
def month() -> str:
    return this_month()


@task
def areas() -> list:
    from airflow.sdk import get_current_context

    from pipeline.orchestration import tasks

    return tasks.areas(get_current_context()["params"].get("areas"))


@task(pool=POOL)
def prepare_warehouse(area: str | None) -> None:
    from pipeline.orchestration import tasks

    tasks.prepare(area)


@task(pool=POOL)  # reads which deliveries the warehouse already holds
def land(feed: str, area: str | None) -> int:
    from pipeline.orchestration import tasks

    return tasks.land(feed, this_month(), area)


@task
def stage(feed: str, area: str | None) -> list[str]:
    from pipeline.orchestration import tasks

    return tasks.stage(feed, this_month(), area)


@task
def validate(feed: str, area: str | None) -> None:
    from pipeline.orchestration import tasks

    tasks.validate(feed, this_month(), area)


@task(pool=POOL, trigger_rule=TriggerRule.ALL_DONE)
def load(feed: str, area: str | None) -> int:
    from pipeline.orchestration import tasks

    return tasks.load(feed, this_month(), area)


@task(pool=POOL, trigger_rule=TriggerRule.ALL_DONE)
def build_measures(area: str | None) -> list[str]:
    from pipeline.orchestration import tasks

    return tasks.build(this_month(), area)


@task(pool=POOL, trigger_rule=TriggerRule.ALL_DONE)  # opens every area's warehouse
def places(codes: list) -> str | None:
    from pipeline.orchestration import tasks

    return tasks.places(this_month(), codes)


@task(pool=POOL, trigger_rule=TriggerRule.ALL_DONE)  # after the places page, whether or not it could be drawn
def render_report(area: str | None) -> str:
    from pipeline.orchestration import tasks

    return tasks.render(this_month(), area)


@task(pool=POOL, outlets=[MONTHLY_PACK])
def publish_pack(pdf: str, area: str | None, outlet_events=None) -> str:
    from pipeline.orchestration import tasks

    # what a follower DAG reads: the month, the area, and the PDF where every host can reach it
    outlet_events[MONTHLY_PACK].extra = {"period": this_month(), "area": area, "pdf": tasks.pdf_location(pdf, area)}
    tasks.publish(this_month(), pdf, area)
    return pdf


@task
def deliver_pack(pdf: str, area: str | None) -> bool:
    from pipeline.orchestration import tasks

    return tasks.deliver(this_month(), pdf, area=area)


@task(trigger_rule=TriggerRule.ALL_DONE)
def check_feeds(area: str | None) -> None:
    from pipeline.orchestration import tasks

    tasks.check_feeds(this_month(), area)


@dag(
    dag_id="send_monthly_board_pack",
    schedule=CronDataIntervalTimetable("0 6 1 * *", timezone="UTC"),
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    # Several months may run at once (a scheduled month waiting for its data must not hold up a
    # re-run of another); work on one month and feed is serialised in the warehouse itself.
    max_active_runs=4,
    params={"period": PERIOD, "areas": AREAS},
    doc_md=__doc__,
    tags=["send", "board-pack", "monthly"],
    # A lost worker is retried after a minute (stack.env: failed after 60 s without a heartbeat);
    # refused data fails at once (AirflowFailException), so retries never repeat a real failure.
    default_args={"retries": 2, "retry_delay": timedelta(minutes=1), "on_failure_callback": notify_failure},
)
def send_monthly_board_pack():
    @task_group
    def feed_steps(feed: str, area):
        waiting = [WaitForDelivery(task_id="wait", feed=feed, area=area)] if feed in WAITED else []
        chain(*waiting, land(feed, area), stage(feed, area), validate(feed, area), load(feed, area))

    # Each area of partnership/areas.yaml (one default area without it) is a map index of these
    # groups: its feeds, measures and pack are its own task instances, run side by side by the
    # workers, and one area's refused delivery fails that area's tasks alone.
    @task_group(prefix_group_id=False)
    def area_month(area):
        feeds = {feed: feed_steps.override(group_id=feed)(feed, area) for feed in FEEDS}
        feeds["reference"] >> feeds["workforce"]  # the training log's schools are checked against establishments.csv
        prepare_warehouse(area) >> list(feeds.values()) >> build_measures(area)

    @task_group(prefix_group_id=False)
    def area_pack(area):
        published = publish_pack(render_report(area), area)
        deliver_pack(published, area) >> check_feeds(area)

    codes = areas()
    month() >> codes
    area_month.expand(area=codes) >> places(codes) >> area_pack.expand(area=codes)


send_monthly_board_pack()
