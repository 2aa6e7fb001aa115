"""Areas kept apart in the warehouse: a schema an area on PostgreSQL, a DuckDB file an area otherwise.

Two areas are built into one warehouse; each area's tables hold its own rows only, and an
area's measures are exactly those of the same area built alone.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from pipeline.areas import AreasError, load_areas
from pipeline.config import load_settings
from pipeline.orchestration.run import run_period

PERIOD = "2026-10"
AREAS_YAML = """areas:
  - {code: "890", name: Blackpool}
  - {code: "876", name: Halton, inbox: elsewhere/halton}
"""


@pytest.fixture(scope="module")
def inboxes(tmp_path_factory):
    from pipeline.synthetic.inbox import write_inbox

    root = tmp_path_factory.mktemp("area-inboxes")
    write_inbox(root / "890", scale=0.05, months=1, end_period=PERIOD, la_code=890)
    write_inbox(root / "elsewhere" / "halton", scale=0.05, months=1, end_period=PERIOD, la_code=876, seed=7)
    (root / "areas.yaml").write_text(AREAS_YAML, encoding="utf-8")
    return root


def build(monkeypatch, inboxes, data, url, code):
    monkeypatch.setenv("SEND_AREAS_FILE", str(inboxes / "areas.yaml"))
    monkeypatch.setenv("SEND_INBOX_DIR", str(inboxes))
    settings = load_settings(data, url, area=code)
    result = run_period(PERIOD, settings.inbox_dir, settings, render=False)
    assert not result.refused
    return settings, result.measures_csv.read_text(encoding="utf-8")


def test_each_area_sees_only_its_own_rows(inboxes, warehouse_url, tmp_path, monkeypatch):
    built = {code: build(monkeypatch, inboxes, tmp_path / "data", warehouse_url, code) for code in ("890", "876")}
    for code, (settings, _) in built.items():
        assert settings.data_dir == tmp_path / "data" / "areas" / code
        engine = sa.create_engine(settings.warehouse_url)
        with engine.connect() as conn:
            leas = {str(v) for (v,) in conn.exec_driver_sql("select distinct lea from src_council_send__sen2")}
            if engine.dialect.name == "postgresql":
                assert conn.exec_driver_sql("select current_schema()").scalar() == f"area_{code}"
        engine.dispose()
        assert leas == {code}
    if warehouse_url.startswith("postgresql"):  # one database: the areas' tables are in their schemas, none in public
        engine = sa.create_engine(warehouse_url)
        with engine.connect() as conn:
            schemas = {s for (s,) in conn.exec_driver_sql(
                "select distinct table_schema from information_schema.tables where table_name = 'measures'")}
        engine.dispose()
        assert schemas == {"area_890", "area_876"}
    assert built["890"][1] != built["876"][1]
    fresh = _fresh(warehouse_url)
    try:
        _, alone = build(monkeypatch, inboxes, tmp_path / "alone", fresh, "890")
    finally:
        _drop(warehouse_url, fresh)
    assert alone == built["890"][1]


def _fresh(url: str) -> str:
    """Another empty warehouse of the same kind: DuckDB's is a file in the (new) data folder; PostgreSQL's a
    database."""
    if url.startswith("duckdb"):
        return url
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    name = sa.engine.make_url(url).database + "_alone"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'drop database if exists "{name}"')
        conn.exec_driver_sql(f'create database "{name}"')
    admin.dispose()
    return sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)


def _drop(url: str, fresh: str) -> None:
    if fresh == url:
        return
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'drop database if exists "{sa.engine.make_url(fresh).database}" with (force)')
    admin.dispose()


def test_an_areas_file_with_a_mistake_says_where(tmp_path):
    path = tmp_path / "areas.yaml"
    path.write_text('areas:\n  - {code: 890, name: Blackpool}\n  - {code: "890", name: Again}\n', encoding="utf-8")
    with pytest.raises(AreasError, match="listed twice"):
        load_areas(path)
    path.write_text('areas:\n  - {code: "89", name: Short}\n', encoding="utf-8")
    with pytest.raises(AreasError, match="area 1: code '89' is not a three-digit"):
        load_areas(path)
    path.write_text('lead: "111"\nareas:\n  - {code: "890", name: Blackpool}\n', encoding="utf-8")
    with pytest.raises(AreasError, match="lead area 111"):
        load_areas(path)


def test_without_an_areas_file_there_is_one_default_area(monkeypatch, tmp_path):
    from pipeline.areas import area_codes

    monkeypatch.delenv("SEND_AREAS_FILE", raising=False)
    monkeypatch.setattr("pipeline.areas.AREAS_PATH", tmp_path / "absent.yaml")
    assert area_codes() == [None]
    settings = load_settings(tmp_path)
    assert settings.area_code is None and settings.data_dir == tmp_path


def test_a_run_of_a_batch_of_areas(monkeypatch, tmp_path):
    from pipeline.orchestration import tasks

    path = tmp_path / "areas.yaml"
    path.write_text('areas:\n  - {code: "890", name: Blackpool}\n  - {code: "876", name: Halton}\n'
                    '  - {code: "889", name: Blackburn with Darwen}\n', encoding="utf-8")
    monkeypatch.setenv("SEND_AREAS_FILE", str(path))
    assert tasks.areas() == ["890", "876", "889"]
    assert tasks.areas(["889", "890"]) == ["890", "889"]  # the file's order
    from airflow.sdk.exceptions import AirflowFailException

    with pytest.raises(AirflowFailException, match="areas 999 are not in the areas file"):
        tasks.areas(["876", "999"])
    assert tasks.places("2026-10", ["876", "889"]) is None  # the lead's run draws the places page


def test_the_site_and_stocktake_follow_the_areas_whose_packs_were_published(monkeypatch, tmp_path):
    from types import SimpleNamespace

    from pipeline.orchestration import tasks

    path = tmp_path / "areas.yaml"
    path.write_text('packs: lead\nareas:\n  - {code: "890", name: Blackpool}\n  - {code: "876", name: Halton}\n',
                    encoding="utf-8")
    monkeypatch.setenv("SEND_AREAS_FILE", str(path))
    assert tasks.areas_with_packs() == ["890"]  # packs: lead
    events = {"send_monthly_board_pack": [SimpleNamespace(extra={"period": "2026-10", "area": "876"})]}
    assert tasks.areas_with_packs(events) == ["876"]
