"""Shared fixtures and helpers for the end-to-end tests.

- ``small_inbox``: a small synthetic inbox (scale 0.05, two monthly snapshots dated
  2026-10-05 and 2026-11-05), written once a session by ``python -m pipeline synthetic``;
  read only.
- ``cli_duckdb_run`` / ``cli_postgres_run``: ``python -m pipeline run`` of 2026-10 on that
  inbox with the default DuckDB warehouse and with ``--warehouse-url`` on PostgreSQL;
  ``cli_validate_broken``: ``python -m pipeline validate`` on a broken therapies inbox.
  These commands are started (when a selected test needs them) as the baseline begins to
  load, so they use the second core; ``.result()`` waits for one.
- ``baseline``: that inbox landed and loaded into a DuckDB warehouse by ``run_period`` for
  2026-09 and then 2026-10 (so both snapshots of each dated feed are in place), with every
  log record captured at DEBUG and a fingerprint of the warehouse taken; read only.
  Tests that write take a copy with :func:`clone_data`.

Helpers corrupt one file of an inbox (``edit_csv`` / ``set_cell``) and fingerprint a
warehouse (``warehouse_state``) so a test can say "nothing changed".
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import logging
import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from pipeline.config import Settings

PERIOD = "2026-10"  # PE 2026-10-31: the snapshot of 2026-11-05 is the period's
EARLIER_PERIOD = "2026-09"  # PE 2026-09-30: the snapshot of 2026-10-05
CASELOAD = "nccis/ccis_caseload_05-11-2026.csv"
SYNTHETIC_ARGS = {"scale": 0.05, "months": 2, "end_period": "2026-10", "seed": 20251}
MEASURE_HEADER = "measure_id,period,breakdown,numerator,denominator,value,unit"


def pseudonymisation_key() -> bytes:
    """The key the tests run with (``tests/conftest.py`` sets it for the session)."""
    return os.environ["SEND_PSEUDONYMISATION_KEY"].encode("utf-8")


def duckdb_url(data_dir: Path) -> str:
    return f"duckdb:///{data_dir / 'warehouse.duckdb'}"


def settings_for(data_dir: Path, url: str | None = None) -> Settings:
    """Settings writing under ``data_dir`` (DuckDB warehouse inside it unless ``url``)."""
    return Settings(data_dir=data_dir, warehouse_url=url or duckdb_url(data_dir),
                    pseudonymisation_key=pseudonymisation_key())


def run_case(period: str, inbox: Path, settings: Settings, **options):
    """``run_period`` without rendering the highlight report PDF (the cases check the
    deliveries, the warehouse and the measures CSV; the baseline renders it once)."""
    import inspect

    from pipeline.orchestration.run import run_period

    if "render" in inspect.signature(run_period).parameters:
        options.setdefault("render", False)
    return run_period(period, inbox, settings, **options)


# --------------------------------------------------------------------------- logging


class RecordingHandler(logging.Handler):
    """Keeps every formatted log line it sees."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is still text we must see
            message = f"{record.msg} {record.args}"
        text = f"{record.name} {record.levelname} {message}"
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.lines.append(text)


class capture_logs:
    """Context manager: every log record of every logger at DEBUG, kept as text."""

    def __enter__(self) -> RecordingHandler:
        self.root = logging.getLogger()
        self.level = self.root.level
        self.handler = RecordingHandler()
        self.root.addHandler(self.handler)
        self.root.setLevel(logging.DEBUG)
        return self.handler

    def __exit__(self, *exc) -> None:
        self.root.removeHandler(self.handler)
        self.root.setLevel(self.level)


@pytest.fixture()
def logging_kept():
    """``pipeline.orchestration.cli.main`` configures logging for a terminal; put the test process's back."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in ("great_expectations", "duckdb_engine")}
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


# --------------------------------------------------------------------------- warehouse


def table_names(engine: sa.Engine) -> list[str]:
    """Every base table of the warehouse's current schema."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "select table_name from information_schema.tables "
            "where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name"))
        return [r[0] for r in rows]


def read_table(engine: sa.Engine, table: str) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(sa.text(f"select * from {table}"))
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _cell(value) -> str:
    if value is None:
        return "<null>"
    if isinstance(value, float):
        return repr(value) if value == value else "<nan>"
    return str(value)


