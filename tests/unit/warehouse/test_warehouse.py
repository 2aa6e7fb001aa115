"""pipeline.warehouse.db: schema, fast atomic replacement of rows, reading back.

Every test runs on a DuckDB file and on PostgreSQL (``warehouse_url``).
"""
from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from pipeline.warehouse import db

ASSESSMENT = "src_council_send__assessment"


@pytest.fixture()
def engine(warehouse_url):
    engine = db.get_engine(warehouse_url)
    db.ensure_schema(engine)
    yield engine
    engine.dispose()


def _rows(engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql))]


def test_ensure_schema_is_idempotent(engine):
    files = db.ensure_schema(engine)
    assert "measures.sql" in files and "measure_snapshots.sql" in files
    tables = {t for t in sa.inspect(engine).get_table_names()}
    assert {"measures", "measure_snapshots", ASSESSMENT, "src_school_census__census"} <= tables
    db.replace_rows(engine, "measures", pd.DataFrame({"measure_id": ["x"], "period": ["p"],
                                                             "breakdown": ["all"], "unit": ["count"]}), {})
    db.ensure_schema(engine)
    assert _rows(engine, "select count(*) from measures") == [(1,)]


def test_replace_rows_matches_columns_by_name_and_fills_where(engine):
    frame = pd.DataFrame({
        "WEEK20": [True, None],  # upper case and out of order
        "assessmentoutcomedate": [date(2024, 1, 2), None],
        "assessmenttableid": [1, 2],
        "requeststableid": [10.0, np.nan],  # float with NaN into bigint
    })
    assert db.replace_rows(engine, ASSESSMENT, frame, {"extract_date": date(2024, 2, 1)}) == 2
    assert _rows(engine, f"select extract_date, assessmenttableid, requeststableid, assessmentoutcomedate, week20 "
                         f"from {ASSESSMENT} order by assessmenttableid") == [
        (date(2024, 2, 1), 1, 10, date(2024, 1, 2), True),
        (date(2024, 2, 1), 2, None, None, None),
    ]


def test_replace_rows_replaces_only_the_matching_delivery(engine):
    one = pd.DataFrame({"assessmenttableid": [1, 2]})
    db.replace_rows(engine, ASSESSMENT, one, {"extract_date": date(2024, 1, 1)})
    db.replace_rows(engine, ASSESSMENT, one, {"extract_date": date(2024, 2, 1)})
    db.replace_rows(engine, ASSESSMENT, pd.DataFrame({"assessmenttableid": [3]}), {"extract_date": date(2024, 2, 1)})
    assert _rows(engine, f"select extract_date, assessmenttableid from {ASSESSMENT} order by 1, 2") == [
        (date(2024, 1, 1), 1), (date(2024, 1, 1), 2), (date(2024, 2, 1), 3),
    ]
    db.replace_rows(engine, ASSESSMENT, one.iloc[0:0], {"extract_date": date(2024, 1, 1)})
    assert _rows(engine, f"select count(*) from {ASSESSMENT}") == [(1,)]


def test_where_none_and_empty_where(engine):
    table = "ref_community_health_waits"  # no key: org_code may be empty (England's row)
    frame = pd.DataFrame({"period": ["2024-01"] * 2, "org_type": ["trust", "national"], "org_code": ["RXL", None],
                          "org_name": ["a", "England"], "service": ["SLT"] * 2, "total_waiting": [5.0, 6.0]})
    db.replace_rows(engine, table, frame, {})
    england = pd.DataFrame({"period": ["2024-02"], "org_type": ["national"], "org_name": ["England"],
                            "service": ["SLT"], "total_waiting": [7.0]})
    db.replace_rows(engine, table, england, {"org_code": None})
    assert _rows(engine, f"select org_code, total_waiting from {table} order by total_waiting") == [
        ("RXL", 5.0), (None, 7.0)]
    db.replace_rows(engine, table, frame.iloc[:1], {})
    assert _rows(engine, f"select org_code, total_waiting from {table}") == [("RXL", 5.0)]


def test_types_and_awkward_text_survive(engine):
    frame = pd.DataFrame({
        "sen2tableid": [1, 2],
        "lea": ['8,9"0', "line\nbreak"],
        "referencedate": pd.to_datetime(["2024-01-02", "2024-01-03"]),
        "datetime": pd.to_datetime(["2024-01-02 03:04:05", "2024-01-03 00:00:00"]),
    })
    db.replace_rows(engine, "src_council_send__sen2", frame, {"extract_date": date(2024, 2, 1)})
    assert _rows(engine, "select lea, referencedate, datetime from src_council_send__sen2 order by sen2tableid") == [
        ('8,9"0', date(2024, 1, 2), datetime(2024, 1, 2, 3, 4, 5)),
        ("line\nbreak", date(2024, 1, 3), datetime(2024, 1, 3)),
    ]


