"""The measure registry (pipeline/definitions/measures.yaml) and its agreement with sql/kpi."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from pipeline.definitions import registry
from pipeline.warehouse import db

KPI_DIR = db.SQL_DIR / "kpi"


def _kpi_files() -> dict[str, set[str]]:
    """kpi file stem → the measure_id literals it outputs."""
    out = {}
    for path in sorted(KPI_DIR.glob("kpi_*.sql")):
        out[path.stem] = set(re.findall(r"cast\('([a-z0-9_]+)' as varchar\) as measure_id", path.read_text()))
    return out


def test_registry_loads():
    measures = registry.load_registry()
    assert len({m.id for m in measures}) == len(measures)
    assert {m.section for m in measures} == set(registry.SECTIONS)


def test_every_kpi_file_is_a_computed_measure_and_back():
    files = _kpi_files()
    by_id = registry.registry_by_id()
    for stem, ids in files.items():
        assert ids == {stem.removeprefix("kpi_")}, f"{stem}.sql outputs its own measure_id only"
        measure = by_id.get(stem.removeprefix("kpi_"))
        assert measure is not None and measure.is_computed, f"{stem} is a computed measure of the registry"
    computed = {m.id for m in by_id.values() if m.is_computed and m.kind == "value"}
    assert computed == {stem.removeprefix("kpi_") for stem in files}


def test_sections_and_statuses_follow_measures_md():
    by_id = registry.registry_by_id()
    gaps = [m for m in by_id.values() if m.id.endswith("_gap_national")]
    assert {m.id for m in gaps} >= {"ks2_rwm_expected_gap_national", "ks4_attainment8_gap_national"}
    # KS2 and KS4 gaps come from the published LAIT figures by SEN group; England's absence by
    # SEN group is not in the published subset, so those two wait for it.
    assert {m.id for m in gaps if m.status == "computed"} == {"ks2_rwm_expected_gap_national",
                                                             "ks4_attainment8_gap_national"}
    assert {m.id for m in gaps if m.status == "not_yet_computed"} == {"absence_rate_gap_national",
                                                                     "persistent_absence_gap_national"}
    later = [m for m in by_id.values() if m.section in ("preparing_for_adulthood", "programme")]
    assert {m.id for m in later} == {
        "post16_eet", "post16_neet_nk", "post19_eet", "senco_trained",
        "milestones_due", "milestones_complete_on_time", "milestones_overdue", "risks_above_appetite",
    }
    assert all(m.status == "computed" for m in later)  # NCCIS and workforce feeds, and the programme feed
    assert {m.source for m in later if m.section == "preparing_for_adulthood"} == {"nccis", "workforce"}
    assert by_id["senco_trained"].target == 75
    assert by_id["ehcp_audit_sample"].kind == "list"


def test_breakdown_polarity():
    setting = registry.registry_by_id()["ehcp_rate_by_setting"]
    assert setting.polarity_for("setting=mainstream") == "up"
    assert setting.polarity_for("setting=special_state") == "neutral"
    assert setting.polarity_for("setting=special_independent") == "down"
    assert setting.polarity_for("setting=elsewhere") == "neutral"
    assert len(setting.expected_breakdowns()) == 7


def test_expected_breakdowns():
    by_id = registry.registry_by_id()
    assert by_id["therapy_waiting"].expected_breakdowns()[:2] == ["all", "service=SLT"]
    assert by_id["pupils_sen_share"].expected_breakdowns() == ["group=EHCP", "group=SEN_support", "group=no_SEN"]
    assert len(by_id["ehcp_primary_need"].expected_breakdowns()) == 14


def _write(tmp_path: Path, entries: list[dict]) -> Path:
    path = tmp_path / "measures.yaml"
    path.write_text(yaml.safe_dump({"measures": entries}), encoding="utf-8")
    return path


def _entry(**changes) -> dict:
    raw = yaml.safe_load(registry.REGISTRY_PATH.read_text())["measures"][0]
    raw.update(changes)
    return raw


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"unit": "percentage"}, "unit is 'percentage'"),
        ({"polarity": "higher"}, "polarity"),
        ({"oba_quadrant": "how_many"}, "oba_quadrant"),
        ({"accountability": "service"}, "accountability"),
        ({"status": "done"}, "status"),
        ({"breakdowns": ["region"]}, "breakdowns"),
        ({"breakdowns": []}, "non-empty list"),
        ({"target": "high"}, "target"),
        ({"colour": "red"}, "unknown fields"),
        ({"breakdown_polarity": {"setting=mainstream": "up"}}, "not one of its rows"),
        ({"id": "Bad-Id"}, "lowercase"),
        ({"title": ""}, "title"),
    ],
)
def test_invalid_entries_are_refused(tmp_path, changes, message):
    with pytest.raises(registry.RegistryError, match=re.escape(message)):
        registry.load_registry(_write(tmp_path, [_entry(**changes)]))


def test_missing_field_and_duplicates_are_refused(tmp_path):
    entry = _entry()
    del entry["owner"]
    with pytest.raises(registry.RegistryError, match="missing fields \\['owner'\\]"):
        registry.load_registry(_write(tmp_path, [entry]))
    with pytest.raises(registry.RegistryError, match="appears twice"):
        registry.load_registry(_write(tmp_path, [_entry(), _entry()]))


def test_measure_is_frozen():
    measure = registry.load_registry()[0]
    with pytest.raises(AttributeError):
        measure.title = "changed"  # type: ignore[misc]
