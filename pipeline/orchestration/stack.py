"""The production stack on this machine, as processes: ``make up``, ``make down``, ``make status``.

``up`` runs what ``docker-compose.yml`` runs, on the machine's own PostgreSQL and Redis:
Airflow's api-server (127.0.0.1 only), scheduler, dag-processor, triggerer and Celery
worker(s), with the CeleryExecutor, Redis as the broker, and PostgreSQL holding Airflow's
metadata database and, separately, the warehouse. Settings shared with compose come from
``stack.env``; this module adds what is host-specific (loopback addresses, folders) and the
secrets, generated once into ``<stack>/secrets.env`` (mode 0600) and kept across restarts.

Every process is started in a session of its own; its PID is written to
``<stack>/pids/<name>.pid`` and its output to ``<stack>/logs/<name>.log``. ``down`` stops
exactly those process groups, nothing else. Nothing listens on any address but 127.0.0.1:
the worker and the triggerer run with ``--skip-serve-logs`` (their log servers would bind
every interface, and cannot be told otherwise); the api-server reads task logs from the
shared log folder instead.

Usage: ``python -m pipeline.orchestration.stack up|down|status`` (the Makefile's targets).
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED_SETTINGS = ROOT / "stack.env"
COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer", "worker")
POOL = "send_warehouse"
ADMIN = "admin"


class StackError(RuntimeError):
    """The stack cannot start; the message says what to do."""


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=value`` lines (comments and blank lines skipped), as compose's env_file reads them."""
    values = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise StackError(f"{path}, line {number}: expected KEY=value, found {line!r}")
        values[key.strip()] = value.strip()
    return values


