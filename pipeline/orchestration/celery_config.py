"""The Celery workers' configuration: Airflow's default, with the pipeline imported once a worker.

``stack.env`` sets ``AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS`` to :data:`CELERY_CONFIG`.  Airflow
imports this module in a Celery worker before it starts taking tasks; each task then runs in
a process forked from that worker, so it starts with pandas, SQLAlchemy, DuckDB, Great
Expectations and WeasyPrint already imported instead of importing them again (about 3 s a
task, most of a small task's time; at 153 areas, thousands of tasks).  Other Airflow
processes (the scheduler reads this too) import nothing more.
"""
from __future__ import annotations

import logging
import sys
import time

from airflow.providers.celery.executors.default_celery import DEFAULT_CELERY_CONFIG

CELERY_CONFIG = dict(DEFAULT_CELERY_CONFIG)
WARM = ("pandas", "sqlalchemy", "duckdb", "duckdb_engine", "pyarrow.parquet", "great_expectations", "weasyprint",
        "pipeline.orchestration.tasks", "pipeline.orchestration.places", "pipeline.feeds.validate",
        "pipeline.reports.highlight.report")


def warm() -> float:
    """Import what the tasks use; returns the seconds it took."""
    import importlib

    started = time.perf_counter()
    for name in WARM:
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - a task will say it properly; a worker must still start
            logging.getLogger(__name__).warning("worker warm-up: cannot import %s: %s", name, exc)
    return time.perf_counter() - started


if "worker" in sys.argv and "celery" in " ".join(sys.argv):
    logging.getLogger(__name__).info("worker warm-up: imported the pipeline in %.1f s", warm())
