"""The production stack, started with `make up` on a free port, databases and a Redis database of its own.

The tests drive it only as its users do: the REST API, the airflow CLI, and the files a
person touches (the inbox, the packs folder). `make down` stops it afterwards and the
test databases are dropped. It needs the machine's PostgreSQL and Redis on 127.0.0.1
(as on CI); without them the tests skip, unless CI is set.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ADMIN_URL = os.environ.get("SEND_STACK_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_DB = "11"  # a database of its own on the machine's Redis
MONTHLY = "send_monthly_board_pack"
STOCKTAKE = "send_quarterly_stocktake"
TERMINAL = {"success", "failed"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _services_up() -> str | None:
    for port, name in ((5432, "PostgreSQL"), (6379, "Redis")):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        except OSError:
            return f"{name} is not listening on 127.0.0.1:{port}"
    return None


def _psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


class Stack:
    """A running stack and a REST client for it."""

    def __init__(self, env: dict[str, str], data: Path) -> None:
        self.env, self.data = env, data
        self.url = f"http://127.0.0.1:{env['SEND_STACK_API_PORT']}"
        self._token: str | None = None

    @property
    def home(self) -> Path:
        return self.data / "stack"

    def make(self, target: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(["make", "--no-print-directory", target], cwd=ROOT, env=self.env,
                                capture_output=True, text=True, timeout=600)
        if check and result.returncode:
            raise AssertionError(f"make {target} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def make_airflow(self, args: str) -> subprocess.CompletedProcess:
        """`make airflow ARGS='...'`, as the README tells an engineer."""
        return subprocess.run(["make", "--no-print-directory", "airflow", f"ARGS={args}"], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=300)

    def airflow(self, *args: str) -> subprocess.CompletedProcess:
        """The airflow CLI, with the stack's own environment (as `make up` wrote it)."""
        from pipeline.orchestration.stack import StackConfig, load_secrets, stack_env

        config = StackConfig.from_env(self.env)
        env = stack_env(config, load_secrets(config))
        env.update({k: v for k, v in self.env.items() if k.startswith("AIRFLOW_CONN_")})
        return subprocess.run([sys.executable, "-m", "airflow", *args], env=env, capture_output=True, text=True,
                              timeout=300)

    def warehouse_url(self) -> str:
        """A libpq URL of the stack's warehouse (for psql)."""
        admin = self.env["SEND_STACK_PG_ADMIN_URL"].rsplit("/", 1)[0]
        return f"{admin}/{self.env['SEND_STACK_WAREHOUSE_DB']}"

    def token(self) -> str:
        if self._token is None:
            password = json.loads((self.home / "airflow" / "simple_auth_manager_passwords.json").read_text())["admin"]
            answer = self.request("POST", "/auth/token", {"username": "admin", "password": password}, auth=False)
            self._token = answer["access_token"]
        return self._token

    def request(self, method: str, path: str, body: dict | None = None, auth: bool = True) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if auth:
            request.add_header("Authorization", f"Bearer {self.token()}")
        with urllib.request.urlopen(request, timeout=60) as response:
            text = response.read()
        return json.loads(text) if text else {}

    def status_of(self, method: str, path: str, auth: bool = False) -> int:
        try:
            self.request(method, path, auth=auth)
        except urllib.error.HTTPError as exc:
            return exc.code
        return 200

    def runs(self, dag_id: str = MONTHLY) -> list[dict]:
        return self.request("GET", f"/api/v2/dags/{dag_id}/dagRuns?limit=100")["dag_runs"]

    def task_states(self, run_id: str, dag_id: str = MONTHLY) -> dict[str, str]:
        answer = self.request("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances?limit=100")
        return {t["task_id"]: t["state"] for t in answer["task_instances"]}

    def task_instances(self, run_id: str, dag_id: str = MONTHLY) -> list[dict]:
        return self.request("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances?limit=100")["task_instances"]

    def wait_for_run(self, run_id: str, dag_id: str = MONTHLY, timeout: float = 600) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run = self.request("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}")
            if run["state"] in TERMINAL:
                return run
            time.sleep(2)
        raise AssertionError(f"{dag_id} {run_id} did not finish in {timeout:.0f} s: {self.task_states(run_id, dag_id)}")

    def trigger(self, conf: dict | None = None, dag_id: str = MONTHLY) -> str:
        body = {"logical_date": None, "conf": conf or {}}
        return self.request("POST", f"/api/v2/dags/{dag_id}/dagRuns", body)["dag_run_id"]


@pytest.fixture(scope="session")
def smtp_server():
    from tests.smtp import start_smtp_server

    server = start_smtp_server()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def stack(tmp_path_factory, smtp_server):
    missing = _services_up()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the stack tests need the machine's services: {missing}")
        pytest.skip(missing)
    from pipeline.synthetic.inbox import write_inbox

    data = tmp_path_factory.mktemp("stack") / "data"
    write_inbox(data / "inbox", scale=0.05, months=2, end_period="2026-10")
    tag = f"send_stack_test_{os.getpid()}"
    smtp = {"conn_type": "smtp", "host": "127.0.0.1", "port": smtp_server.server_address[1],
            "extra": {"disable_ssl": True, "disable_tls": True, "from_email": "send-board-pack@example.org"}}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "SEND_"))}
    env.update({
        "SEND_DATA_DIR": str(data), "DATA": str(data), "SEND_STACK_API_PORT": str(_free_port()),
        "SEND_STACK_AIRFLOW_DB": f"{tag}_airflow", "SEND_STACK_WAREHOUSE_DB": f"{tag}_warehouse",
        "SEND_STACK_DB_ROLE": tag, "SEND_STACK_REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "SEND_STACK_PG_ADMIN_URL": ADMIN_URL, "SEND_PACK_RECIPIENTS": "board.secretary@example.org",
        "SEND_INBOX_POLL_SECONDS": "5", "AIRFLOW_CONN_SMTP_DEFAULT": json.dumps(smtp),
    })
    subprocess.run(["redis-cli", "-n", REDIS_DB, "flushdb"], capture_output=True)
    running = Stack(env, data)
    started = time.monotonic()
    try:
        running.make("up")
        running.up_seconds = time.monotonic() - started
        yield running
    finally:
        running.make("down", check=False)
        for name in ("airflow", "warehouse"):
            _psql(f"drop database if exists {tag}_{name} with (force)")
        _psql(f"drop role if exists {tag}")
        subprocess.run(["redis-cli", "-n", REDIS_DB, "flushdb"], capture_output=True)
        shutil.rmtree(data / "stack" / "logs", ignore_errors=True)