@dataclass(frozen=True)
class StackConfig:
    """Where the stack lives and which services it uses (environment variables, then defaults)."""

    home: Path  # airflow home, logs, pids, secrets
    data_dir: Path  # SEND_DATA_DIR: inbox, raw, staged, packs
    api_port: int
    pg_admin_url: str  # a superuser connection that may create roles and databases
    pg_host: str
    pg_port: int
    airflow_db: str
    warehouse_db: str
    role: str
    redis_url: str
    workers: int

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> StackConfig:
        env = dict(os.environ if env is None else env)
        data = Path(env.get("SEND_DATA_DIR") or ROOT / "data").resolve()
        return cls(
            home=Path(env.get("SEND_STACK_DIR") or data / "stack").resolve(),
            data_dir=data,
            api_port=int(env.get("SEND_STACK_API_PORT", "8080")),
            pg_admin_url=env.get("SEND_STACK_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
            pg_host=env.get("SEND_STACK_PG_HOST", "127.0.0.1"),
            pg_port=int(env.get("SEND_STACK_PG_PORT", "5432")),
            airflow_db=env.get("SEND_STACK_AIRFLOW_DB", "send_airflow"),
            warehouse_db=env.get("SEND_STACK_WAREHOUSE_DB", "send_warehouse"),
            role=env.get("SEND_STACK_DB_ROLE", "send_pipeline"),
            redis_url=env.get("SEND_STACK_REDIS_URL", "redis://127.0.0.1:6379/0"),
            workers=int(env.get("SEND_STACK_WORKERS", "1")),
        )

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def pid_dir(self) -> Path:
        return self.home / "pids"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def airflow_home(self) -> Path:
        return self.home / "airflow"

    @property
    def secrets_file(self) -> Path:
        return self.home / "secrets.env"

    @property
    def passwords_file(self) -> Path:
        return self.airflow_home / "simple_auth_manager_passwords.json"

    def db_url(self, database: str, password: str, driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://{self.role}:{password}@{self.pg_host}:{self.pg_port}/{database}"


def load_secrets(config: StackConfig) -> dict[str, str]:
    """The stack's secrets, generated on first use and kept (0600) so restarts keep them."""
    from cryptography.fernet import Fernet

    path = config.secrets_file
    existing = read_env_file(path) if path.is_file() else {}
    wanted = {
        "AIRFLOW__CORE__FERNET_KEY": lambda: Fernet.generate_key().decode(),
        "AIRFLOW__API_AUTH__JWT_SECRET": lambda: secrets.token_urlsafe(64),  # 86 characters, 64 bytes of entropy
        "SEND_STACK_DB_PASSWORD": lambda: secrets.token_urlsafe(24),
        "SEND_STACK_ADMIN_PASSWORD": lambda: secrets.token_urlsafe(16),
        "SEND_PSEUDONYMISATION_KEY": lambda: os.environ.get("SEND_PSEUDONYMISATION_KEY") or secrets.token_urlsafe(48),
    }
    values = {key: existing.get(key) or make() for key, make in wanted.items()}
    if values != existing:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "# Generated by `make up` once; keep it, and back it up: the pseudonymisation key links records.\n"
        text += "".join(f"{k}={v}\n" for k, v in values.items())
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    return values


def stack_env(config: StackConfig, secret: dict[str, str]) -> dict[str, str]:
    """The environment every component runs with: the machine's, stack.env, then host-specific values."""
    password = secret["SEND_STACK_DB_PASSWORD"]
    env = dict(os.environ)
    env.update(read_env_file(SHARED_SETTINGS))
    env.update({
        "AIRFLOW_HOME": str(config.airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": config.db_url(config.airflow_db, password),
        "AIRFLOW__CELERY__BROKER_URL": config.redis_url,
        "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + config.db_url(config.airflow_db, password),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(config.api_port),
        "AIRFLOW__API__BASE_URL": config.api_url,
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{config.api_url}/execution/",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(config.passwords_file),
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(config.log_dir / "tasks"),
        "AIRFLOW__CORE__FERNET_KEY": secret["AIRFLOW__CORE__FERNET_KEY"],
        "AIRFLOW__API_AUTH__JWT_SECRET": secret["AIRFLOW__API_AUTH__JWT_SECRET"],
        "SEND_PSEUDONYMISATION_KEY": secret["SEND_PSEUDONYMISATION_KEY"],
        "SEND_DATA_DIR": str(config.data_dir),
        "SEND_WAREHOUSE_URL": config.db_url(config.warehouse_db, password),
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
    })
    return env


def _listening(port: int) -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return False
    return True


def ensure_services() -> list[str]:
    """Start the machine's own PostgreSQL and Redis (Debian's) when they are installed but not listening.

    They normally run already (on this kind of machine and on CI); this only brings back a
    service that was stopped. Returns what it started; raises :class:`StackError` when a
    service is down and cannot be started here.
    """
    import shutil

    started = []
    starters = {
        5432: ("PostgreSQL", ["sh", "-c", "pg_lsclusters -h | awk '{print $1, $2}' | while read v c; do "
                                          "pg_ctlcluster \"$v\" \"$c\" start; done"], "pg_ctlcluster"),
        6379: ("Redis", ["redis-server", "/etc/redis/redis.conf", "--save", "", "--appendonly", "no",
                         "--daemonize", "yes"], "redis-server"),
    }
    for port, (name, cmd, program) in starters.items():
        if _listening(port):
            continue
        if not shutil.which(program) or os.geteuid() != 0:
            raise StackError(f"{name} is not listening on 127.0.0.1:{port}; start it (this needs {program} and root)")
        subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        deadline = time.monotonic() + 30
        while not _listening(port) and time.monotonic() < deadline:
            time.sleep(0.5)
        if not _listening(port):
            raise StackError(f"{name} did not start on 127.0.0.1:{port}: try `{' '.join(cmd)}` by hand")
        started.append(name)
    return started


def ensure_databases(config: StackConfig, password: str) -> None:
    """Create (or update) the role and the two databases; safe to run every time."""
    import psycopg
    from psycopg import sql

    try:
        conn = psycopg.connect(config.pg_admin_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        raise StackError(f"PostgreSQL is not reachable at {config.pg_admin_url} ({exc}). Start it, or set "
                         "SEND_STACK_PG_ADMIN_URL to a superuser connection.") from exc
    with conn:
        role = sql.Identifier(config.role)
        exists = conn.execute("select 1 from pg_roles where rolname = %s", [config.role]).fetchone()
        verb = sql.SQL("alter") if exists else sql.SQL("create")
        conn.execute(sql.SQL("{} role {} login password {}").format(verb, role, sql.Literal(password)))
        for database in (config.airflow_db, config.warehouse_db):
            if not conn.execute("select 1 from pg_database where datname = %s", [database]).fetchone():
                conn.execute(sql.SQL("create database {} owner {}").format(sql.Identifier(database), role))


def _pid_file(config: StackConfig, name: str) -> Path:
    return config.pid_dir / f"{name}.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid)


def _state(pid: int) -> str:
    try:
        fields = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return ""
    return next((line.split(":", 1)[1].strip().lower() for line in fields if line.startswith("State:")), "")


def running(config: StackConfig) -> dict[str, int | None]:
    """Each component's PID when its process is alive, else None."""
    out: dict[str, int | None] = {}
    for path in sorted(config.pid_dir.glob("*.pid")) if config.pid_dir.is_dir() else []:
        pid = int(path.read_text().strip() or 0)
        out[path.stem] = pid if pid and _alive(pid) else None
    return out


def _airflow(*args: str) -> list[str]:
    return [sys.executable, "-m", "airflow", *args]


def commands(config: StackConfig) -> dict[str, list[str]]:
    """The command line of each process ``up`` starts."""
    cmds = {
        "api-server": _airflow("api-server", "--host", "127.0.0.1", "--port", str(config.api_port)),
        "scheduler": _airflow("scheduler", "--skip-serve-logs"),
        "dag-processor": _airflow("dag-processor"),
        "triggerer": _airflow("triggerer", "--skip-serve-logs"),
    }
    for n in range(1, config.workers + 1):
        name = "worker" if n == 1 else f"worker-{n}"
        cmds[name] = _airflow("celery", "worker", "--skip-serve-logs", "--without-gossip", "--without-mingle",
                              "--celery-hostname", f"{name}@%h")
    return cmds


def worker_env(env: dict[str, str], name: str) -> dict[str, str]:
    """A component's environment: a worker may have a data folder of its own (``SEND_STACK_WORKER_DATA_DIRS``).

    ``SEND_STACK_WORKER_DATA_DIRS`` (comma-separated, one folder a worker in order) stands in
    for workers on several hosts, each with its own disk: tasks then hand files over through
    ``SEND_HANDOVER_URL`` (``pipeline.orchestration.handover``), and the inbox stays the one
    ``SEND_INBOX_DIR`` (default ``<SEND_DATA_DIR>/inbox``) that the triggerer watches.
    """
    folders = [f.strip() for f in env.get("SEND_STACK_WORKER_DATA_DIRS", "").split(",") if f.strip()]
    if not name.startswith("worker") or not folders:
        return env
    number = 1 if name == "worker" else int(name.rsplit("-", 1)[1])
    if number > len(folders):
        return env
    return {**env, "SEND_DATA_DIR": folders[number - 1],
            "SEND_INBOX_DIR": env.get("SEND_INBOX_DIR") or str(Path(env["SEND_DATA_DIR"]) / "inbox")}


def start_process(config: StackConfig, name: str, cmd: list[str], env: dict[str, str]) -> int:
    """Start one component in its own session; its PID goes to ``pids/<name>.pid``."""
    config.log_dir.mkdir(parents=True, exist_ok=True)
    config.pid_dir.mkdir(parents=True, exist_ok=True)
    with (config.log_dir / f"{name}.log").open("ab") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, cwd=config.home)
    _pid_file(config, name).write_text(str(proc.pid))
    return proc.pid


def stop_process(config: StackConfig, name: str, timeout: float = 30.0, sig: int = signal.SIGTERM) -> bool:
    """Stop one component's process group (TERM, then KILL after ``timeout``); True when it was running."""
    path = _pid_file(config, name)
    if not path.is_file():
        return False
    pid = int(path.read_text().strip() or 0)
    was_running = bool(pid) and _alive(pid)
    if was_running:
        _signal_group(pid, sig)
        deadline = time.monotonic() + timeout
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(pid):
            _signal_group(pid, signal.SIGKILL)
        _reap(pid)
    path.unlink(missing_ok=True)
    return was_running


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)  # the process started its own session: its group id is its pid
    except ProcessLookupError:
        pass


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def health(config: StackConfig, timeout: float = 3.0) -> dict | None:
    """The api-server's ``/api/v2/monitor/health`` answer, or None when it does not answer."""
    try:
        with urllib.request.urlopen(f"{config.api_url}/api/v2/monitor/health", timeout=timeout) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _patient_health(config: StackConfig, tries: int = 3) -> dict | None:
    """``health`` asked up to ``tries`` times, 10 s each: a busy api-server on two cores can take seconds."""
    for attempt in range(tries):
        answer = health(config, timeout=10.0)
        if answer is not None:
            return answer
        if attempt + 1 < tries:
            time.sleep(2)
    return None


def _healthy(answer: dict | None) -> bool:
    return bool(answer) and all(answer.get(part, {}).get("status") == "healthy"
                                for part in ("metadatabase", "scheduler", "triggerer", "dag_processor"))


def _run(cmd: list[str], env: dict[str, str], what: str, log: Path) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"$ {' '.join(cmd[2:])}\n{result.stdout}{result.stderr}\n")
    if result.returncode:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise StackError(f"{what} failed (exit {result.returncode}); see {log}: " + " | ".join(tail))


def up(config: StackConfig, wait: float = 180.0) -> dict[str, int]:
    """Start the stack (what is already running is left alone); returns each component's PID."""
    already = {name: pid for name, pid in running(config).items() if pid}
    if already and set(commands(config)) <= set(already):
        print(f"the stack is already running ({len(already)} processes); `make status` says more")
        return already
    ensure_services()
    secret = load_secrets(config)
    ensure_databases(config, secret["SEND_STACK_DB_PASSWORD"])
    config.airflow_home.mkdir(parents=True, exist_ok=True)
    for folder in ("inbox", "raw", "packs"):
        (config.data_dir / folder).mkdir(parents=True, exist_ok=True)
    config.passwords_file.write_text(json.dumps({ADMIN: secret["SEND_STACK_ADMIN_PASSWORD"]}))
    config.passwords_file.chmod(0o600)
    env = stack_env(config, secret)
    setup_log = config.log_dir / "setup.log"
    _run(_airflow("db", "migrate"), env, "airflow db migrate", setup_log)
    slots = env.get("SEND_WAREHOUSE_POOL_SLOTS", "4")
    _run(_airflow("pools", "set", POOL, slots, "warehouse writers (PostgreSQL: several; one month and feed at a time)"),
         env, "creating the pool", setup_log)
    pids = dict(already)
    for name, cmd in commands(config).items():
        if name not in pids:
            pids[name] = start_process(config, name, cmd, worker_env(env, name))
    deadline = time.monotonic() + wait
    while not _healthy(health(config)):
        dead = [name for name, pid in running(config).items() if not pid]
        if dead:
            raise StackError(f"{', '.join(dead)} stopped while starting: see {config.log_dir}/<name>.log")
        if time.monotonic() > deadline:
            raise StackError(f"the stack did not become healthy within {wait:.0f} s: {health(config)}; "
                             f"see {config.log_dir}")
        time.sleep(1)
    return pids


def down(config: StackConfig) -> list[str]:
    """Stop every process ``up`` started (by PID file); returns the names that were running."""
    order = ["worker", *sorted(n for n in running(config) if n.startswith("worker-")), "triggerer", "scheduler",
             "dag-processor", "api-server"]
    names = [n for n in order if _pid_file(config, n).is_file()]
    names += [p.stem for p in config.pid_dir.glob("*.pid") if p.stem not in names] if config.pid_dir.is_dir() else []
    return [name for name in names if stop_process(config, name)]


def status(config: StackConfig) -> str:
    """What runs, in words, and the api-server's health."""
    pids = running(config)
    if not pids:
        return f"the stack is not running (no PID files in {config.pid_dir}); start it with `make up`"
    lines = [f"{name:<14} {'running, pid ' + str(pid) if pid else 'NOT running (stale PID file)'}"
             for name, pid in pids.items()]
    answer = _patient_health(config)
    if answer is None:
        lines.append(f"api            no answer at {config.api_url}")
    else:
        parts = {k: v.get("status") for k, v in answer.items() if isinstance(v, dict)}
        lines.append(f"health         {', '.join(f'{k} {v}' for k, v in parts.items())}")
        lines.append(f"UI and API     {config.api_url} (user {ADMIN}; password in {config.passwords_file})")
    return "\n".join(lines)


def airflow_cli(config: StackConfig, args: list[str]) -> int:
    """Run the airflow command line with the stack's settings and secrets (``make airflow ARGS='...'``)."""
    return subprocess.run(_airflow(*args), env=stack_env(config, load_secrets(config))).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.orchestration.stack", description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=("up", "down", "status", "services", "airflow"))
    parser.add_argument("args", nargs=argparse.REMAINDER, help="with airflow: the airflow command's arguments")
    args = parser.parse_args(argv)
    config = StackConfig.from_env()
    if args.action == "airflow":
        return airflow_cli(config, args.args)
    try:
        if args.action == "up":
            started = time.monotonic()
            pids = up(config)
            print(f"the stack is up in {time.monotonic() - started:.0f} s: {', '.join(pids)}")
            print(f"UI and REST API: {config.api_url}  user: {ADMIN}  password: in {config.passwords_file}")
            print(f"feeds go into {config.data_dir / 'inbox'}/<feed>/; packs appear in {config.data_dir / 'packs'}")
            print(f"logs: {config.log_dir}; stop it with `make down`")
        elif args.action == "services":
            started = ensure_services()
            print(f"started {', '.join(started)}" if started else "PostgreSQL and Redis are listening on 127.0.0.1")
        elif args.action == "down":
            stopped = down(config)
            print(f"stopped {', '.join(stopped)}" if stopped else "nothing was running")
        else:
            print(status(config))
    except StackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
