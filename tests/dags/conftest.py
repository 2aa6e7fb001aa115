"""Fixtures for the DAG tests: the DagBag, a migrated Airflow metadata DB, a small inbox."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(ROOT / "dags"))


@pytest.fixture(scope="session")
def airflow_db():
    """A fresh Airflow SQLite metadata DB in the tests' AIRFLOW_HOME (``dag.test()`` needs it).

    Made anew each session: runs of an earlier version of a DAG file would leave two
    serialised versions of the DAG behind.
    """
    for name in ("airflow.db", "airflow.db-wal", "airflow.db-shm"):  # an interrupted run leaves the last two
        (Path(os.environ["AIRFLOW_HOME"]) / name).unlink(missing_ok=True)
    subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], check=True, capture_output=True)


@pytest.fixture(scope="session")
def dag_inbox(tmp_path_factory) -> Path:
    """A small synthetic inbox: two monthly snapshots (5 October and 5 November 2026)."""
    from pipeline.synthetic.inbox import write_inbox

    inbox = tmp_path_factory.mktemp("dag-inbox") / "inbox"
    write_inbox(inbox, scale=0.05, months=2, end_period="2026-10")
    return inbox
