"""Fixtures for the SQL model tests: the hand-worked scenario on DuckDB and PostgreSQL.

- ``scenario_engine``: the scenario with the measures of 2024-03 built once per engine;
  read only.
- ``shared_scenario``: the scenario, loaded once per engine, for tests that build periods
  (each test builds what it reads) but never change the sources.
- ``scenario_copy``: a fresh copy for tests that change the sources.

The session warehouses live in a DuckDB file and in a PostgreSQL schema of their own, so
that tests using the function-scoped ``warehouse_url`` (which resets ``public``) cannot
disturb them.
"""
from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from pipeline.warehouse import db, measures
from tests.sql import sen_scenario

PERIOD = "2024-03"
ENGINES = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]


def _session_url(request, tmp_path_factory, name: str) -> str:
    if request.param == "duckdb":
        return f"duckdb:///{tmp_path_factory.mktemp(name) / 'db.duckdb'}"
    base = sa.engine.make_url(request.getfixturevalue("postgres_url"))
    schema = f"{name}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"create schema {schema}")
    admin.dispose()
    return base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


@pytest.fixture(scope="session", params=ENGINES)
def scenario_engine(request, tmp_path_factory):
    """A warehouse holding the scenario and the measures of 2024-03 (read only)."""
    engine = db.get_engine(_session_url(request, tmp_path_factory, "scenario"))
    sen_scenario.load_scenario(engine)
    measures.build_measures(engine, PERIOD)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session", params=ENGINES)
def shared_scenario(request, tmp_path_factory):
    """A warehouse holding the scenario, for tests that build but do not change sources."""
    engine = db.get_engine(_session_url(request, tmp_path_factory, "shared"))
    sen_scenario.load_scenario(engine)
    yield engine
    engine.dispose()


@pytest.fixture()
def engine(warehouse_url):
    """A fresh, empty warehouse on each engine, disposed after the test."""
    engine = db.get_engine(warehouse_url)
    yield engine
    engine.dispose()


@pytest.fixture()
def scenario_copy(engine):
    """A fresh warehouse holding the scenario (no measures built yet), for tests that write."""
    sen_scenario.load_scenario(engine)
    return engine
