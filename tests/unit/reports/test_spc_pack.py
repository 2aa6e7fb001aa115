"""The pack's SPC settings file and section: checked settings, suppressed months left out."""
from __future__ import annotations

import pytest

from pipeline.analysis import spc
from pipeline.definitions.registry import load_registry
from pipeline.reports.spc_pack import (CONFIG_PATH, SPC_SERIES, Baseline, Rebase, SpcConfigError, SpcSettings,
                                       load_spc_settings, series_values, spc_section)

REGISTRY = {m.id: m for m in load_registry()}
MONTHS = [f"{2024 + (10 + i) // 12}-{(10 + i) % 12 + 1:02d}" for i in range(24)]  # 2024-11 .. 2026-10


def test_the_shipped_settings_load():
    settings = load_spc_settings(REGISTRY)
    assert settings.profile == "mdc"
    assert settings.target("ehcp_20wk_6m", "all") == 60
    rebase, = settings.rebases_of("therapy_waiting", "service=SLT")
    assert rebase.month == "2025-09" and rebase.action == "4.1.5" and "illustrative" in rebase.reason
    baseline = settings.baseline_of("therapy_waiting", "service=SLT")
    assert baseline.points == 13 and "illustrative" in baseline.note
    assert settings.baseline_of("therapy_waiting", "all") is None
    assert settings.target("senco_trained", "all") == 75
    assert ("senco_trained", "all") in [(m, b) for m, b, _ in SPC_SERIES]
    for measure_id, breakdown, _ in SPC_SERIES:
        assert breakdown in REGISTRY[measure_id].expected_breakdowns()


@pytest.mark.parametrize("text, message", [
    ("profile: shewhart\n", "profile 'shewhart' is not one of mdc, ptd"),
    ("colour: blue\n", "unknown setting(s) colour"),
    ("targets:\n  - measure: waiting_time\n    value: 3\n", "targets entry 1: measure 'waiting_time' is not in"),
    ("targets:\n  - measure: therapy_waiting\n    breakdown: service=XYZ\n    value: 3\n",
     "has no breakdown 'service=XYZ'"),
    ("targets:\n  - measure: therapy_waiting\n    value: lots\n",
     "targets entry 1 (therapy_waiting): value 'lots' is not a number"),
    ("rebases:\n  - measure: therapy_waiting\n    month: 2025-13\n    reason: x\n",
     "rebases entry 1 (therapy_waiting): period '2025-13'"),
    ("rebases:\n  - measure: therapy_waiting\n    month: 2025-09\n", "give the reason"),
    ("rebases:\n  - measure: therapy_waiting\n    month: 2025-09\n    reason: x\n    when: now\n",
     "unknown key(s) when"),
    ("targets: [\n", "cannot be read as YAML"),
    ("baselines:\n  - measure: therapy_waiting\n    points: 12\n",
     "baselines entry 1 (therapy_waiting): a baseline of 12 months is too short; the mdc profile needs at least 13"),
    ("profile: ptd\nbaselines:\n  - measure: therapy_waiting\n    points: 11\n", "the ptd profile needs at least 12"),
    ("baselines:\n  - measure: therapy_waiting\n    points: thirteen\n",
     "baselines entry 1 (therapy_waiting): points 'thirteen' is not a whole number of months"),
    ("baselines:\n  - measure: therapy_waiting\n", "points None is not a whole number"),
    ("baselines:\n  - measure: therapy_waiting\n    points: 13.5\n", "points 13.5 is not a whole number"),
    ("baselines:\n  - measure: therapy_waiting\n    points: 13\n    from: 2025-09\n", "unknown key(s) from"),
    ("baselines:\n  - measure: waiting_time\n    points: 13\n", "baselines entry 1: measure 'waiting_time' is not in"),
    ("baselines:\n  - measure: therapy_waiting\n    points: 13\n  - measure: therapy_waiting\n    breakdown: all\n"
     "    points: 14\n", "baselines entry 2 (therapy_waiting): a second baseline for the all chart"),
])
def test_broken_settings_are_refused_naming_the_entry(tmp_path, text, message):
    path = tmp_path / "spc.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpcConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_spc_settings(REGISTRY, path)
    assert CONFIG_PATH.name == "spc.yaml"


