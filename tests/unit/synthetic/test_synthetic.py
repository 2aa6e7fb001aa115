"""Tests for the synthetic inbox generator (``pipeline.synthetic``).

Every check reads the files back from disk the way a loader would (encoding sniffed,
column names matched case-insensitively, each date value read on its own), so they test
the deliveries rather than the generator's internals.
"""
from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from pipeline.feeds.identifiers import is_valid_nhs_number, is_valid_upn
from pipeline.synthetic.calibration import NEED_CODES
from pipeline.synthetic.common import as_date, census_days
from pipeline.synthetic.inbox import write_inbox

SMALL = {"scale": 0.2, "months": 3}
# One snapshot after the January 2025 census day, at Blackpool's size.
CALIBRATED = {"scale": 1.0, "end_period": "2025-02", "months": 2}
MODULES = ("sen2", "person", "requests", "assessment", "namedplan", "plandetail",
           "activeplans", "placementdetail", "senneed")
PARENTS = {"person": "sen2", "requests": "person", "assessment": "requests",
           "namedplan": "assessment", "plandetail": "namedplan", "activeplans": "requests",
           "placementdetail": "activeplans", "senneed": "activeplans"}
PLANNED = {"ceasedate", "leavingdate", "reviewmeeting", "phasetransferduedate"}
COUNCIL_DATES = {"person": ["personbirthdate"],
                 "requests": ["receiveddate", "requestoutcomedate"],
                 "assessment": ["assessmentoutcomedate"], "namedplan": ["startdate", "ceasedate"],
                 "activeplans": ["reviewmeeting", "lastreview"],
                 "placementdetail": ["entrydate", "leavingdate"]}
THERAPY_DATES = ["date_of_birth", "referral_received_date", "rejected_date",
                 "first_contact_date", "discharge_date"]
MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                      "Sep", "Oct", "Nov", "Dec"), start=1)}
BLADE = re.compile(r"^(\d{4})-([A-Z][a-z]{2})-(\d{2}) 00:00:00$")
GROUPS = {"mainstream": {1, 2, 3, 5, 28, 34, 35, 40, 41, 11, 6},
          "special_state": {7, 12, 33, 36, 44}, "special_independent": {10, 8},
          "alternative_provision": {14, 38, 42, 43}, "post16": {18, 31, 32, 39, 45, 46, 57}}


