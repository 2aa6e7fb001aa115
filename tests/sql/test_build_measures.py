"""Building a period: snapshot choice, staleness, missing feeds, idempotency, fallbacks.

Runs on DuckDB and PostgreSQL (``warehouse_url``), on a fresh copy of ``sen_scenario``.
"""
from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd
import pytest

from pipeline.warehouse import db, measures
from tests.sql import sen_scenario

PE = date(2024, 3, 31)


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ([PE], (PE, False)),  # dated exactly PE
        ([PE + timedelta(days=31)], (PE + timedelta(days=31), False)),  # PE + 31 is still in
        ([PE - timedelta(days=1), PE + timedelta(days=32)], (PE - timedelta(days=1), True)),  # PE + 32 is not
        ([PE + timedelta(days=32)], (None, False)),  # only a later one: nothing usable
        ([], (None, False)),
        ([date(2024, 5, 1), date(2024, 4, 5), date(2024, 2, 15)], (date(2024, 4, 5), False)),  # earliest in window
        ([date(2023, 12, 31), date(2024, 2, 15)], (date(2024, 2, 15), True)),  # newest before PE
    ],
)
def test_choose_snapshot(dates, expected):
    assert measures.choose_snapshot(dates, PE) == expected


@pytest.mark.parametrize(
    ("period", "start", "end", "start_6m", "start_12m", "calendar_year"),
    [
        ("2024-03", date(2024, 3, 1), date(2024, 3, 31), date(2023, 10, 1), date(2023, 4, 1), 2023),
        ("2024-12", date(2024, 12, 1), date(2024, 12, 31), date(2024, 7, 1), date(2024, 1, 1), 2024),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), date(2023, 9, 1), date(2023, 3, 1), 2023),
    ],
)
def test_plan_run_dates(engine, period, start, end, start_6m, start_12m, calendar_year):
    db.ensure_schema(engine)
    params = measures.plan_run(engine, period)
    assert (params.period_start, params.period_end, params.start_6m, params.start_12m) == (
        start, end, start_6m, start_12m,
    )
    assert (params.calendar_year_start, params.calendar_year_end) == (
        date(calendar_year, 1, 1), date(calendar_year, 12, 31),
    )
    assert params.council_extract_date is None and params.la_code is None


def test_bad_period_is_refused():
    with pytest.raises(measures.MeasureError, match="YYYY-MM"):
        measures.period_dates("2024-13")


def test_rebuilding_a_period_gives_identical_rows(shared_scenario):
    first = measures.build_measures(shared_scenario, "2024-03").rows
    other = measures.build_measures(shared_scenario, "2024-06").rows
    second = measures.build_measures(shared_scenario, "2024-03").rows
    pd.testing.assert_frame_equal(first, second)
    assert len(measures.read_measures(shared_scenario, "2024-06")) == len(other) > 0
    stored = db.read_sql_frame(shared_scenario, "select period, count(*) as n from measures group by period")
    counts = dict(zip(stored["period"], stored["n"]))
    assert (counts["2024-03"], counts["2024-06"]) == (len(first), len(other))


def test_stale_snapshot_is_used_and_flagged(shared_scenario):
    result = measures.build_measures(shared_scenario, "2024-06")  # PE 30 June: nothing dated to 31 July
    by_feed = {s.feed: s for s in result.snapshots}
    assert by_feed["council_send"] == measures.Snapshot("council_send", date(2024, 5, 1), True)
    assert by_feed["therapies"] == measures.Snapshot("therapies", date(2024, 4, 3), True)
    assert set(result.stale_feeds) == {"council_send", "therapies"}
    rows = result.rows.set_index(["measure_id", "breakdown"])
    assert rows.loc[("ehcp_in_force", "all"), "value"] == 1  # the decoy snapshot's single plan
    stored = measures.read_snapshots(shared_scenario, "2024-06").set_index("feed")
    assert bool(stored.loc["council_send", "is_stale"]) is True


def test_feed_without_any_snapshot_has_no_measures(shared_scenario):
    result = measures.build_measures(shared_scenario, "2019-01")
    assert set(result.missing_feeds) == {"council_send", "therapies", "nccis", "workforce", "school_census", "ks2",
                                         "ks4", "population"}  # workforce: no completion by then
    # only the programme's measures (the plan and the risk register are not tied to a feed's snapshot) and the
    # training log's, which is one whole log: no school is trained yet, and with no council snapshot no LA is known
    assert set(result.rows["measure_id"]) == {"milestones_due", "milestones_overdue", "milestones_complete_on_time",
                                              "risks_above_appetite", "senco_trained"}
    senco = result.rows.set_index("measure_id").loc["senco_trained"]
    assert (senco["numerator"], senco["denominator"]) == (0, 0) and math.isnan(senco["value"])
    assert result.rows.set_index("measure_id").loc["milestones_due", "value"] == 0
    assert result.la_code is None


def test_older_period_uses_older_census_and_no_later_results(shared_scenario):
    # 2023-02 uses the spring 2023 census, and no KS results year ends by 28 Feb 2023
    rows = measures.build_measures(shared_scenario, "2023-02").rows.set_index(["measure_id", "breakdown"])
    assert "ks2_rwm_expected" not in set(rows.index.get_level_values(0))
    assert "ks4_attainment8" not in set(rows.index.get_level_values(0))
    share = rows.loc[("pupils_sen_share", "group=EHCP")]
    assert (share["numerator"], share["denominator"]) == (2, 6)
    absence = rows.loc[("absence_rate", "group=EHCP")]
    assert (absence["numerator"], absence["denominator"], absence["value"]) == (0, 200, 0)


