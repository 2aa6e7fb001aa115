"""Writing the measures CSV: exact columns, blanks for missing, whole numbers without .0."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from pipeline.warehouse import measures
from tests.sql.conftest import PERIOD


def test_csv_text_is_exact(tmp_path):
    frame = pd.DataFrame({
        "unit": ["count", "percent", "weeks"],  # column order of the frame does not matter
        "measure_id": ["a", "b", "c"],
        "period": ["2024-03"] * 3,
        "breakdown": ["all", "group=EHCP", "service=SLT"],
        "numerator": [12.0, 2.0, None],
        "denominator": [float("nan"), 3.0, 7.0],
        "value": [12.0, 200 / 3, 18.0],
        "extra": [1, 2, 3],  # not written
    })
    path = measures.write_measures_csv(frame, tmp_path / "out" / "measures.csv")
    assert path.read_bytes().decode("utf-8") == (
        "measure_id,period,breakdown,numerator,denominator,value,unit\n"
        "a,2024-03,all,12,,12,count\n"
        "b,2024-03,group=EHCP,2,3,66.66666666666667,percent\n"
        "c,2024-03,service=SLT,,7,18,weeks\n"
    )
    assert [p.name for p in path.parent.iterdir()] == ["measures.csv"]  # no temporary file left


def test_csv_replaces_an_existing_file_and_keeps_it_on_error(tmp_path):
    path = tmp_path / "measures.csv"
    path.write_text("old\n")
    with pytest.raises(measures.MeasureError, match="unit"):
        measures.write_measures_csv(pd.DataFrame({"measure_id": ["a"]}), path)
    assert path.read_text() == "old\n"
    measures.write_measures_csv(pd.DataFrame(columns=measures.MEASURE_COLUMNS), path)
    assert path.read_text() == "measure_id,period,breakdown,numerator,denominator,value,unit\n"
    assert len(list(tmp_path.iterdir())) == 1


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (math.nan, ""), (pd.NA, ""), (0.0, "0"), (-0.0, "0"), (3.0, "3"), (-2.0, "-2"),
     (1.75, "1.75"), (1e20, "100000000000000000000"), (0.1 + 0.2, "0.30000000000000004")],
)
def test_format_number(value, text):
    assert measures.format_number(value) == text


def test_scenario_round_trips_through_csv(scenario_engine, tmp_path):
    rows = measures.read_measures(scenario_engine, PERIOD)
    path = measures.write_measures_csv(rows, tmp_path / "measures.csv")
    back = pd.read_csv(path, dtype={"period": str})
    assert list(back.columns) == measures.MEASURE_COLUMNS
    assert len(back) == len(rows)
    pd.testing.assert_series_equal(back["value"], rows["value"], check_names=False)
    assert ",13,,13,count" in path.read_text()  # ehcp_in_force
