"""Preparing for adulthood and the workforce: the boundaries one scenario cannot hold at once.

Each test builds a small warehouse of its own (``engine``: a fresh DuckDB file and a fresh
PostgreSQL schema) and checks numbers worked by hand from MEASURES.md and FEEDS.md
("nccis": EET, NEET, not known, academic age, custody; "Snapshots"; "workforce"):

- the 31 August switch: one caseload read for period 2024-08 (academic age on 31 August
  2023) and for 2024-09 (on 31 August 2024);
- snapshot choice: PE + 31 days is used and PE + 32 is not; with nothing in the window the
  newest snapshot before PE is used and marked stale in ``measure_snapshots``;
- no NCCIS snapshot: no rows of the three NCCIS measures; no training log: no
  ``senco_trained`` row; an area without mainstream schools: denominator 0, value blank.
"""
from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd
import pytest

from pipeline.warehouse import db, measures
from tests.sql.sen_scenario import frame

NCCIS_MEASURES = {"post16_eet", "post16_neet_nk", "post19_eet"}
CASELOAD_COLUMNS = "person_id birth_year_month sen_status activity_code currency_lapsed"


def _load_caseload(engine, extract_date: date, rows: list[tuple]) -> None:
    out = frame(CASELOAD_COLUMNS, rows)
    out["la_code"] = "890"
    out["currency_lapsed"] = out["currency_lapsed"].astype("boolean")
    db.replace_rows(engine, "src_nccis__caseload", out, {"extract_date": extract_date})


def _load_schools(engine, schools: list[tuple], training: list[tuple]) -> None:
    """schools: (urn, la_code, GIAS type); training: (record, urn, role, course, completed on)."""
    db.replace_rows(engine, "src_reference__establishments", frame("urn la_code type_of_establishment", schools), {})
    log = frame("record_id urn role course completed_on", [(r, u, ro, c, date.fromisoformat(d))
                                                            for r, u, ro, c, d in training])
    db.replace_rows(engine, "src_workforce__training", log, {})


def _rows(result) -> dict[tuple[str, str], tuple]:
    """(measure, breakdown) -> (numerator, denominator, value), NaN read as None."""
    def clean(v):
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else v
    return {(r.measure_id, r.breakdown): (clean(r.numerator), clean(r.denominator), clean(r.value))
            for r in result.rows.itertuples()}


def _pct(n: float, d: float) -> tuple:
    return (n, d, 100 * n / d if d else None)


def _assert_rows(got: dict, expected: dict) -> None:
    for key, (n, d, v) in expected.items():
        assert key in got, key
        gn, gd, gv = got[key]
        assert (gn, gd) == (n, d), (key, got[key], expected[key])
        assert (gv is None) if v is None else gv == pytest.approx(v), (key, got[key], expected[key])


def _snapshot(engine, period: str, feed: str) -> tuple[str | None, bool | None]:
    stored = measures.read_snapshots(engine, period).set_index("feed")
    extract_date, stale = stored.loc[feed, "extract_date"], stored.loc[feed, "is_stale"]
    return (None if pd.isna(extract_date) else str(extract_date)[:10],
            None if pd.isna(stale) else bool(stale))


