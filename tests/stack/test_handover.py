"""Workers that do not share a disk: two Celery workers, each with a data folder of its own, hand
files to each other through SEND_HANDOVER_URL (Airflow's ObjectStoragePath over a shared volume).

Both workers take tasks of the same run, so a feed landed by one is staged, validated or
loaded by the other only if the hand-over works; the run must still give the pack, and the
asset event must say where any host finds its PDF.
"""
from __future__ import annotations

import os
import subprocess
import time

import pytest

from tests.stack.conftest import ADMIN_URL, Stack, _free_port, _psql, _services_up

pytestmark = [pytest.mark.stack, pytest.mark.slow]
REDIS_DB = "12"
PERIOD = "2026-10"


@pytest.fixture(scope="module")
def two_hosts(tmp_path_factory):
    missing = _services_up()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the stack tests need the machine's services: {missing}")
        pytest.skip(missing)
    from pipeline.synthetic.inbox import write_inbox

    root = tmp_path_factory.mktemp("two-hosts")
    write_inbox(root / "inbox", scale=0.05, months=2, end_period=PERIOD)
    tag = f"send_handover_test_{os.getpid()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "SEND_"))}
    env.update({
        "SEND_DATA_DIR": str(root / "scheduler-host"), "SEND_INBOX_DIR": str(root / "inbox"),
        "SEND_STACK_API_PORT": str(_free_port()),
        "SEND_STACK_AIRFLOW_DB": f"{tag}_airflow", "SEND_STACK_WAREHOUSE_DB": f"{tag}_warehouse",
        "SEND_STACK_DB_ROLE": tag, "SEND_STACK_REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "SEND_STACK_PG_ADMIN_URL": ADMIN_URL, "SEND_INBOX_POLL_SECONDS": "5",
        "SEND_STACK_WORKERS": "2",
        "SEND_STACK_WORKER_DATA_DIRS": f"{root / 'host-a'},{root / 'host-b'}",
        "SEND_HANDOVER_URL": f"file://{root / 'shared'}",
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": "1",  # one task at a time a worker: both are kept busy
    })
    subprocess.run(["redis-cli", "-n", REDIS_DB, "flushdb"], capture_output=True)
    running = Stack(env, root / "scheduler-host")
    try:
        running.make("up")
        run_id = running.trigger({"period": PERIOD})
        started = time.monotonic()
        run = running.wait_for_run(run_id, timeout=900)
        yield {"stack": running, "root": root, "run": run, "run_id": run_id, "seconds": time.monotonic() - started}
    finally:
        running.make("down", check=False)
        for name in ("airflow", "warehouse"):
            _psql(f"drop database if exists {tag}_{name} with (force)")
        _psql(f"drop role if exists {tag}")
        subprocess.run(["redis-cli", "-n", REDIS_DB, "flushdb"], capture_output=True)


def test_the_run_succeeds_with_tasks_on_both_workers(two_hosts):
    assert two_hosts["run"]["state"] == "success", two_hosts["stack"].task_states(two_hosts["run_id"])
    root = two_hosts["root"]
    for host in ("host-a", "host-b"):
        written = [p for p in (root / host).rglob("*") if p.is_file()]
        assert written, f"{host} ran no task"
    assert not [p for p in (root / "scheduler-host" / "raw").rglob("*") if p.is_file()]  # no worker runs there


def test_the_pack_is_in_the_shared_store_and_the_event_points_there(two_hosts):
    shared = two_hosts["root"] / "shared" / "default"
    pdf = shared / "packs" / PERIOD / f"SEND-highlight-report-{PERIOD}.pdf"
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    assert (shared / "packs" / "manifest.json").is_file()
    assert sorted(p.name for p in (shared / "raw").iterdir()) == sorted(
        ["council_send", "nccis", "programme", "reference", "school_census", "therapies", "workforce"])
    events = two_hosts["stack"].request("GET", "/api/v2/assets/events?limit=10")["asset_events"]
    extras = [e["extra"] for e in events if e["extra"].get("period") == PERIOD]
    assert extras and extras[0]["pdf"] == f"file://{pdf}"