def fingerprint(rows: list[tuple]) -> tuple[int, str]:
    """Row count and a hash of the rows, independent of row order."""
    lines = sorted("\x1f".join(_cell(v) for v in row) for row in rows)
    return len(rows), hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def warehouse_state(url: str) -> dict[str, tuple[int, str]]:
    """Table -> (rows, hash) for every table of the warehouse."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: fingerprint(conn.execute(sa.text(f"select * from {t}")).fetchall())
                    for t in table_names(engine)}
    finally:
        engine.dispose()


def query(url: str, sql: str, **params) -> pd.DataFrame:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            result = conn.execute(sa.text(sql), params)
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- editing deliveries


def read_csv_file(path: Path) -> tuple[list[str], list[list[str]], dict]:
    """Header, rows and how the file was written (encoding, BOM, line end)."""
    raw = path.read_bytes()
    bom = raw.startswith(codecs.BOM_UTF8)
    try:
        text, encoding = raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = raw.decode("cp1252"), "cp1252"
    newline = "\r\n" if "\r\n" in text else "\n"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:], {"encoding": encoding, "bom": bom, "newline": newline}


def write_csv_file(path: Path, header: list[str], rows: list[list[str]], *, encoding: str = "utf-8",
                   bom: bool = False, newline: str = "\n") -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows([header, *rows])
    data = out.getvalue().encode(encoding)
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + data)


def edit_csv(path: Path, edit) -> None:
    """Rewrite ``path`` after ``edit(header, rows)`` changed them in place; same encoding."""
    header, rows, how = read_csv_file(path)
    edit(header, rows)
    write_csv_file(path, header, rows, **how)


def column_index(header: list[str], name: str) -> int:
    return [h.strip().lower() for h in header].index(name.lower())


def set_cell(path: Path, column: str, value: str, row: int | None = None, where=None) -> int:
    """Set ``column`` of one data row (index ``row``, or the first for which ``where(cells)``
    holds, ``cells`` mapping lower-case column names to text); returns its file line number."""
    chosen = {}

    def edit(header, rows):
        names = [h.strip().lower() for h in header]
        index = row
        if index is None:
            index = next(i for i, r in enumerate(rows) if where(dict(zip(names, r))))
        rows[index][column_index(header, column)] = value
        chosen["line"] = index + 2

    edit_csv(path, edit)
    return chosen["line"]


def cells(path: Path) -> list[dict[str, str]]:
    """The rows of a delivered file as dicts keyed by lower-case column names."""
    header, rows, _ = read_csv_file(path)
    names = [h.strip().lower() for h in header]
    return [dict(zip(names, r)) for r in rows]


def copy_inbox(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def clone_data(source: Path, target: Path) -> Path:
    """A writable copy of a data folder (raw area, manifests, warehouse, packs)."""
    shutil.copytree(source, target)
    return target


# --------------------------------------------------------------------------- the command line

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str

    def describe(self) -> str:
        return f"exit {self.returncode}\n--- stdout\n{self.stdout[-3000:]}\n--- stderr\n{self.stderr[-3000:]}"


def pipeline_command(*args: object) -> list[str]:
    """``python -m pipeline ARGS`` with this test run's interpreter."""
    return [sys.executable, "-m", "pipeline", *map(str, args)]