# --------------------------------------------------------------------------- the 31 August switch
# One snapshot dated 30 September 2024: for 2024-08 (PE 31 Aug, window to 1 Oct) and for
# 2024-09 (dated on PE) alike. (person, birth, sen_status, code, lapsed)
SWITCH = [
    ("Y1", "2007-08", "EHCP", "210", False),  # Aug: 16, Sep: 17 (in both); EET
    ("Y2", "2006-08", "SEN_SUPPORT", "540", False),  # Aug: 17 (in), Sep: 18 (out); NEET
    ("Y3", "2008-08", "NO_SEN", "230", False),  # Aug: 15 (out), Sep: 16 (in); EET
    ("Y4", "2006-09", "EHCP", "810", False),  # Aug: 16, Sep: 17 (in both); not known
    ("Y5", "2005-08", "EHCP", "610", False),  # Aug: 18 (out of post19), Sep: 19 (in); NEET
    ("Y6", "2000-09", "EHCP", "230", False),  # Aug: 22, Sep: 23 (in both); EET
    ("Y7", "1999-08", "EHCP", "230", False),  # Aug: 24 (in), Sep: 25 (out); EET
]
SWITCH_EXPECTED = {
    "2024-08": {  # 16-17: Y1 Y2 Y4; 19-24 EHCP: Y6 Y7
        ("post16_eet", "all"): _pct(1, 3),
        ("post16_eet", "group=EHCP"): _pct(1, 2),
        ("post16_eet", "group=SEN_support"): _pct(0, 1),
        ("post16_eet", "group=no_SEN"): _pct(0, 0),
        ("post16_neet_nk", "all"): _pct(2, 3),
        ("post16_neet_nk", "group=EHCP"): _pct(1, 2),
        ("post16_neet_nk", "group=SEN_support"): _pct(1, 1),
        ("post16_neet_nk", "group=no_SEN"): _pct(0, 0),
        ("post19_eet", "all"): _pct(2, 2),
    },
    "2024-09": {  # 16-17: Y1 Y3 Y4; 19-24 EHCP: Y5 Y6
        ("post16_eet", "all"): _pct(2, 3),
        ("post16_eet", "group=EHCP"): _pct(1, 2),
        ("post16_eet", "group=SEN_support"): _pct(0, 0),
        ("post16_eet", "group=no_SEN"): _pct(1, 1),
        ("post16_neet_nk", "all"): _pct(1, 3),
        ("post16_neet_nk", "group=EHCP"): _pct(1, 2),
        ("post16_neet_nk", "group=SEN_support"): _pct(0, 0),
        ("post16_neet_nk", "group=no_SEN"): _pct(0, 1),
        ("post19_eet", "all"): _pct(1, 2),
    },
}


@pytest.mark.parametrize("period", sorted(SWITCH_EXPECTED))
def test_academic_age_switches_on_31_august(engine, period):
    db.ensure_schema(engine)
    _load_caseload(engine, date(2024, 9, 30), SWITCH)
    result = measures.build_measures(engine, period, la_code="890")
    got = _rows(result)
    assert {k for k in got if k[0] in NCCIS_MEASURES} == set(SWITCH_EXPECTED[period])
    _assert_rows(got, SWITCH_EXPECTED[period])
    assert _snapshot(engine, period, "nccis") == ("2024-09-30", False)


# --------------------------------------------------------------------------- snapshot choice
PE = date(2024, 3, 31)


def _cohort(size: int) -> list[tuple]:
    """``size`` EET 16-year-olds with an EHC plan: the denominator names the snapshot read."""
    return [(f"P{i}", "2007-01", "EHCP", "210", False) for i in range(size)]


@pytest.mark.parametrize(
    ("snapshots", "used", "stale"),
    [
        # PE + 31 (1 May) is in the window: used; PE + 32 is not
        ({PE + timedelta(days=31): 1, PE + timedelta(days=32): 2}, PE + timedelta(days=31), False),
        # dated exactly PE: used, not the earlier one
        ({PE: 1, PE - timedelta(days=1): 2}, PE, False),
        # none in the window: the newest before PE, marked stale; PE + 32 and an older one not read
        ({PE - timedelta(days=10): 1, PE - timedelta(days=40): 2, PE + timedelta(days=32): 3},
         PE - timedelta(days=10), True),
    ],
    ids=["pe-plus-31-used", "dated-pe-used", "stale-newest-before-pe"],
)
def test_nccis_snapshot_choice(engine, snapshots, used, stale):
    db.ensure_schema(engine)
    for extract_date, size in snapshots.items():
        _load_caseload(engine, extract_date, _cohort(size))
    result = measures.build_measures(engine, "2024-03", la_code="890")
    got = _rows(result)
    size = snapshots[used]
    _assert_rows(got, {("post16_eet", "all"): _pct(size, size), ("post16_eet", "group=EHCP"): _pct(size, size),
                       ("post16_neet_nk", "all"): _pct(0, size), ("post19_eet", "all"): _pct(0, 0)})
    assert _snapshot(engine, "2024-03", "nccis") == (used.isoformat(), stale)
    assert ("nccis" in result.stale_feeds) is stale


