"""The README's commands end to end, as a user types them (``python -m pipeline ...``).

``synthetic`` writes an inbox, ``run`` builds the measures CSV of 2026-10 on DuckDB (the
default) and on PostgreSQL (``--warehouse-url``); the two engines must agree, a second run
must write the same bytes, a bad period is a usage error (exit 2) and a refused feed is
exit 1 with a one-line reason, after the CSV is written from the good data kept.
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.orchestration.cli import main
from tests.e2e.conftest import (MEASURE_HEADER, PERIOD, Launched, clone_data, copy_inbox, run_cli,
                                set_cell)


def _rows(path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _number(text: str) -> float | None:
    return None if text == "" else float(text)


def _close(a: str, b: str) -> bool:
    x, y = _number(a), _number(b)
    if x is None or y is None:
        return x is y
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)


def _check_run(run) -> None:
    done = run.result()
    assert done.returncode == 0, done.describe()
    assert f"measures: {run.measures_csv}" in done.stdout.splitlines()
    report = run.data_dir / "validation" / PERIOD / "validation-report.md"
    assert f"validation report: {report}" in done.stdout.splitlines()
    assert report.is_file()


@pytest.mark.postgres
def test_postgres_gives_the_same_measures_as_duckdb(cli_postgres_run, cli_duckdb_run):
    _check_run(cli_postgres_run)
    _check_run(cli_duckdb_run)
    on_postgres, on_duckdb = _rows(cli_postgres_run.measures_csv), _rows(cli_duckdb_run.measures_csv)
    assert cli_postgres_run.measures_csv.read_text(encoding="utf-8").splitlines()[0] == MEASURE_HEADER
    assert [(r["measure_id"], r["period"], r["breakdown"], r["unit"]) for r in on_postgres] == \
        [(r["measure_id"], r["period"], r["breakdown"], r["unit"]) for r in on_duckdb]
    different = [(p["measure_id"], p["breakdown"], column, p[column], d[column])
                 for p, d in zip(on_postgres, on_duckdb) for column in ("numerator", "denominator", "value")
                 if not _close(p[column], d[column])]
    assert different == []
    assert not (cli_postgres_run.data_dir / "warehouse.duckdb").exists()  # the URL was used


def test_run_writes_the_measures_csv(cli_duckdb_run):
    _check_run(cli_duckdb_run)
    text = cli_duckdb_run.measures_csv.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == MEASURE_HEADER
    rows = _rows(cli_duckdb_run.measures_csv)
    assert len(rows) > 20 and {r["period"] for r in rows} == {PERIOD}
    keys = [(r["measure_id"], r["breakdown"]) for r in rows]
    assert len(set(keys)) == len(keys)
    assert any(r["breakdown"] == "all" for r in rows)
    assert all(r["unit"] for r in rows)
    for row in rows:
        for column in ("numerator", "denominator", "value"):
            value = _number(row[column])
            assert value is None or math.isfinite(value), row
    assert not text.endswith("\n\n") and "\r" not in text


def test_bad_period_is_a_usage_error(small_inbox, tmp_path):
    data = tmp_path / "data"
    done = run_cli("run", "--period", "2026-13", "--inbox", small_inbox, "--data-dir", data, timeout=120)
    assert done.returncode == 2, done.describe()
    error = [line for line in done.stderr.splitlines() if line.strip()]
    assert error and "2026-13" in error[-1] and "YYYY-MM" in error[-1], done.describe()
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert not data.exists()  # nothing was landed or written


@pytest.mark.parametrize("period", ["2026-00", "26-10", "2026-1", "October", ""])
def test_other_bad_periods_are_usage_errors(period, small_inbox, tmp_path, capsys, logging_kept):
    data = tmp_path / "data"
    assert main(["run", "--period", period, "--inbox", str(small_inbox), "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err
    assert f"'{period}'" in err and "YYYY-MM" in err
    assert not data.exists()


def test_missing_inbox_is_a_usage_error(tmp_path, capsys, logging_kept):
    assert main(["run", "--period", PERIOD, "--inbox", str(tmp_path / "nowhere"),
                 "--data-dir", str(tmp_path / "data")]) == 2
    assert "nowhere" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()


@dataclass
class Reruns:
    """What the first DuckDB run left, and two more runs started side by side after it:
    the same command again, and (CSV only, ``--no-render``) a copy of its data folder given
    a broken therapies file."""

    first_csv: bytes
    manifests: dict
    again: Launched
    refused_data: Path
    refused: Launched


@pytest.fixture(scope="module")
def reruns(cli_duckdb_run, tmp_path_factory):
    _check_run(cli_duckdb_run)
    first = cli_duckdb_run.measures_csv.read_bytes()
    manifests = {p: p.read_bytes() for p in (cli_duckdb_run.data_dir / "raw").glob("*/manifest.csv")}
    root = tmp_path_factory.mktemp("refused")
    data = clone_data(cli_duckdb_run.data_dir, root / "data")
    (data / "packs" / PERIOD / f"measures-{PERIOD}.csv").unlink()  # it must be written again
    inbox = copy_inbox(cli_duckdb_run.inbox, root / "inbox")
    set_cell(inbox / "therapies" / "therapy_referrals_05-11-2026.csv", "service", "DIET", row=0)
    runs = Reruns(first, manifests,
                  Launched("run", "--period", PERIOD, "--inbox", cli_duckdb_run.inbox,
                           "--data-dir", cli_duckdb_run.data_dir),
                  data, Launched("run", "--period", PERIOD, "--inbox", inbox, "--data-dir", data, "--no-render"))
    yield runs
    runs.again.stop()
    runs.refused.stop()


def test_second_run_writes_the_same_bytes(cli_duckdb_run, reruns):
    again = reruns.again.result()

    assert again.returncode == 0, again.describe()
    assert cli_duckdb_run.measures_csv.read_bytes() == reruns.first_csv
    assert {p: p.read_bytes() for p in reruns.manifests} == reruns.manifests  # nothing landed again


def test_refused_feed_exits_1_with_a_one_line_reason_after_writing_the_csv(reruns):
    done = reruns.refused.result()

    assert done.returncode == 1, done.describe()
    reasons = [line for line in done.stderr.splitlines() if line.startswith("refused")]
    assert len(reasons) == 1, done.describe()
    reason = reasons[0]
    assert "therapies" in reason and "2026-11-05" in reason and "council_send" not in reason
    assert done.stderr.rstrip("\n").splitlines()[-1] == reason  # the last word, on one line
    csv_path = reruns.refused_data / "packs" / PERIOD / f"measures-{PERIOD}.csv"
    assert csv_path.read_bytes() == reruns.first_csv  # written, from the good data kept
    assert f"measures: {csv_path}" in done.stdout.splitlines()