def run_cli(*args: object, timeout: float = 300) -> CliResult:
    """Run a command to the end; its exit status, stdout and stderr."""
    done = subprocess.run(pipeline_command(*args), cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    return CliResult(done.returncode, done.stdout, done.stderr)


class Launched:
    """A command started now and waited for when its result is first needed, so that two
    long runs (DuckDB and PostgreSQL) can use both cores."""

    def __init__(self, *args: object):
        self.args = args
        self.process = subprocess.Popen(pipeline_command(*args), cwd=ROOT, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._result: CliResult | None = None

    def result(self, timeout: float = 300) -> CliResult:
        if self._result is None:
            stdout, stderr = self.process.communicate(timeout=timeout)
            self._result = CliResult(self.process.returncode, stdout, stderr)
        return self._result

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


@dataclass
class CliRun:
    """``python -m pipeline run --period 2026-10`` on the command-line synthetic inbox."""

    inbox: Path
    data_dir: Path
    url: str
    launched: Launched

    def result(self) -> CliResult:
        return self.launched.result()

    @property
    def measures_csv(self) -> Path:
        return self.data_dir / "packs" / PERIOD / f"measures-{PERIOD}.csv"


# --------------------------------------------------------------------------- session fixtures


@pytest.fixture(scope="session")
def small_inbox(tmp_path_factory) -> Path:
    """A small valid synthetic inbox (read only), written by the README's first command,
    ``python -m pipeline synthetic``."""
    out = tmp_path_factory.mktemp("inbox") / "inbox"
    done = run_cli("synthetic", "--out", out, "--scale", SYNTHETIC_ARGS["scale"], "--months", SYNTHETIC_ARGS["months"],
                   "--end-period", SYNTHETIC_ARGS["end_period"], "--seed", SYNTHETIC_ARGS["seed"])
    assert done.returncode == 0, done.describe()
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*.csv"))
    assert len(names) == 27 + 4 + 3, names
    assert {"programme/tracker.csv", CASELOAD, "therapies/therapy_referrals_05-11-2026.csv"} <= set(names), names
    return out


@dataclass
class Baseline:
    """The small inbox loaded for 2026-09 and 2026-10 into a DuckDB warehouse."""

    inbox: Path
    data_dir: Path
    results: dict = field(default_factory=dict)  # period -> RunResult
    log_lines: list[str] = field(default_factory=list)
    state: dict = field(default_factory=dict)
    measures_csv: bytes = b""

    @property
    def url(self) -> str:
        return duckdb_url(self.data_dir)


def _start_command_line_runs(request) -> None:
    """Start the commands the selected tests will read, so they use the second core while
    this process loads the baseline."""
    wanted = {name for item in request.session.items for name in getattr(item, "fixturenames", ())}
    for name in ("cli_duckdb_run", "cli_postgres_run", "cli_validate_broken"):
        if name in wanted:
            try:
                request.getfixturevalue(name)
            except pytest.skip.Exception:  # PostgreSQL unreachable: its tests skip on their own
                pass


@pytest.fixture(scope="session")
def baseline(small_inbox, tmp_path_factory, request) -> Baseline:
    from pipeline.orchestration.run import run_period

    _start_command_line_runs(request)
    data_dir = tmp_path_factory.mktemp("baseline") / "data"
    base = Baseline(small_inbox, data_dir)
    with capture_logs() as handler:
        base.results[EARLIER_PERIOD] = run_case(EARLIER_PERIOD, small_inbox, settings_for(data_dir))
        base.results[PERIOD] = run_period(PERIOD, small_inbox, settings_for(data_dir))  # the whole pack
    base.log_lines = handler.lines
    for period, result in base.results.items():
        assert not result.refused, f"the synthetic inbox was refused for {period}: {result.reason()}"
    base.state = warehouse_state(base.url)
    base.measures_csv = base.results[PERIOD].measures_csv.read_bytes()
    return base


@pytest.fixture(scope="session")
def cli_duckdb_run(small_inbox, tmp_path_factory):
    """``python -m pipeline run --period 2026-10`` with the default DuckDB warehouse (started,
    not waited for: ``.result()`` waits)."""
    data = tmp_path_factory.mktemp("cli-duckdb") / "data"
    run = CliRun(small_inbox, data, duckdb_url(data),
                 Launched("run", "--period", PERIOD, "--inbox", small_inbox, "--data-dir", data))
    yield run
    run.launched.stop()


@pytest.fixture(scope="session")
def cli_postgres_run(small_inbox, postgres_url, tmp_path_factory):
    """The same run with ``--warehouse-url`` on PostgreSQL (a schema of its own; the CSV
    only, ``--no-render``)."""
    base = sa.engine.make_url(postgres_url)
    schema = f"e2e_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"create schema {schema}")
    admin.dispose()
    url = base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    data = tmp_path_factory.mktemp("cli-postgres") / "data"
    run = CliRun(small_inbox, data, url,
                 Launched("run", "--period", PERIOD, "--inbox", small_inbox, "--data-dir", data,
                          "--warehouse-url", url, "--no-render"))
    yield run
    run.launched.stop()


THERAPY_FILES = ("therapy_referrals_05-10-2026.csv", "therapy_referrals_05-11-2026.csv")
BAD_NHS_NUMBER = "9434765918"  # 943476591 needs check digit 9


def therapies_inbox(small_inbox: Path, root: Path) -> Path:
    """An inbox holding the two therapies snapshots of the small inbox only."""
    inbox = root / "inbox"
    (inbox / "therapies").mkdir(parents=True)
    for name in THERAPY_FILES:
        (inbox / "therapies" / name).write_bytes((small_inbox / "therapies" / name).read_bytes())
    return inbox


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@dataclass
class Validation:
    inbox: Path
    out: Path
    nhs_line: int
    before: list[str]
    launched: Launched


@pytest.fixture(scope="session")
def cli_validate_broken(small_inbox, tmp_path_factory):
    """``python -m pipeline validate --inbox ... --out ...`` on a therapies inbox whose
    2026-11-05 snapshot has an invalid NHS number and an impossible date (line 8), next to a
    file whose name fits no pattern."""
    root = tmp_path_factory.mktemp("validate")
    inbox = therapies_inbox(small_inbox, root)
    bad = inbox / "therapies" / THERAPY_FILES[1]
    line = set_cell(bad, "nhs_number", BAD_NHS_NUMBER, row=4)
    set_cell(bad, "referral_received_date", "31/02/2025", row=6)
    (inbox / "therapies" / "therapy referrals latest.csv").write_text("referral_id\n1\n", encoding="utf-8")
    run = Validation(inbox, root / "report", line, listing(inbox),
                     Launched("validate", "--inbox", inbox, "--out", root / "report"))
    yield run
    run.launched.stop()