@pytest.mark.parametrize("later_only", [False, True], ids=["no-snapshot", "only-pe-plus-32"])
def test_no_nccis_snapshot_means_no_nccis_rows(engine, later_only):
    db.ensure_schema(engine)
    if later_only:  # a snapshot dated after the window is never read for the period
        _load_caseload(engine, PE + timedelta(days=32), _cohort(1))
    _load_schools(engine, [("300001", "890", "1")], [("W1", "300001", "SENCO", "GRADUATED_APPROACH", "2024-01-01")])
    result = measures.build_measures(engine, "2024-03", la_code="890")
    ids = set(result.rows["measure_id"])
    assert not ids & NCCIS_MEASURES
    assert "senco_trained" in ids  # the other feed's measure is still built
    assert "nccis" in result.missing_feeds
    assert _snapshot(engine, "2024-03", "nccis")[0] is None
    stored = measures.read_measures(engine, "2024-03")
    assert not set(stored["measure_id"]) & NCCIS_MEASURES


# --------------------------------------------------------------------------- senco_trained
def test_no_training_log_means_no_senco_trained_row(engine):
    db.ensure_schema(engine)
    _load_schools(engine, [("300001", "890", "1"), ("300002", "890", "28")], [])
    _load_caseload(engine, PE, _cohort(1))
    result = measures.build_measures(engine, "2024-03", la_code="890")
    ids = set(result.rows["measure_id"])
    assert "senco_trained" not in ids
    assert NCCIS_MEASURES <= ids
    assert "workforce" in result.missing_feeds


def test_area_without_mainstream_schools_has_blank_value(engine):
    db.ensure_schema(engine)
    schools = [
        ("300007", "890", "7"),  # LA maintained special
        ("300010", "890", "10"),  # independent special
        ("300011", "890", "11"),  # other independent
        ("300001", "999", "1"),  # a mainstream school of another LA
    ]
    training = [(f"W{i}", urn, "SENCO", "GRADUATED_APPROACH", "2023-09-01") for i, (urn, _, _) in enumerate(schools)]
    _load_schools(engine, schools, training)
    result = measures.build_measures(engine, "2024-03", la_code="890")
    _assert_rows(_rows(result), {("senco_trained", "all"): (0, 0, None)})
    row = result.rows[result.rows["measure_id"] == "senco_trained"]
    assert len(row) == 1 and math.isnan(row["value"].iloc[0])


def test_training_all_after_period_end_counts_no_school(engine):
    """The log runs on past PE: schools trained only later are in the denominator, not the numerator."""
    db.ensure_schema(engine)
    _load_schools(engine, [("300001", "890", "1"), ("300002", "890", "41")],
                  [("W1", "300001", "SENCO", "GRADUATED_APPROACH", "2024-04-01"),
                   ("W2", "300002", "SENCO", "GRADUATED_APPROACH", "2024-03-31")])
    got = _rows(measures.build_measures(engine, "2024-03", la_code="890"))
    _assert_rows(got, {("senco_trained", "all"): _pct(1, 2)})
    got = _rows(measures.build_measures(engine, "2024-02", la_code="890"))
    _assert_rows(got, {("senco_trained", "all"): _pct(0, 2)})


def test_main_scenario_reads_the_nccis_snapshot_of_4_april(shared_scenario):
    """sen_scenario: 2024-04-04 is the earliest in the window (2024-05-01 is too, but later)."""
    measures.build_measures(shared_scenario, "2024-03")
    assert _snapshot(shared_scenario, "2024-03", "nccis") == ("2024-04-04", False)
