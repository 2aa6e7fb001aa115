"""Outcomes-Based Accountability: the forecast on known trends, whether a curve turned, the
settings file, the chart, and the pack's pages."""
from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

from pipeline.analysis import spc
from pipeline.analysis.oba import CONFIG_PATH, NOT_WRITTEN, ObaConfigError, curve_turned, forecast, load_oba_settings
from pipeline.definitions.registry import registry_by_id
from pipeline.reports.curve_chart import curve_chart

MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
SVG = "{http://www.w3.org/2000/svg}"


def test_a_straight_line_is_carried_on_exactly_with_no_band():
    values = [10.0 + 2 * i for i in range(12)]  # 10, 12, ..., 32
    ahead = forecast(values, MONTHS)
    assert [p.month for p in ahead] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    assert [round(p.value, 9) for p in ahead] == [34.0, 36.0, 38.0, 40.0, 42.0, 44.0]
    assert all(math.isclose(p.low, p.value) and math.isclose(p.high, p.value) for p in ahead)


def test_the_band_is_the_80_percent_prediction_interval_worked_by_hand():
    # x = 0..3, y = 1, 3, 2, 4: Sxx 5, Sxy 4 -> slope 0.8, intercept 1.3; fits 1.3, 2.1, 2.9, 3.7,
    # residuals -0.3, 0.9, -0.9, 0.3 -> SSE 1.8, s = sqrt(1.8 / 2); x = 4: fit 4.5,
    # half-width t(0.9; 2) * s * sqrt(1 + 1/4 + (4 - 1.5)^2 / 5) = 1.88562 * 0.94868 * 1.58114 = 2.8284
    ahead = forecast([1.0, 3.0, 2.0, 4.0], MONTHS[:4], horizon=1)
    half = 1.8856180831641267 * math.sqrt(1.8 / 2) * math.sqrt(1 + 1 / 4 + 6.25 / 5)
    assert math.isclose(ahead[0].value, 4.5)
    assert math.isclose(ahead[0].high - ahead[0].value, half, rel_tol=1e-9)
    assert math.isclose(ahead[0].value - ahead[0].low, half, rel_tol=1e-9)


def test_the_forecast_uses_the_last_12_months_and_skips_gaps():
    values = [100.0] * 6 + [None] + [float(i) for i in range(12)]  # only the last 12 figures count
    ahead = forecast(values, [f"m{i}" for i in range(len(values))][:-1] + ["2026-01"], horizon=1)
    assert math.isclose(ahead[0].value, 12.0)
    assert forecast([1.0, None, 2.0], MONTHS[:3]) == []  # fewer than 3 figures: no forecast


def test_whether_the_curve_turned_is_read_from_the_spc_points_after_the_intervention():
    months = [f"{2024 + (i // 12)}-{i % 12 + 1:02d}" for i in range(24)]
    falling = [20.0, 21, 19, 20, 22, 20, 19, 21, 20, 20, 21, 19, 15, 14, 13, 12, 11, 10, 10, 9, 9, 8, 8, 7]
    analysis = spc.analyse(falling, months, polarity="down", rebases=["2025-01"])
    assert curve_turned(analysis, months, "2025-01").startswith("Yes")
    worse = spc.analyse(falling, months, polarity="up")  # the same fall, where higher is better
    assert curve_turned(worse, months, "2025-01").startswith("Not yet, and")
    steady = [20.0, 21, 19, 20] * 6
    assert curve_turned(spc.analyse(steady, months, polarity="down"), months, "2025-01").startswith(
        "Not yet: since")
    assert curve_turned(analysis, months, None).startswith("No intervention start month")
    short = spc.analyse(falling[:8], months[:8], polarity="down")
    assert curve_turned(short, months[:8], "2024-03").startswith("Too few months")


def test_the_shipped_settings_follow_the_plan():
    areas = load_oba_settings(registry_by_id())
    assert [a.ref for a in areas] == ["1", "2", "3", "4"]
    assert areas[3].title == "The long waiting times for some therapies"
    assert "post16_eet" in areas[1].measures and areas[2].measures == ()
    assert all(not h.story for a in areas for h in a.headlines)  # nothing written for the partnership


@pytest.mark.parametrize("text, message", [
    ("areas: 3\n", "give the plan's areas of concern as a list"),
    ("areas:\n  - ref: 1\n", "areas entry 1 needs a title"),
    ("areas:\n  - title: T\n    measures: [waits]\n", "measure 'waits' is not in the measure registry"),
    ("areas:\n  - title: T\n    headlines:\n      - measure: therapy_waiting\n        breakdown: service=XX\n",
     "headline 1: therapy_waiting has no breakdown 'service=XX'"),
    ("areas:\n  - title: T\n    colour: red\n", "unknown key(s) colour"),
])
def test_broken_settings_are_refused_naming_the_entry(tmp_path, text, message):
    path = tmp_path / "oba.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ObaConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_oba_settings(registry_by_id(), path)
    assert CONFIG_PATH.name == "oba.yaml"


def test_the_chart_has_a_title_a_description_and_the_band():
    values = [10.0 + 2 * i + (i % 2) for i in range(12)]
    ahead = forecast(values, MONTHS)
    svg = curve_chart("Children waiting", [m for m in MONTHS], values, ahead, [p.month for p in ahead],
                      chart_id="curve-test", target=30.0, marker=6)
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == "Children waiting"
    desc = root.find(f"{SVG}desc").text
    assert "If nothing changes, the trend of the last 12 months leads to" in desc and "Target 30." in desc
    assert len(list(root.iter(f"{SVG}polygon"))) == 1


def test_the_pack_has_a_scorecard_an_area_and_a_turn_the_curve_page_a_headline(tmp_path):
    from pipeline.reports.oba_pack import oba_section
    from pipeline.reports.spc_pack import SpcSettings

    registry = registry_by_id()
    months = [f"{2024 + (10 + i) // 12}-{(10 + i) % 12 + 1:02d}" for i in range(24)]

    def row_of(measure_id, breakdown, month):
        return {"value": 50.0 + months.index(month), "numerator": None, "denominator": 100.0}

    section = oba_section(row_of, registry, months, load_oba_settings(registry), SpcSettings())
    assert [a["ref"] for a in section["areas"]] == ["1", "2", "3", "4"] and section["areas"][2]["empty"]
    assert [c["title"] for c in section["curves"]] == [
        registry["ehcp_20wk_6m"].title, f"{registry['post16_neet_nk'].title} (EHCP)",
        f"{registry['therapy_waiting'].title} (SLT)"]
    curve = section["curves"][2]
    assert curve["story"] == curve["partners"] == curve["what_works"] == NOT_WRITTEN
    assert curve["table"]["rows"][0]["header"] == "Apr 2027"  # the forecast's last month first
