"""The DAG files parse, follow the house rules and schedule the right month."""
from __future__ import annotations

import ast
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from tests.dags.conftest import ROOT

MONTHLY = "send_monthly_board_pack"
DAG_FILES = sorted((ROOT / "dags").glob("*.py"))
ALLOWED_TOP_LEVEL = {"__future__", "datetime", "pendulum", "airflow.sdk"}
WAREHOUSE_TASKS = {"prepare_warehouse", "build_measures", "places", "render_report", "publish_pack"}


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert MONTHLY in dagbag.dags


def test_every_dag_is_documented_tagged_retried_and_never_catches_up(dagbag):
    for dag in dagbag.dags.values():
        assert dag.doc_md and dag.doc_md.strip().startswith("###"), dag.dag_id
        assert dag.tags, dag.dag_id
        assert dag.catchup is False, dag.dag_id
        for task in dag.tasks:
            assert task.retries >= 1 and task.retry_delay.total_seconds() >= 60, task.task_id
            assert task.on_failure_callback, task.task_id


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_dag_files_import_only_light_modules_at_the_top(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Import):
            names = {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names = {node.module}
        else:
            continue
        assert names <= ALLOWED_TOP_LEVEL, f"{path.name} imports {names} at the top"


def test_parsing_the_dag_file_imports_neither_the_pipeline_nor_heavy_libraries():
    code = ("import runpy, sys; runpy.run_path(sys.argv[1]); "
            "print('heavy:', *[m for m in ('pipeline', 'great_expectations', 'weasyprint', 'pandas', 'duckdb') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code, str(ROOT / "dags" / f"{MONTHLY}.py")],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "heavy:"


def test_monthly_dag_has_a_task_group_a_feed_in_order(dagbag):
    from pipeline.feeds.contracts import FEEDS

    dag = dagbag.dags[MONTHLY]

    def upstream(task_id: str) -> set[str]:  # besides `areas`, which every mapped task reads its area from
        return dag.get_task(task_id).upstream_task_ids - {"areas"}

    for feed in FEEDS:
        waited = feed in ("council_send", "therapies", "nccis")  # dated monthly snapshots wait for the month's
        first = f"{feed}.wait" if waited else f"{feed}.land"
        after_reference = {"reference.load"} if feed == "workforce" else set()  # URNs checked against establishments
        assert upstream(first) == {"prepare_warehouse"} | after_reference
        if waited:
            assert upstream(f"{feed}.land") == {f"{feed}.wait"}
        for before, after in (("land", "stage"), ("stage", "validate"), ("validate", "load")):
            assert upstream(f"{feed}.{after}") == {f"{feed}.{before}"}
    assert dag.get_task("areas").upstream_task_ids == {"month"}
    assert upstream("prepare_warehouse") == set()
    assert upstream("build_measures") == {f"{feed}.load" for feed in FEEDS}
    assert upstream("places") == {"build_measures"}  # every area's measures before any pack: the places page
    assert upstream("render_report") == {"places"}
    assert upstream("publish_pack") == {"render_report"}
    assert upstream("deliver_pack") == {"publish_pack"}
    assert upstream("check_feeds") == {"deliver_pack"}


def test_each_area_is_a_map_index_of_its_feeds_measures_and_pack(dagbag):
    dag = dagbag.dags[MONTHLY]
    run_wide = {"month", "areas", "places"}
    for task in dag.tasks:
        group = task.task_group
        while group is not None and group.group_id not in ("area_month", "area_pack"):
            group = group.parent_group
        assert (group is not None) == (task.task_id not in run_wide), task.task_id


def test_a_refused_feed_still_gives_a_pack_and_a_failed_run(dagbag):
    dag = dagbag.dags[MONTHLY]
    loads = tuple(t.task_id for t in dag.tasks if t.task_id.endswith(".load"))
    for task_id in ("build_measures", "check_feeds") + loads:
        assert dag.get_task(task_id).trigger_rule == "all_done", task_id
    assert dag.get_task("check_feeds").downstream_task_ids == set()  # the leaf that sets the run's state


def test_warehouse_tasks_share_one_pool(dagbag):
    dag = dagbag.dags[MONTHLY]
    writers = {t.task_id for t in dag.tasks if t.task_id.endswith((".land", ".load"))} | WAREHOUSE_TASKS
    assert {t.task_id for t in dag.tasks if t.pool == "send_warehouse"} == writers


def test_publishing_emits_the_monthly_pack_asset(dagbag):
    outlets = dagbag.dags[MONTHLY].get_task("publish_pack").outlets
    assert [o.name for o in outlets] == ["send_monthly_board_pack"]


def test_the_report_month_is_the_data_interval_not_the_clock(dagbag):
    from airflow.timetables.interval import CronDataIntervalTimetable

    dag = dagbag.dags[MONTHLY]
    assert type(dag.timetable).__name__ == "CronDataIntervalTimetable"
    timetable = CronDataIntervalTimetable("0 6 1 * *", timezone="UTC")
    interval = timetable.infer_manual_data_interval(run_after=datetime(2026, 11, 1, 6, tzinfo=timezone.utc))
    assert (interval.start.isoformat(), interval.end.isoformat()) == (
        "2026-10-01T06:00:00+00:00", "2026-11-01T06:00:00+00:00")


def test_a_run_without_a_data_interval_is_refused_with_what_to_do():
    from airflow.sdk.exceptions import AirflowFailException

    from pipeline.orchestration.tasks import period_of

    assert period_of(datetime(2026, 10, 1, 6, tzinfo=timezone.utc)) == "2026-10"
    with pytest.raises(AirflowFailException, match='"period": "YYYY-MM"'):
        period_of(None)


def test_the_month_comes_from_the_period_param_never_a_guessed_date():
    from airflow.sdk.exceptions import AirflowFailException

    from pipeline.orchestration.tasks import month_of

    six = datetime(2026, 11, 1, 6, tzinfo=timezone.utc)
    midnight = datetime(2026, 11, 1, 0, tzinfo=timezone.utc)
    october = datetime(2026, 10, 1, 6, tzinfo=timezone.utc)
    assert month_of({"period": "2026-07"}, "manual", october, six) == "2026-07"  # the param wins
    assert month_of({"period": None}, "scheduled", october, six) == "2026-10"
    assert month_of({}, "backfill", october, six) == "2026-10"
    assert month_of({}, "manual", october, six) == "2026-10"  # a scheduled date (airflow dags test)
    with pytest.raises(AirflowFailException, match="not a scheduled one"):
        month_of({}, "manual", datetime(2026, 9, 1, 6, tzinfo=timezone.utc), midnight)
    with pytest.raises(AirflowFailException, match='"period": "YYYY-MM"'):
        month_of({}, "manual", None, None)
    with pytest.raises(AirflowFailException, match="not a month"):
        month_of({"period": "2026-13"}, "manual", None, None)


def test_the_dag_files_lists_match_the_pipelines():
    """The DAG file keeps its own copies (it may not import the pipeline at parse time): they must agree."""
    import runpy

    from pipeline.feeds.contracts import FEEDS
    from pipeline.orchestration.waiting import WAITED_FEEDS

    names = runpy.run_path(str(ROOT / "dags" / f"{MONTHLY}.py"))
    assert names["FEEDS"] == FEEDS and names["WAITED"] == WAITED_FEEDS
