"""Every local area in England as the areas of one deployment, on the production stack.

``python -m pipeline.orchestration.national generate --root DIR`` writes a synthetic inbox
for each local authority DfE publishes EHC plan figures for (153 in 2025), each sized by
its own number of plans in force (Blackpool = 1), and an ``areas.yaml`` listing them;
``python -m pipeline.orchestration.national run --root DIR --workers N`` starts the stack
(``make up``: CeleryExecutor, PostgreSQL, Redis) with N Celery workers on a warehouse
database of its own, triggers the monthly DAG for the month, waits for it, and prints
as JSON what it measured: the run's wall time, how many task instances ran in what state,
each worker's peak memory (the worker and its task processes, sampled every half second),
the largest single task process, and the warehouse's size. Then it stops the stack.

Not a test; ``docs/scaling.md`` reports its figures.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

PERIOD = "2026-10"
MONTHLY = "send_monthly_board_pack"
FINISHED = ("success", "failed", "skipped", "upstream_failed")
PUBLISHED = Path(__file__).resolve().parents[2] / "reference" / "published"


def local_authorities() -> list[tuple[str, str, float]]:
    """(code, name, scale) of each LA with a published count of plans in force, Blackpool (890) = 1."""
    with (PUBLISHED / "geography.csv").open(encoding="utf-8") as handle:
        names = {r["la_code"]: r["area_name"] for r in csv.DictReader(handle)
                 if r["geographic_level"] == "Local authority"}
    with (PUBLISHED / "measures.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["measure_id"] == "ehcp_in_force"]
    plans = {}
    for row in rows:
        if row["breakdown"] == "all" and row["la_code"] in names:
            year = int(row["year"])
            if year >= plans.get(row["la_code"], (0, 0))[0] and row["value"]:
                plans[row["la_code"]] = (year, float(row["value"]))
    blackpool, latest = plans["890"][1], max(year for year, _ in plans.values())  # LAs since merged stop earlier
    return sorted((code, names[code], round(max(count / blackpool, 0.05), 3))
                  for code, (year, count) in plans.items() if year == latest)


def _write_one(job: tuple[str, str, float, str]) -> tuple[str, float]:
    from pipeline.synthetic.inbox import write_inbox

    code, _, scale, root = job
    started = time.perf_counter()
    write_inbox(Path(root) / "inbox" / code, scale=scale, months=1, end_period=PERIOD, la_code=int(code),
                seed=int(code))
    return code, time.perf_counter() - started


def generate(root: Path, processes: int = 2, limit: int | None = None, codes: list[str] | None = None) -> dict:
    """The inboxes and ``areas.yaml``; Blackpool (890) leads. ``codes``: only those LAs (a rehearsal)."""
    everyone = local_authorities()
    las = everyone[:limit] if limit else everyone
    if codes:
        las = [la for la in everyone if la[0] in set(codes) | {"890"}]
    elif limit and not any(code == "890" for code, _, _ in las):
        las = [la for la in everyone if la[0] == "890"] + las[:-1]
    started = time.perf_counter()
    with ProcessPoolExecutor(processes) as pool:
        list(pool.map(_write_one, [(c, n, s, str(root)) for c, n, s in las]))
    lines = ['lead: "890"', "packs: lead  # England's comparison: the lead's pack and the places page", "areas:"]
    lines += [f'  - {{code: "{c}", name: {json.dumps(n)}}}' for c, n, _ in las]
    (root / "areas.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"areas": len(las), "scale_total": round(sum(s for _, _, s in las), 1),
            "seconds": round(time.perf_counter() - started, 1)}


class Sampler(threading.Thread):
    """Peak memory of each worker's process tree (the worker and its task processes).

    The sum of the processes' resident sizes: pages a forked task shares with its warm worker
    are counted in each, so the figure is an upper bound of what the host needs.
    """

    def __init__(self, pids: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.pids, self.peaks, self.largest_task, self.stopped = pids, dict.fromkeys(pids, 0), 0, threading.Event()

    def run(self) -> None:
        import psutil

        while not self.stopped.is_set():
            for name, pid in self.pids.items():
                try:
                    root = psutil.Process(pid)
                    tree = [root] + root.children(recursive=True)
                except psutil.Error:
                    continue
                sizes = []
                for proc in tree:
                    try:
                        sizes.append(proc.memory_info().rss)
                    except psutil.Error:
                        pass
                self.peaks[name] = max(self.peaks[name], sum(sizes))
                self.largest_task = max([self.largest_task] + sizes[1:])
            time.sleep(0.5)


def batches(codes: list[str], size: int | None) -> list[list[str]]:
    """The areas in runs of ``size`` (all in one without it); the lead (first) is in the last run.

    The lead's run draws the places page, so it goes after every other area's month is built.
    """
    if not size or size >= len(codes):
        return [list(codes)]
    lead, rest = codes[0], list(codes[1:])
    runs = [rest[i:i + size] for i in range(0, len(rest), size)]
    if len(runs[-1]) < size:
        runs[-1].append(lead)
    else:
        runs.append([lead])
    return runs


def run(root: Path, workers: int, port: int = 8093, timeout: float = 4 * 3600, batch: int | None = None,
        in_flight: int = 2) -> dict:
    """One month of every area on the stack with ``workers`` Celery workers.

    With ``batch``, the areas go in runs of that many, ``in_flight`` runs at a time (the
    lead's run last, once every other run has finished). A month still going after
    ``timeout`` seconds is reported as far as it got (how many areas' measures were built) and
    the stack is stopped.
    """
    import sqlalchemy as sa

    from pipeline.areas import load_areas
    from pipeline.orchestration import stack

    tag = f"national{workers}"
    env = {"SEND_STACK_DIR": str(root / f"stack-{workers}"), "SEND_STACK_API_PORT": str(port),
           "SEND_STACK_AIRFLOW_DB": f"send_airflow_{tag}", "SEND_STACK_WAREHOUSE_DB": f"send_warehouse_{tag}",
           "SEND_STACK_WORKERS": str(workers), "SEND_AREAS_FILE": str(root / "areas.yaml"),
           "SEND_INBOX_DIR": str(root / "inbox"), "SEND_DATA_DIR": str(root / f"data-{workers}"),
           # the month asked for only: no scheduled run of the latest month beside it, no follower DAGs
           "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False", "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True"}
    os.environ.update(env)
    codes = [a.code for a in load_areas(root / "areas.yaml")]
    todo = batches(codes, batch)
    config = stack.StackConfig.from_env()
    _drop_databases(config, [f"send_airflow_{tag}", f"send_warehouse_{tag}"])
    stack.up(config)
    try:
        client = _Client(config)
        pids = {name: pid for name, pid in stack.running(config).items() if name.startswith("worker") and pid}
        _unpause(client, MONTHLY)
        sampler = Sampler(pids)
        sampler.start()
        started = time.monotonic()
        running: dict[str, float] = {}
        finished: dict[str, dict] = {}
        while time.monotonic() - started < timeout and (todo or running):
            # the lead's run (the places page) starts once every other run has finished
            if todo and len(running) < in_flight and not (codes[0] in todo[0] and running):
                conf = {"period": PERIOD, **({"areas": todo[0]} if batch else {})}
                run_id = client.request("POST", f"/api/v2/dags/{MONTHLY}/dagRuns",
                                        {"logical_date": None, "conf": conf})["dag_run_id"]
                running[run_id] = time.monotonic()
                print(f"{time.monotonic() - started:7.0f} s  {run_id}: {len(todo.pop(0))} areas", flush=True)
                continue
            for run_id in list(running):
                state = client.request("GET", f"/api/v2/dags/{MONTHLY}/dagRuns/{run_id}")["state"]
                if state in ("success", "failed"):
                    finished[run_id] = {"state": state, "seconds": round(time.monotonic() - running.pop(run_id), 1)}
                    print(f"{time.monotonic() - started:7.0f} s  {run_id}: {state}", flush=True)
            time.sleep(5)
        wall = time.monotonic() - started
        sampler.stopped.set()
        states: dict[str, int] = {}
        built = 0
        for run_id in [*finished, *running]:
            counts, measured = client.states(run_id)
            built += measured
            for state, count in counts.items():
                states[state] = states.get(state, 0) + count
        admin = sa.create_engine(config.pg_admin_url)
        with admin.connect() as conn:
            size = conn.exec_driver_sql(f"select pg_database_size('{config.warehouse_db}')").scalar()
        admin.dispose()
        return {"workers": workers, "areas": len(codes), "runs": len(finished) + len(running),
                "areas_a_run": batch or len(codes), "runs_in_flight": in_flight if batch else 1,
                "run_states": [r["state"] for r in finished.values()] + ["running"] * len(running),
                "slowest_run_seconds": max((r["seconds"] for r in finished.values()), default=None),
                "wall_seconds": round(wall, 1),
                "task_instances": sum(states.values()), "task_states": states,
                "areas_measured": built,
                "finished_task_instances_a_minute":
                    round(sum(n for s, n in states.items() if s in FINISHED) / wall * 60, 1),
                "worker_peak_mib": {n: round(b / 2**20) for n, b in sampler.peaks.items()},
                "largest_task_process_mib": round(sampler.largest_task / 2**20),
                "warehouse_mib": round(size / 2**20, 1)}
    finally:
        stack.down(config)


class _Client:
    def __init__(self, config) -> None:
        self.url, self.config, self.token = config.api_url, config, None

    def request(self, method: str, path: str, body: dict | None = None, auth: bool = True) -> dict:
        request = urllib.request.Request(self.url + path, data=json.dumps(body).encode() if body is not None else None,
                                         method=method, headers={"Content-Type": "application/json"})
        if auth:
            request.add_header("Authorization", f"Bearer {self._token()}")
        with urllib.request.urlopen(request, timeout=120) as response:
            text = response.read()
        return json.loads(text) if text else {}

    def _token(self) -> str:
        if self.token is None:
            password = json.loads(self.config.passwords_file.read_text())["admin"]
            self.token = self.request("POST", "/auth/token", {"username": "admin", "password": password},
                                      auth=False)["access_token"]
        return self.token

    def states(self, run_id: str) -> tuple[dict[str, int], int]:
        """How many task instances are in each state, and how many areas' measures were built."""
        counts: dict[str, int] = {}
        offset, built = 0, 0
        while True:
            page = self.request("GET", f"/api/v2/dags/{MONTHLY}/dagRuns/{run_id}/taskInstances"
                                       f"?limit=100&offset={offset}")["task_instances"]
            for ti in page:
                counts[str(ti["state"])] = counts.get(str(ti["state"]), 0) + 1
                built += ti["task_id"] == "build_measures" and ti["state"] == "success"
            offset += len(page)
            if len(page) < 100:
                return counts, built


def _unpause(client: _Client, dag_id: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            client.request("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})
            return
        except urllib.error.HTTPError:  # not parsed yet
            if time.monotonic() > deadline:
                raise
            time.sleep(3)


def _drop_databases(config, names: list[str]) -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(config.pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.exec_driver_sql(f'drop database if exists "{name}" with (force)')
    admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.orchestration.national", description=__doc__)
    parser.add_argument("command", choices=("generate", "run"))
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--limit", type=int, help="only the first N areas (a rehearsal)")
    parser.add_argument("--areas", help="only these LA codes, comma-separated (a rehearsal; 890 always)")
    parser.add_argument("--port", type=int, default=8093)
    parser.add_argument("--timeout", type=float, default=4 * 3600,
                        help="seconds to wait for the month before reporting how far it got")
    parser.add_argument("--batch", type=int, help="areas a DAG run (default: every area in one run)")
    parser.add_argument("--in-flight", type=int, default=2, help="with --batch: DAG runs at a time")
    args = parser.parse_args(argv)
    args.root.mkdir(parents=True, exist_ok=True)
    result = generate(args.root, limit=args.limit, codes=args.areas and args.areas.split(",")) \
        if args.command == "generate" else run(args.root, args.workers, args.port, args.timeout, args.batch,
                                               args.in_flight)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