# --------------------------------------------------------------------------- helpers
def read(path: Path) -> pd.DataFrame:
    """A delivered CSV as text columns: UTF-8 (BOM or not) else Windows-1252."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    frame.columns = [c.strip().lower() for c in frame.columns]
    return frame


def parse_dates(values: pd.Series) -> pd.Series:
    """Each value read on its own as YYYY-MM-DD, DD/MM/YYYY or Blade ``2022-Sep-28 00:00:00``."""
    blade = values.str.extract(BLADE)
    month = blade[1].map({name: f"{number:02d}" for name, number in MONTHS.items()})
    as_iso = blade[0] + "-" + month + "-" + blade[2]
    iso = values.where(blade[0].isna(), as_iso)
    parsed = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    parsed = parsed.fillna(pd.to_datetime(values, format="%d/%m/%Y", errors="coerce"))
    bad = parsed.isna() & (values != "")
    assert not bad.any(), f"not an accepted date form: {values[bad].head(3).tolist()}"
    return parsed


def extract_dates(inbox: Path) -> list[str]:
    """DD-MM-YYYY stamps of the council snapshots."""
    names = (p.name for p in (inbox / "council_send").glob("*_sen2.csv"))
    return sorted({n.split("_")[1] for n in names}, key=lambda s: s[6:] + s[3:5] + s[:2])


def therapy_files(inbox: Path) -> list[Path]:
    """The therapy snapshots, oldest first."""
    return sorted((inbox / "therapies").iterdir(), key=lambda p: stamp_day(p.stem[-10:]))


def snapshot(inbox: Path, stamp: str) -> dict[str, pd.DataFrame]:
    """The nine modules of one council extract."""
    return {m: read(inbox / "council_send" / f"Blade-Export_{stamp}_{m}.csv") for m in MODULES}


def stamp_day(stamp: str) -> pd.Timestamp:
    """The extract date in a DD-MM-YYYY file name."""
    return pd.to_datetime(stamp, format="%d-%m-%Y")


def digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under a folder."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("small")
    return out, write_inbox(out, **SMALL)


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("calibrated")
    return out, write_inbox(out, **CALIBRATED)


@pytest.fixture(scope="module")
def calibrated_snapshot(calibrated) -> dict[str, pd.DataFrame]:
    inbox, _ = calibrated
    return snapshot(inbox, extract_dates(inbox)[-1])


# --------------------------------------------------------------------------- determinism, layout
def test_same_arguments_give_byte_identical_files(small, tmp_path):
    inbox, _ = small
    write_inbox(tmp_path / "again", **SMALL)
    assert digest(tmp_path / "again") == digest(inbox)


def test_another_seed_gives_other_data(small, tmp_path):
    inbox, _ = small
    write_inbox(tmp_path / "other", seed=7, **SMALL)
    first, other = digest(inbox), digest(tmp_path / "other")
    assert first.keys() == other.keys()
    assert sum(first[k] != other[k] for k in first) > len(first) // 2


def test_snapshots_are_monthly_with_all_nine_modules(small):
    inbox, summary = small
    stamps = extract_dates(inbox)
    assert stamps == ["05-09-2026", "05-10-2026", "05-11-2026"]
    assert summary["extract_dates"] == ["2026-09-05", "2026-10-05", "2026-11-05"]
    for stamp in stamps:
        for module in MODULES:
            assert (inbox / "council_send" / f"Blade-Export_{stamp}_{module}.csv").is_file()
        assert (inbox / "therapies" / f"therapy_referrals_{stamp}.csv").is_file()
    assert len(list((inbox / "council_send").iterdir())) == 9 * len(stamps)


def test_every_census_term_and_results_year_is_delivered(small):
    inbox, summary = small
    names = sorted(p.name for p in (inbox / "school_census").iterdir())
    assert names == ["census_2026_AUT.csv", "census_2026_SPR.csv", "census_2026_SUM.csv",
                     "ks2_2026.csv", "ks4_2026.csv"]
    files = {p.relative_to(inbox).as_posix() for p in inbox.rglob("*.csv")}
    assert {"reference/population.csv", "reference/establishments.csv"} <= files
    assert summary["files_written"] == len(files)


def test_census_days_are_the_usual_thursdays():
    days = {t: as_date(d).isoformat() for t, d in census_days(2025).items()}
    assert days == {"SPR": "2025-01-16", "SUM": "2025-05-15", "AUT": "2025-10-02"}


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError):
        write_inbox(tmp_path, end_period="2026-13")
    with pytest.raises(ValueError):
        write_inbox(tmp_path, scale=0)


# --------------------------------------------------------------------------- council keys
@pytest.mark.parametrize("which", ["small", "calibrated"])
def test_keys_are_unique_and_every_parent_exists(which, request):
    inbox, _ = request.getfixturevalue(which)
    for stamp in extract_dates(inbox):
        snap = snapshot(inbox, stamp)
        for module, frame in snap.items():
            key = f"{module}tableid"
            assert frame[key].is_unique, f"{stamp} {module}: duplicated {key}"
            assert {"nativeid", f"{module}orderseqcolumn", "sourceid"} <= set(frame.columns)
        for child, parent in PARENTS.items():
            missing = ~snap[child][f"{parent}tableid"].isin(snap[parent][f"{parent}tableid"])
            assert not missing.any(), f"{stamp} {child}: {missing.sum()} rows without a {parent}"


def test_a_record_keeps_its_ids_across_snapshots(small):
    inbox, _ = small
    first, last = (snapshot(inbox, s) for s in extract_dates(inbox)[::2])
    for module in ("person", "requests", "namedplan"):
        both = first[module].merge(last[module], on=f"{module}tableid", suffixes=("_a", "_b"))
        assert len(both) > 0.8 * len(first[module])
        assert (both["nativeid_a"] == both["nativeid_b"]).all()
    people = first["person"].merge(last["person"], on="persontableid")
    born = parse_dates(people["personbirthdate_x"])
    assert (born == parse_dates(people["personbirthdate_y"])).all()


def test_every_plan_in_force_in_the_window_has_its_history(calibrated_snapshot):
    snap = calibrated_snapshot
    plans = snap["namedplan"].merge(snap["assessment"], on="assessmenttableid")
    assert set(plans["assessmentoutcome"]) <= {"Y", "H", "S"}
    assert {"Y", "H", "S"} <= set(plans["assessmentoutcome"])
    assert snap["namedplan"]["assessmenttableid"].is_unique
    active = snap["activeplans"].merge(snap["assessment"], on="requeststableid")
    assert len(active) == len(snap["namedplan"])
    with_setting = snap["placementdetail"]["activeplanstableid"].unique()
    assert len(with_setting) > 0.98 * len(snap["activeplans"])


# --------------------------------------------------------------------------- codes and identifiers
def test_code_lists(calibrated_snapshot, calibrated):
    snap, (inbox, _) = calibrated_snapshot, calibrated
    assert set(snap["requests"]["requestoutcome"]) <= set("YNAWH")
    assert set(snap["requests"]["requestoutcome"]) >= set("YNAWH")
    assert set(snap["assessment"]["assessmentoutcome"]) == set("YNAWHS")
    assert set(snap["assessment"]["week20"]) <= {"", "0", "1", "true", "false"}
    assert set(snap["namedplan"]["ceasereason"]) - {""} <= {str(i) for i in range(1, 10)}
    assert set(snap["senneed"]["sentype"]) <= set(NEED_CODES) | {"DS"}
    assert set(snap["senneed"]["sentyperank"]) == {"1", "2"}
    settings = set(snap["placementdetail"]["sensetting"]) | set(snap["plandetail"]["sensetting"])
    assert settings - {""} <= {"OLA", "OPA", "EHE", "EYP", "OTH", "NEET", "NIEC", "NIEO"}
    assert set(snap["person"]["upnunknown"]) - {""} <= {f"UN{i}" for i in range(1, 11)}
    assert (snap["sen2"]["lea"] == "890").all()
    census = read(inbox / "school_census" / "census_2025_SPR.csv")
    assert set(census["nc_year_actual"]) <= {"N1", "N2", "R", "X"} | {str(i) for i in range(1, 15)}
    assert set(census["enrol_status"]) == set("CMSFG")
    assert set(census["sen_provision"]) == set("EKN")
    codes = set(NEED_CODES) | {"DS", "NSA", ""}
    assert set(census["primary_sen_type"]) | set(census["secondary_sen_type"]) <= codes
    therapy = read(therapy_files(inbox)[-1])
    assert set(therapy["service"]) == {"SLT", "OT", "PHYSIO", "CDS", "ND"}
    assert set(therapy["priority"]) == {"ROUTINE", "URGENT"}
    assert therapy["referral_id"].is_unique


def test_week20_is_set_only_for_issued_plans(calibrated_snapshot):
    assessment = calibrated_snapshot["assessment"]
    issued = assessment["assessmentoutcome"].isin(["Y", "S"])
    assert (assessment.loc[~issued, "week20"] == "").all()
    flags = assessment.loc[issued, "week20"]
    assert (flags != "").all()
    assert 0 < flags.isin(["1", "true"]).mean() < 0.1


@pytest.mark.parametrize("which", ["small", "calibrated"])
def test_every_upn_and_nhs_number_is_valid(which, request):
    inbox, _ = request.getfixturevalue(which)
    upns = pd.concat([read(p)["upn"] for p in (inbox / "school_census").iterdir()]
                     + [read(p)["upn"] for p in (inbox / "council_send").glob("*_person.csv")])
    upns = upns[upns != ""]
    assert len(upns) > 1000 and upns.map(is_valid_upn).all()
    nhs = pd.concat([read(p)["nhs_number"] for p in (inbox / "therapies").iterdir()])
    assert 0 < (nhs == "").mean() < 0.05
    assert nhs[nhs != ""].map(is_valid_nhs_number).all()


def test_persons_without_a_upn_give_a_reason(calibrated_snapshot):
    person = calibrated_snapshot["person"]
    blank = person["upn"] == ""
    assert 0 < blank.mean() < 0.2
    assert (person.loc[blank, "upnunknown"] != "").all()
    assert (person.loc[~blank, "upnunknown"] == "").all()


def test_a_pupil_has_one_upn_in_council_and_census(calibrated):
    inbox, _ = calibrated
    person = read(inbox / "council_send" / f"Blade-Export_{extract_dates(inbox)[-1]}_person.csv")
    census = read(inbox / "school_census" / "census_2025_SPR.csv")
    linked = census[census["sen_provision"] == "E"].merge(person, on="upn")
    assert len(linked) > 0.8 * (census["sen_provision"] == "E").sum()
    assert (parse_dates(linked["date_of_birth"]) == parse_dates(linked["personbirthdate"])).all()


# --------------------------------------------------------------------------- dates
@pytest.mark.parametrize("which", ["small", "calibrated"])
def test_dates_parse_and_none_lies_in_a_forbidden_future(which, request):
    inbox, _ = request.getfixturevalue(which)
    planned_ahead = 0
    for stamp in extract_dates(inbox):
        extract = stamp_day(stamp)
        snap = snapshot(inbox, stamp)
        for module, columns in COUNCIL_DATES.items():
            for column in columns:
                days = parse_dates(snap[module][column])
                if column in PLANNED:
                    planned_ahead += int((days > extract).sum())
                else:
                    assert not (days > extract).any(), f"{stamp} {module}.{column} in future"
        therapy = read(inbox / "therapies" / f"therapy_referrals_{stamp}.csv")
        for column in THERAPY_DATES:
            assert not (parse_dates(therapy[column]) > extract).any(), f"{stamp} {column}"
    assert planned_ahead > 0


def test_council_dates_mix_the_three_forms(calibrated_snapshot):
    values = calibrated_snapshot["requests"]["receiveddate"]
    assert values.str.match(BLADE.pattern).mean() > 0.8
    assert values.str.match(r"^\d{4}-\d{2}-\d{2}$").any()
    assert values.str.match(r"^\d{2}/\d{2}/\d{4}$").any()


def test_dates_are_in_order(calibrated_snapshot, calibrated):
    snap, (inbox, _) = calibrated_snapshot, calibrated
    req = snap["requests"]
    decided = req[req["requestoutcomedate"] != ""]
    received = parse_dates(decided["receiveddate"])
    assert (received <= parse_dates(decided["requestoutcomedate"])).all()
    plan = snap["namedplan"]
    ceased = plan[plan["ceasedate"] != ""]
    assert (parse_dates(ceased["startdate"]) < parse_dates(ceased["ceasedate"])).all()
    therapy = read(therapy_files(inbox)[-1])
    born = parse_dates(therapy["date_of_birth"])
    received = parse_dates(therapy["referral_received_date"])
    assert (born <= received).all()
    seen = parse_dates(therapy["first_contact_date"])
    assert (seen.isna() | (seen >= received)).all()
    census = read(inbox / "school_census" / "census_2025_SPR.csv")
    assert (parse_dates(census["date_of_birth"]) < parse_dates(census["census_date"])).all()


# --------------------------------------------------------------------------- calibration
def test_plans_in_force_on_the_january_2025_census_day(calibrated_snapshot):
    plan = calibrated_snapshot["namedplan"]
    day = pd.Timestamp("2025-01-16")
    start, cease = parse_dates(plan["startdate"]), parse_dates(plan["ceasedate"])
    in_force = int(((start <= day) & (cease.isna() | (cease > day))).sum())
    assert abs(in_force - 1661) <= 0.05 * 1661, in_force


def test_new_plans_and_timeliness_in_2024(calibrated_snapshot):
    snap = calibrated_snapshot
    a = snap["assessment"].merge(snap["requests"], on="requeststableid")
    a["issued"] = parse_dates(a["assessmentoutcomedate"])
    new = a[(a["assessmentoutcome"] == "Y") & (a["issued"].dt.year == 2024)]
    assert abs(len(new) - 234) <= 0.10 * 234, len(new)
    timely = new[~new["week20"].isin(["1", "true"])]
    days = (timely["issued"] - parse_dates(timely["receiveddate"])).dt.days
    assert 55 <= 100 * (days <= 140).mean() <= 70


def test_primary_needs_follow_blackpool(calibrated_snapshot):
    need = calibrated_snapshot["senneed"]
    share = need[need["sentyperank"] == "1"]["sentype"].value_counts(normalize=True)
    assert abs(share["ASD"] - 0.262) < 0.04
    assert abs(share["SLCN"] - 0.243) < 0.04
    assert abs(share["SEMH"] - 0.185) < 0.04


def test_every_placement_group_occurs(calibrated_snapshot, calibrated):
    inbox, _ = calibrated
    est = read(inbox / "reference" / "establishments.csv")
    place = calibrated_snapshot["placementdetail"].merge(est, on="urn", how="left",
                                                         suffixes=("", "_gias"))
    types = set(place["type_of_establishment"].dropna().astype(int))
    for group, codes in GROUPS.items():
        assert types & codes, f"no placement in {group}"
    assert (types - set().union(*GROUPS.values())), "no establishment outside the groups"
    assert ((place["urn"] == "") & (place["ukprn"] != "")).any()
    assert {"EHE", "OLA", "NEET", "NIEO", "EYP"} <= set(place["sensetting"])
    assert (place["placementrank"] == "2").any()
    assert (place["senunitindicator"] == "1").any()
    assert (place["resourcedprovisionindicator"] == "1").any()


def test_census_sen_shares_and_absence(calibrated):
    inbox, _ = calibrated
    census = read(inbox / "school_census" / "census_2025_SPR.csv")
    counted = census[census["enrol_status"].isin(["C", "M"])]
    share = counted["sen_provision"].value_counts(normalize=True)
    assert 0.045 <= share["E"] <= 0.075 and 0.12 <= share["K"] <= 0.16
    assert 18_000 < len(counted) < 28_000
    sessions = counted[["sessions_possible", "sessions_authorised_absence",
                        "sessions_unauthorised_absence"]].astype(int)
    absent = sessions.iloc[:, 1] + sessions.iloc[:, 2]
    assert (absent <= sessions.iloc[:, 0]).all()
    assert 0.04 < absent.sum() / sessions.iloc[:, 0].sum() < 0.12


def test_some_ks2_pupils_joined_the_school_after_the_spring_census(calibrated):
    inbox, _ = calibrated
    ks2 = read(inbox / "school_census" / "ks2_2024.csv")
    spring = read(inbox / "school_census" / "census_2024_SPR.csv")
    assert set(ks2["academic_year"]) == {"2023/24"}
    assert set(ks2["rwm_expected_standard"]) == {"Y", "N"}
    missing = ~ks2["upn"].isin(spring["upn"])
    assert 0 < missing.sum() < 0.05 * len(ks2)
    ks4 = read(inbox / "school_census" / "ks4_2024.csv")
    a8 = ks4["attainment8"].astype(float)
    assert a8.between(0, 90).all() and (ks4["progress8"] == "").any()


def test_slt_waiting_list_is_blackpool_sized(calibrated):
    inbox, _ = calibrated
    therapy = read(therapy_files(inbox)[0])
    day = pd.Timestamp("2025-01-31")
    received = parse_dates(therapy["referral_received_date"])
    ended = [parse_dates(therapy[c])
             for c in ("rejected_date", "first_contact_date", "discharge_date")]
    waiting = (received <= day)
    for end in ended:
        waiting &= end.isna() | (end > day)
    slt = waiting & (therapy["service"] == "SLT")
    assert 110 <= slt.sum() <= 210
    assert 25 <= 100 * ((day - received[slt]).dt.days > 126).mean() <= 60


def test_population_and_establishments(calibrated):
    inbox, _ = calibrated
    pop = read(inbox / "reference" / "population.csv")
    pop = pop.astype({"age": int, "population": int, "year": int})
    young = pop[(pop["la_code"] == "890") & (pop["age"] <= 25)].groupby("year")["population"].sum()
    assert young.between(42_000, 45_000).all() and len(young) >= 3
    assert set(pop["la_code"]) == {"890", "888"} and pop["age"].max() == 90
    raw = (inbox / "reference" / "establishments.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    est = read(inbox / "reference" / "establishments.csv")
    assert est["name"].str.contains("’").any() and est["urn"].is_unique
    local = est[est["la_code"] == "890"]["type_of_establishment"].astype(int)
    assert len(local) == 33 + 6 + 2 + 4 + 1 + 2


# --------------------------------------------------------------------------- messiness
def test_deliveries_carry_accepted_messiness(calibrated):
    inbox, _ = calibrated
    therapy = therapy_files(inbox)[0]
    assert therapy.read_bytes().startswith(b"\xef\xbb\xbf")
    autumn = (inbox / "school_census" / "census_2024_AUT.csv").read_text().splitlines()[0]
    assert autumn.startswith("UPN,LAEstab,URN,Census_Date")
    spring = (inbox / "school_census" / "census_2024_SPR.csv").read_text().splitlines()[0]
    assert spring.startswith("upn,laestab,urn,census_date")


def test_early_extracts_use_the_v11_layout(tmp_path):
    write_inbox(tmp_path, scale=0.1, end_period="2024-01", months=1)
    snap = snapshot(tmp_path, "05-02-2024")
    assert "gendercurrent" in snap["person"] and "sex" not in snap["person"]
    assert {"res", "wbp"} <= set(snap["activeplans"].columns)
    assert "attendancepattern" in snap["placementdetail"]
    assert (snap["sen2"]["release"] == "1.1").all()


def test_summary_reports_rows_and_calibration(calibrated):
    inbox, summary = calibrated
    rows = summary["rows"]["council_send"]
    last = snapshot(inbox, extract_dates(inbox)[-1])
    first = snapshot(inbox, extract_dates(inbox)[0])
    assert rows["namedplan"] == len(last["namedplan"]) + len(first["namedplan"])
    calibration = summary["calibration"]
    assert calibration["new_plans_2024"] == 234
    assert abs(calibration["plans_in_force_2025_01_census_day"] - 1661) < 30