def rows(values: dict[str, float | None], numerator: float | None = None):
    def row_of(measure_id, breakdown, month):
        if month not in values or values[month] is None:
            return None
        return {"value": values[month], "numerator": numerator, "denominator": None}
    return row_of


def test_suppressed_and_missing_months_take_no_part():
    values = {m: 20.0 + (i % 3) for i, m in enumerate(MONTHS)}
    values[MONTHS[5]] = None
    values[MONTHS[6]] = 3.0  # a count of 3 children: shown as c, left out
    got = series_values(rows(values), REGISTRY["therapy_waiting"], "all", MONTHS)
    assert got[5] is None and got[6] is None and got[7] == values[MONTHS[7]]


def test_the_section_has_a_block_and_a_summary_row_a_series_with_its_rebase_note():
    values = {m: 100.0 + (i % 4) * 5 for i, m in enumerate(MONTHS)}
    settings = SpcSettings("mdc", (("therapy_waiting", "all", 90.0),),
                           (Rebase("therapy_waiting", "all", "2025-09", "New pathway", "4.1.5"),))
    section = spc_section(rows(values), REGISTRY, MONTHS, settings)
    assert len(section["blocks"]) == len(section["summary"]) == len(SPC_SERIES)
    block = section["blocks"][0]
    assert block["rebases"] == ["1. From September 2025: New pathway (plan action 4.1.5)"]
    assert block["target"] == "90.0"
    assert [r["cells"][-1]["text"] for r in block["table"]["rows"]].count("common cause") >= 1
    assert section["summary"][0]["cells"][1]["text"] == "90.0"
    assert section["profile"] == "mdc" and "Making Data Count" in section["profile_note"]


def test_a_series_without_any_figure_is_left_out():
    section = spc_section(lambda *_: None, REGISTRY, MONTHS, SpcSettings())
    assert section["blocks"] == [] and section["summary"] == []
    assert spc.PROFILES[SpcSettings().profile].shift_points == 6


def test_ptd_takes_a_baseline_of_12_and_a_note_is_optional(tmp_path):
    path = tmp_path / "spc.yaml"
    path.write_text("profile: ptd\nbaselines:\n  - measure: therapy_waiting\n    points: 12\n", encoding="utf-8")
    assert load_spc_settings(REGISTRY, path).baselines == (Baseline("therapy_waiting", "all", 12, None),)


def test_a_baseline_is_printed_under_its_chart_with_its_note():
    # 24 months from 2024-11, a rebase at 2025-09 (month 10): period 0 has 10 months, fewer than
    # the baseline of 13 (lines from all of them, with a note); period 1 (14 months) is fixed by
    # 2025-09 .. 2026-09 and October 2026 is judged against those lines
    values = {m: 100.0 + (i % 4) * 5 for i, m in enumerate(MONTHS)}
    settings = SpcSettings("mdc", (), (Rebase("therapy_waiting", "all", "2025-09", "New pathway"),),
                           (Baseline("therapy_waiting", "all", 13, "Illustrative."),))
    block = spc_section(rows(values), REGISTRY, MONTHS, settings)["blocks"][0]
    assert block["baselines"] == [
        "Limits fixed from the first 13 months from September 2025 (to September 2026). Illustrative."]
    assert "Limits fixed from the first 13 months from Sep 2025 (to Sep 2026)." in block["chart"]["alt"]
    assert block["warnings"] == ["the period from 2024-11 has 10 points, fewer than the baseline of 13: its lines "
                                 "come from all of them and will move as points are added."]
    assert len(block["table"]["rows"]) == 24
    assert all(not b["baselines"] for b in spc_section(rows(values), REGISTRY, MONTHS, settings)["blocks"][1:])


def test_a_series_without_data_yet_is_left_out_and_the_others_are_not():
    values = {m: 40.0 + i for i, m in enumerate(MONTHS)}
    figures = rows(values)
    section = spc_section(lambda m, b, month: None if m == "senco_trained" else figures(m, b, month),
                          REGISTRY, MONTHS, SpcSettings())
    assert [b["measure_id"] for b in section["blocks"]] == [m for m, _, _ in SPC_SERIES if m != "senco_trained"]