def test_census_dated_on_period_end_is_used(scenario_copy):
    frame = sen_scenario.census_frame("census_2024_X.csv", 2024, "SPR", "2024-04-30", [("Q", "C", "E", 10, 10, 0)])
    db.replace_rows(scenario_copy, "src_school_census__census", frame, {"census_file": "census_2024_X.csv"})
    rows = measures.build_measures(scenario_copy, "2024-04").rows.set_index(["measure_id", "breakdown"])
    assert rows.loc[("absence_rate", "all"), "value"] == 100
    assert math.isnan(rows.loc[("absence_rate", "group=no_SEN"), "value"])


def test_population_of_the_period_year_when_published(scenario_copy):
    more = sen_scenario.frame("la_code year age population", [("890", 2024, 3, 50_000), ("890", 2025, 3, 1)])
    db.replace_rows(scenario_copy, "src_reference__population", more, {"year": 2024})
    db.replace_rows(scenario_copy, "src_reference__population", more[more["year"] == 2025], {"year": 2025})
    rows = measures.build_measures(scenario_copy, "2024-03").rows.set_index(["measure_id", "breakdown"])
    assert rows.loc[("ehcp_rate", "all"), "denominator"] == 50_000
    assert rows.loc[("ehcp_rate", "all"), "value"] == pytest.approx(13 / 5)


def test_la_code_can_be_given(shared_scenario):
    result = measures.build_measures(shared_scenario, "2024-03", la_code="999")
    rows = result.rows.set_index(["measure_id", "breakdown"])
    assert result.la_code == "999"
    assert rows.loc[("ehcp_rate", "all"), "denominator"] == 1_000_000


def test_missing_population_leaves_rates_blank(shared_scenario):
    result = measures.build_measures(shared_scenario, "2024-03", la_code="000")
    rows = result.rows.set_index(["measure_id", "breakdown"])
    rate = rows.loc[("ehcp_rate", "all")]
    assert rate["numerator"] == 13 and math.isnan(rate["denominator"]) and math.isnan(rate["value"])
    assert "population" in result.missing_feeds


def test_failed_build_keeps_the_previous_rows(shared_scenario, monkeypatch):
    before = measures.build_measures(shared_scenario, "2024-03").rows

    def broken(conn, params, kpi_models, snapshots):
        conn.exec_driver_sql("delete from measures")
        raise RuntimeError("boom")

    monkeypatch.setattr(measures, "_replace_period_rows", broken)
    with pytest.raises(RuntimeError):
        measures.build_measures(shared_scenario, "2024-03")
    pd.testing.assert_frame_equal(measures.read_measures(shared_scenario, "2024-03"), before)


def test_audit_sample_is_stratified_reproducible_and_in_force(shared_scenario):
    stored_before = db.read_sql_frame(shared_scenario, "select count(*) as n from measures")
    first = measures.select_audit_sample(shared_scenario, "2024-03")
    second = measures.select_audit_sample(shared_scenario, "2024-03")
    assert first == second
    in_force = {201, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 215, 217}
    assert {entry.named_plan_id for entry in first} <= in_force
    by_group: dict[str, int] = {}
    for entry in first:
        by_group[entry.setting_group] = by_group.get(entry.setting_group, 0) + 1
    # ceil(10%) of each non-empty group: one plan from each of the seven groups
    assert by_group == {group: 1 for group in sen_scenario.SETTINGS}
    other_seed = measures.select_audit_sample(shared_scenario, "2024-03", seed="another")
    assert {e.setting_group for e in other_seed} == set(sen_scenario.SETTINGS)
    everything = measures.select_audit_sample(shared_scenario, "2024-03", fraction=1.0)
    assert {e.named_plan_id for e in everything} == in_force
    stored_after = db.read_sql_frame(shared_scenario, "select count(*) as n from measures")
    assert stored_after.equals(stored_before)  # sampling writes nothing


def test_audit_sample_size_is_a_tenth_rounded_up():
    plans = pd.DataFrame({"named_plan_id": range(1, 26), "setting_group": ["mainstream"] * 20 + ["post16"] * 5})
    sample = measures._stratified_sample(plans, "seed", 0.1)
    assert [e.setting_group for e in sample].count("mainstream") == 2
    assert [e.setting_group for e in sample].count("post16") == 1


def test_two_builds_of_one_month_at_once_leave_the_rows_of_one(scenario_copy):
    """Backfills, cleared and manual runs can overlap: the month's build is serialised, its rows keyed."""
    import threading

    if scenario_copy.dialect.name == "duckdb":
        pytest.skip("DuckDB takes one writer process: the pool of one slot already runs builds one at a time")
    url = scenario_copy.url.render_as_string(hide_password=False)
    results, errors = [], []
    start = threading.Barrier(2)

    def build() -> None:
        engine = db.get_engine(url)
        try:
            start.wait()
            results.append(measures.build_measures(engine, "2024-03").rows)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    stored = measures.read_measures(scenario_copy, "2024-03")
    one = measures.build_measures(scenario_copy, "2024-03").rows
    pd.testing.assert_frame_equal(stored.reset_index(drop=True), one.reset_index(drop=True))
    pd.testing.assert_frame_equal(results[0].reset_index(drop=True), one.reset_index(drop=True))
    repeated = db.read_sql_frame(scenario_copy, "select measure_id, period, breakdown, count(*) as n from measures "
                                 "group by measure_id, period, breakdown having count(*) > 1")
    assert repeated.empty