def test_copy_in_several_chunks(engine, monkeypatch):
    monkeypatch.setattr(db, "_COPY_CHUNK_ROWS", 3)
    frame = pd.DataFrame({"assessmenttableid": range(10), "assessmentoutcome": ["Y"] * 10})
    db.replace_rows(engine, ASSESSMENT, frame, {"extract_date": date(2024, 1, 1)})
    assert _rows(engine, f"select count(*), sum(assessmenttableid) from {ASSESSMENT}") == [(10, 45)]


def test_unknown_column_is_refused_and_nothing_changes(engine):
    db.replace_rows(engine, ASSESSMENT, pd.DataFrame({"assessmenttableid": [1]}), {"extract_date": date(2024, 1, 1)})
    with pytest.raises(db.WarehouseError, match="bogus"):
        db.replace_rows(engine, ASSESSMENT, pd.DataFrame({"bogus": [1]}), {"extract_date": date(2024, 1, 1)})
    with pytest.raises(db.WarehouseError, match="does not exist"):
        db.replace_rows(engine, "no_such_table", pd.DataFrame({"a": [1]}), {})
    with pytest.raises(db.WarehouseError, match="plain lowercase identifier"):
        db.replace_rows(engine, "measures; drop table measures", pd.DataFrame(), {})
    assert _rows(engine, f"select count(*) from {ASSESSMENT}") == [(1,)]


def test_replace_delivery_is_one_transaction(engine):
    where = {"extract_date": date(2024, 4, 5)}
    good = {
        "src_council_send__sen2": pd.DataFrame({"sen2tableid": [1], "lea": ["890"]}),
        ASSESSMENT: pd.DataFrame({"assessmenttableid": [1]}),
    }
    assert db.replace_delivery(engine, good, where) == {"src_council_send__sen2": 1, ASSESSMENT: 1}
    bad = {
        "src_council_send__sen2": pd.DataFrame({"sen2tableid": [2], "lea": ["999"]}),
        ASSESSMENT: pd.DataFrame({"assessmenttableid": ["not a number"]}),
    }
    with pytest.raises(db.WarehouseError, match="Could not load 1 rows into src_council_send__assessment"):
        db.replace_delivery(engine, bad, where)
    assert _rows(engine, "select lea from src_council_send__sen2") == [("890",)]
    assert _rows(engine, f"select assessmenttableid from {ASSESSMENT}") == [(1,)]


def test_replace_rows_uses_the_callers_transaction(engine):
    with engine.connect() as conn:
        with conn.begin() as transaction:
            db.replace_rows(conn, ASSESSMENT, pd.DataFrame({"extract_date": [date(2024, 1, 1)],
                                                            "assessmenttableid": [1]}), {})
            assert conn.execute(sa.text(f"select count(*) from {ASSESSMENT}")).scalar() == 1
            transaction.rollback()
    assert _rows(engine, f"select count(*) from {ASSESSMENT}") == [(0,)]


def test_table_columns_in_table_order(engine):
    columns = db.table_columns(engine, "measures")
    assert list(columns) == ["measure_id", "period", "breakdown", "numerator", "denominator", "value", "unit"]
    assert columns["numerator"] in ("double", "double precision")
    with engine.connect() as conn:
        assert list(db.table_columns(conn, "measure_snapshots")) == ["period", "feed", "extract_date", "is_stale"]


def test_read_sql_frame(engine):
    db.replace_rows(engine, ASSESSMENT, pd.DataFrame({"extract_date": [date(2024, 1, 1)] * 2,
                                                      "assessmenttableid": [1, 2]}), {})
    frame = db.read_sql_frame(engine, f"select assessmenttableid from {ASSESSMENT} where assessmenttableid > :n",
                                     {"n": 1})
    assert list(frame.columns) == ["assessmenttableid"] and frame["assessmenttableid"].tolist() == [2]


def test_one_statement_a_file(tmp_path):
    path = tmp_path / "two.sql"
    path.write_text("-- a comment; with a semicolon\nselect 1;\nselect 2;\n")
    with pytest.raises(db.WarehouseError, match="more than one statement"):
        db.read_statement(path)
    path.write_text("-- fine; really\nselect 1;\n")
    assert db.read_statement(path).endswith("select 1")
