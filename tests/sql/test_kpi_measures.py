"""Every measure of 2024-03 against the numbers worked out by hand in ``sen_scenario``.

Runs on DuckDB and PostgreSQL. Each case in the scenario is named in a comment beside
its row (plan ceasing on PE, 140 vs 141 days, waits of 126/127 and 364/365 days, ...).
"""
from __future__ import annotations

import math

import pytest

from pipeline.definitions import registry
from pipeline.warehouse import measures
from tests.sql.conftest import PERIOD
from tests.sql.sen_scenario import EXPECTED

MEASURE_IDS = sorted({measure_id for measure_id, _ in EXPECTED})


@pytest.fixture()
def rows(scenario_engine):
    return measures.read_measures(scenario_engine, PERIOD)


def _same(actual: float | None, expected: float | None) -> bool:
    if expected is None:
        return actual is None or math.isnan(actual)
    return actual is not None and not math.isnan(actual) and math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize("measure_id", MEASURE_IDS)
def test_measure_matches_hand_worked_numbers(rows, measure_id):
    got = rows[rows["measure_id"] == measure_id]
    expected = {b: v for (m, b), v in EXPECTED.items() if m == measure_id}
    assert sorted(got["breakdown"]) == sorted(expected), "every breakdown row, and no other"
    for row in got.itertuples():
        numerator, denominator, value = expected[row.breakdown]
        assert _same(row.numerator, numerator), (row.breakdown, "numerator", row.numerator, numerator)
        assert _same(row.denominator, denominator), (row.breakdown, "denominator", row.denominator, denominator)
        assert _same(row.value, value), (row.breakdown, "value", row.value, value)
        assert row.period == PERIOD


def test_every_computed_measure_is_built_and_nothing_else(rows):
    computed = {m.id for m in registry.load_registry() if m.is_computed and m.kind == "value"}
    assert set(rows["measure_id"]) == computed == set(MEASURE_IDS)


def test_rows_follow_the_registry(rows):
    by_id = registry.registry_by_id()
    for measure_id, group in rows.groupby("measure_id"):
        measure = by_id[measure_id]
        assert set(group["unit"]) == {measure.unit}, measure_id
        assert sorted(group["breakdown"]) == sorted(measure.expected_breakdowns()), measure_id


def test_one_row_a_measure_and_breakdown(rows):
    assert not rows.duplicated(["measure_id", "breakdown"]).any()


def test_counts_have_blank_denominators(rows):
    counts = rows[rows["unit"] == "count"]
    assert counts["denominator"].isna().all()
    assert (counts["numerator"] == counts["value"]).all()


def test_medians_have_blank_numerators(rows):
    medians = rows[rows["measure_id"].str.contains("median")]
    assert medians["numerator"].isna().all()


def test_no_denominator_means_blank_value_not_zero(rows):
    physio = rows[(rows["breakdown"] == "service=PHYSIO") & (rows["measure_id"] == "therapy_over_18w")].iloc[0]
    assert physio["denominator"] == 0 and math.isnan(physio["value"])


def test_snapshots_recorded(scenario_engine):
    snapshots = measures.read_snapshots(scenario_engine, PERIOD).set_index("feed")
    assert str(snapshots.loc["council_send", "extract_date"]) == "2024-04-05"
    assert str(snapshots.loc["therapies", "extract_date"]) == "2024-04-03"
    assert str(snapshots.loc["school_census", "extract_date"]) == "2024-01-18"
    assert str(snapshots.loc["ks2", "extract_date"]) == "2023-08-31"
    assert str(snapshots.loc["ks4", "extract_date"]) == "2023-08-31"
    assert str(snapshots.loc["population", "extract_date"]) == "2023-06-30"  # 2024 not yet published
    assert not snapshots["is_stale"].astype(bool).any()
