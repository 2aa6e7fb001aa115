"""Broken deliveries: each is refused with a message naming the file and the column or rule,
and the warehouse's earlier good data (and the period's measures) stay exactly as they were.

The good inbox is loaded once (``baseline``).  Each case copies the inbox and the data
folder, breaks one file of a delivery the period uses (the therapies or council snapshot
of 2026-11-05, a census term, the population file), runs the period again and compares
the warehouse and the measures CSV with the baseline.  Files written in Windows-1252 or
with a BOM, and planned dates after the extract date, must load.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.feeds.identifiers import UPN_ALPHABET
from pipeline.feeds.land import read_manifest
from pipeline.orchestration.run import validate_inbox
from tests.e2e.conftest import (PERIOD, capture_logs, cells, clone_data, column_index, copy_inbox, duckdb_url,
                                edit_csv, pseudonymisation_key, query, read_csv_file, run_case, set_cell,
                                settings_for, warehouse_state, write_csv_file)

THERAPIES = "therapies/therapy_referrals_05-11-2026.csv"
CENSUS = "school_census/census_2026_SPR.csv"
POPULATION = "reference/population.csv"
ESTABLISHMENTS = "reference/establishments.csv"
CASELOAD = "nccis/ccis_caseload_05-11-2026.csv"
TRAINING = "workforce/senco_training.csv"


def council(module: str) -> str:
    return f"council_send/Blade-Export_05-11-2026_{module}.csv"


def delivery_of(file: str) -> tuple[str, str]:
    feed, name = file.split("/")
    if feed in ("council_send", "therapies", "nccis"):
        return feed, "2026-11-05"
    return feed, Path(name).stem


# --------------------------------------------------------------------------- corruptions
# Each returns the file line number it broke (header = line 1), or None for a whole file.


def drop_column(column: str) -> Callable[[Path], None]:
    def corrupt(path: Path) -> None:
        def edit(header, rows):
            index = column_index(header, column)
            del header[index]
            for row in rows:
                del row[index]
        edit_csv(path, edit)
    return corrupt


def rename_column(column: str, new: str) -> Callable[[Path], None]:
    def corrupt(path: Path) -> None:
        edit_csv(path, lambda header, rows: header.__setitem__(column_index(header, column), new))
    return corrupt


def set_value(column: str, value: str, where=lambda r: True) -> Callable[[Path], int]:
    return lambda path: set_cell(path, column, value, where=where)


def wrong_upn_letter(path: Path) -> int:
    row, first = next((n, r["upn"]) for n, r in enumerate(cells(path)) if r["upn"])  # UPNs may be blank
    wrong = next(c for c in UPN_ALPHABET if c != first[0])
    return set_cell(path, "upn", wrong + first[1:], row=row)


def wrong_nhs_digit(path: Path) -> int:
    number = next(r["nhs_number"] for r in cells(path) if r["nhs_number"])
    wrong = number[:9] + str((int(number[9]) + 1) % 10)
    return set_cell(path, "nhs_number", wrong, where=lambda r: r["nhs_number"] == number)


def duplicate_key(column: str) -> Callable[[Path], int]:
    def corrupt(path: Path) -> int:
        first = cells(path)[0][column]
        return set_cell(path, column, first, row=1)
    return corrupt


def too_much_absence(path: Path) -> int:
    def busy(r):
        return r["sessions_possible"] not in ("", "0")
    row = next(r for r in cells(path) if busy(r))
    return set_cell(path, "sessions_authorised_absence", str(int(row["sessions_possible"]) + 1), where=busy)


def empty(path: Path) -> None:
    path.write_bytes(b"")


def header_only(path: Path) -> None:
    header, _, how = read_csv_file(path)
    write_csv_file(path, header, [], **how)


def truncate_last_line(path: Path) -> int:
    data = path.read_bytes().rstrip(b"\r\n")
    last_start = data.rindex(b"\n") + 1
    cut = last_start + (len(data) - last_start) // 3  # a third of the last line, no line end
    path.write_bytes(data[:cut])
    return data[:cut].count(b"\n") + 1


def binary_garbage(path: Path) -> int:
    data = b"\x89PNG\r\n\x1a\n\x00" + random.Random(7).randbytes(4096)
    path.write_bytes(data)
    return data[: data.index(b"\x00")].count(b"\n") + 1


def undecodable(path: Path) -> int:
    # 0x81 0x8D 0x8F 0x90 0x9D are neither UTF-8 nor defined in Windows-1252.
    data = path.read_bytes()
    lines = data.split(b"\n")
    lines[3] = lines[3].replace(b",", b",\x81\x8d", 1)
    path.write_bytes(b"\n".join(lines))
    return 4


def blank_line_then_unknown_code(path: Path) -> int:
    """A blank line early in the file; the line numbers after it are still the file's."""
    set_cell(path, "service", "DIET", row=10)  # line 12 ...
    lines = path.read_bytes().split(b"\n")
    lines.insert(5, b"")  # ... and line 13 once a blank line 6 is in front of it
    path.write_bytes(b"\n".join(lines))
    return 13


def remove_file(path: Path) -> None:
    path.unlink()


@dataclass(frozen=True)
class Case:
    id: str
    file: str
    corrupt: Callable[[Path], int | None]
    column: str  # the column the message must name ("" for a whole-file problem)
    words: tuple[str, ...]  # the rule: one of these must appear in the finding's rule or sentence


REFUSED = [
    Case("missing-column", THERAPIES, drop_column("service"), "service", ("column",)),
    Case("misspelled-column", council("requests"), rename_column("receiveddate", "recieveddate"),
         "receiveddate", ("column",)),
    Case("bad-date", THERAPIES, set_value("referral_received_date", "2026.10.01"), "referral_received_date",
         ("date",)),
    Case("impossible-date", council("requests"), set_value("receiveddate", "31/02/2025"), "receiveddate",
         ("date",)),
    Case("unknown-code", THERAPIES, set_value("service", "DIET"), "service", ("code",)),
    Case("blank-line-then-unknown-code", THERAPIES, blank_line_then_unknown_code, "service", ("code",)),
    Case("bad-upn-check-letter-census", CENSUS, wrong_upn_letter, "upn", ("upn",)),
    Case("invalid-nhs-number", THERAPIES, wrong_nhs_digit, "nhs_number", ("nhs",)),
    Case("duplicate-key", THERAPIES, duplicate_key("referral_id"), "referral_id", ("unique", "duplicate")),
    Case("orphan-row", council("requests"), set_value("persontableid", "999999"), "persontableid",
         ("parent", "orphan")),
    Case("empty-file", THERAPIES, empty, "", ("empty",)),
    Case("empty-module", council("sen2"), empty, "", ("empty",)),
    Case("header-only", THERAPIES, header_only, "", ("no data", "rows")),
    Case("truncated-last-line", THERAPIES, truncate_last_line, "", ("field", "truncated")),
    Case("binary-garbage", THERAPIES, binary_garbage, "", ("binary", "text")),
    Case("neither-utf8-nor-windows-1252", council("assessment"), undecodable, "", ("encod", "decode")),
    Case("council-missing-module", council("senneed"), remove_file, "", ("module",)),
    Case("future-received-date", THERAPIES, set_value("referral_received_date", "2026-11-20"),
         "referral_received_date", ("extract date",)),
    Case("future-request-date", council("requests"), set_value("receiveddate", "2026-Dec-01 00:00:00"),
         "receiveddate", ("extract date",)),
    Case("future-birth-date", THERAPIES, set_value("date_of_birth", "2026-11-06"), "date_of_birth",
         ("birth",)),
    Case("absence-over-possible", CENSUS, too_much_absence, "sessions_possible", ("absence", "possible")),
    Case("negative-sessions", CENSUS, set_value("sessions_unauthorised_absence", "-3"),
         "sessions_unauthorised_absence", ("at least 0", "range", "negative")),
    Case("count-too-large-for-the-warehouse", CENSUS, set_value("sessions_possible", "3000000000"),
         "sessions_possible", ("range", "at most", "too large", "whole number")),
    Case("negative-population", POPULATION, set_value("population", "-12"), "population",
         ("at least 0", "range", "negative")),
    Case("nccis-unknown-activity-code", CASELOAD, set_value("activity_code", "999"), "activity_code", ("code",)),
    Case("nccis-unknown-sen-status", CASELOAD, set_value("sen_status", "STATEMENT"), "sen_status", ("code",)),
    Case("nccis-bad-upn-check-letter", CASELOAD, wrong_upn_letter, "upn", ("upn",)),
    Case("nccis-duplicate-person", CASELOAD, duplicate_key("person_id"), "person_id", ("unique", "duplicate")),
    Case("nccis-missing-column", CASELOAD, drop_column("activity_code"), "activity_code", ("column",)),
    Case("nccis-truncated-last-line", CASELOAD, truncate_last_line, "", ("field", "truncated")),
    Case("training-school-not-in-establishments", TRAINING, set_value("urn", "999999"), "urn", ("establishments",)),
    Case("training-unknown-role", TRAINING, set_value("role", "HEADTEACHER"), "role", ("code",)),
    Case("training-bad-date", TRAINING, set_value("completed_on", "2025.03.01"), "completed_on", ("date",)),
]


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.id)
def test_broken_delivery_is_refused_and_earlier_data_kept(case, baseline, tmp_path):
    inbox = copy_inbox(baseline.inbox, tmp_path / "inbox")
    path = inbox / case.file
    line = case.corrupt(path)
    data = clone_data(baseline.data_dir, tmp_path / "data")

    with capture_logs() as logs:
        result = run_case(PERIOD, inbox, settings_for(data))

    feed, delivery = delivery_of(case.file)
    assert [(o.feed, o.delivery) for o in result.refused] == [(feed, delivery)], result.reason()
    blocking = [f for f in result.refused[0].findings if f.blocking]
    assert blocking, "refused without a blocking finding"

    def names_it(f) -> bool:
        text = f"{f.rule} {f.sentence}".lower()
        if case.id == "council-missing-module":  # the whole snapshot; the missing module is named
            return "senneed" in f.sentence and "2026-11-05" in f"{f.file} {f.sentence}" and "module" in text
        named_rule = any(word in text for word in case.words)
        return (f.file == path.name and path.name in f.sentence and f.column == case.column and named_rule
                and (case.column in f.sentence or any(word in f.sentence.lower() for word in case.words)))

    named = [f for f in blocking if names_it(f)]
    assert named, f"no finding names {path.name} / {case.column or case.words}: " + \
        "; ".join(f"[{f.file}|{f.column}|{f.rule}] {f.sentence}" for f in blocking)
    if line is not None:
        assert any(line in f.sample_rows or f"line {line}" in f.sentence for f in named), \
            f"line {line} is not named: {[(f.sample_rows, f.sentence) for f in named]}"
    report = result.report.read_text(encoding="utf-8").splitlines()
    assert any(named[0].sentence in text and named[0].file in text and f"`{case.column or '-'}`" in text
               for text in report), "\n".join(report)
    assert result.reason().startswith("refused: ") and feed in result.reason()
    if case.column in ("upn", "nhs_number"):  # the bad identifier is named by line, never printed
        value = cells(path)[line - 2][case.column]
        printed = "\n".join(logs.lines + report + [f.sentence for f in result.refused[0].findings])
        assert value not in printed

    # the earlier good data and the period's measures are exactly as they were
    assert warehouse_state(duckdb_url(data)) == baseline.state
    assert result.measures_csv.read_bytes() == baseline.measures_csv


# --------------------------------------------------------------------------- deliveries that must load

ACCENTED_NAME = "École Saint-Zoë’s Primary, Blackpool"


def establishments_as(encoding: str, bom: bool) -> Callable[[Path], None]:
    def rewrite(path: Path) -> None:
        header, rows, how = read_csv_file(path)
        rows[0][column_index(header, "name")] = ACCENTED_NAME
        write_csv_file(path, header, rows, encoding=encoding, bom=bom, newline=how["newline"])
    return rewrite


def council_mixed_encodings_v11(path: Path) -> None:
    """One snapshot: person in Windows-1252 (CRLF, accented names) with the SEN2 v1.1 name
    ``gendercurrent`` for ``sex``; sen2 in UTF-8 with a BOM; v1.1's ``res``/``wbp`` on activeplans."""
    folder = path.parent
    person = folder / "Blade-Export_05-11-2026_person.csv"
    header, rows, _ = read_csv_file(person)
    rows[0][column_index(header, "surname")] = "Brontë"
    rows[1][column_index(header, "forename")] = "Zoë"
    header[column_index(header, "sex")] = "gendercurrent"
    write_csv_file(person, header, rows, encoding="cp1252", newline="\r\n")
    sen2 = folder / "Blade-Export_05-11-2026_sen2.csv"
    header, rows, _ = read_csv_file(sen2)
    write_csv_file(sen2, header, rows, encoding="utf-8", bom=True)

    def add_res_wbp(header, rows):
        header += ["res", "wbp"]
        for row in rows:
            row += ["1", "0"]
    edit_csv(folder / "Blade-Export_05-11-2026_activeplans.csv", add_res_wbp)


def planned_future_dates(path: Path) -> None:
    folder = path.parent
    set_cell(folder / "Blade-Export_05-11-2026_namedplan.csv", "ceasedate", "2027-03-31", row=0)
    set_cell(folder / "Blade-Export_05-11-2026_placementdetail.csv", "leavingdate", "31/07/2027", row=0)
    set_cell(folder / "Blade-Export_05-11-2026_activeplans.csv", "reviewmeeting", "2027-Jan-15 00:00:00", row=0)


def _establishment_name(url: str, urn: str) -> str:
    names = query(url, "select establishment_name from src_reference__establishments where urn = :u", u=urn)
    return names.iloc[0, 0]


def _check_name(url: str, inbox: Path, outcome) -> None:
    assert _establishment_name(url, cells(inbox / ESTABLISHMENTS)[0]["urn"]) == ACCENTED_NAME


def _check_planned(url: str, inbox: Path, outcome) -> None:
    plan = cells(inbox / council("namedplan"))[0]["namedplantableid"]
    got = query(url, "select ceasedate from src_council_send__namedplan where extract_date = '2026-11-05' "
                     "and namedplantableid = :i", i=int(plan))
    assert str(got.iloc[0, 0])[:10] == "2027-03-31"
    placement = cells(inbox / council("placementdetail"))[0]["placementdetailtableid"]
    got = query(url, "select leavingdate from src_council_send__placementdetail where extract_date = '2026-11-05' "
                     "and placementdetailtableid = :i", i=int(placement))
    assert str(got.iloc[0, 0])[:10] == "2027-07-31"


def _check_council(url: str, inbox: Path, outcome) -> None:
    source = {int(r["persontableid"]): r["gendercurrent"] for r in cells(inbox / council("person"))}
    got = query(url, "select persontableid, sex from src_council_send__person where extract_date = '2026-11-05'")
    assert dict(zip(got["persontableid"].astype(int), got["sex"])) == source
    res = query(url, "select distinct res, wbp from src_council_send__activeplans where extract_date = '2026-11-05'")
    assert res.values.tolist() == [["1", "0"]]
    lea = query(url, "select lea from src_council_send__sen2 where extract_date = '2026-11-05'")
    assert lea.values.tolist() == [["890"]]


def long_wait(path: Path) -> None:
    def edit(header, rows):
        for column, value in (("referral_received_date", "15/01/2020"), ("rejected_date", ""),
                              ("first_contact_date", ""), ("discharge_date", ""), ("discharge_reason", "")):
            rows[0][column_index(header, column)] = value
    edit_csv(path, edit)


def old_plan(path: Path) -> None:
    set_cell(path, "startdate", "1999-05-01", row=0)


def fewer_rows(path: Path) -> None:
    edit_csv(path, lambda header, rows: rows.__delitem__(slice(20, None)))


def warns(file: str, column: str | None, *words: str):
    """The delivery loads with a warning (not a refusal) naming the file and column or rule."""
    name = Path(file).name

    def check(url: str, inbox: Path, outcome) -> None:
        found = [f for f in outcome.findings if f.severity == "warning" and f.file == name
                 and (column is None or f.column == column)
                 and any(w in f"{f.rule} {f.sentence}".lower() for w in words)]
        assert found, [(f.severity, f.file, f.column, f.rule, f.sentence) for f in outcome.findings]
    return check


def trailing_empty_rows(path: Path) -> None:
    """What a spreadsheet often leaves at the end: rows of empty fields and blank lines."""
    header, _, _ = read_csv_file(path)
    path.write_bytes(path.read_bytes() + ("," * (len(header) - 1) + "\n").encode() * 2 + b"\n")


def _check_referral_rows(url: str, inbox: Path, outcome) -> None:
    got = query(url, "select count(*) from src_therapies__referrals where extract_date = '2026-11-05'")
    assert got.iloc[0, 0] == len([r for r in cells(inbox / THERAPIES) if any(r.values())])


LOADED = [
    ("establishments-windows-1252", ESTABLISHMENTS, establishments_as("cp1252", False), _check_name),
    ("establishments-utf8-bom", ESTABLISHMENTS, establishments_as("utf-8", True), _check_name),
    ("council-windows-1252-bom-and-v1.1-names", council("person"), council_mixed_encodings_v11, _check_council),
    ("planned-future-dates", council("namedplan"), planned_future_dates, _check_planned),
    ("trailing-empty-rows", THERAPIES, trailing_empty_rows, _check_referral_rows),
    ("wait-over-3-years-warns", THERAPIES, long_wait, warns(THERAPIES, "referral_received_date", "3 years")),
    ("plan-over-25-years-warns", council("namedplan"), old_plan, warns(council("namedplan"), "startdate", "25 years")),
    ("unusual-volume-warns", THERAPIES, fewer_rows, warns(THERAPIES, None, "volume", "fewer", "previous", "unusual")),
]


@pytest.mark.parametrize("case_id, file, change, check", LOADED, ids=[c[0] for c in LOADED])
def test_acceptable_delivery_loads(case_id, file, change, check, baseline, tmp_path):
    inbox = copy_inbox(baseline.inbox, tmp_path / "inbox")
    change(inbox / file)
    data = clone_data(baseline.data_dir, tmp_path / "data")

    result = run_case(PERIOD, inbox, settings_for(data))

    assert not result.refused, [f.sentence for o in result.refused for f in o.findings]
    feed, delivery = delivery_of(file)
    outcome, = [o for o in result.outcomes if (o.feed, o.delivery) == (feed, delivery)]
    assert (outcome.status, outcome.version) == ("loaded", 2)
    assert not [f for f in outcome.findings if f.blocking]
    check(duckdb_url(data), inbox, outcome)
    report = result.report.read_text(encoding="utf-8")
    for finding in outcome.findings:  # warnings are recorded in the report
        assert finding.sentence in report


def test_baseline_keeps_non_ascii_text_and_reads_bom_files(baseline):
    """The synthetic establishments file is Windows-1252 (’ in names); therapies carry a BOM."""
    source = {r["urn"]: r["name"] for r in cells(baseline.inbox / ESTABLISHMENTS)}
    assert any("’" in name for name in source.values())
    stored = query(baseline.url, "select urn, establishment_name from src_reference__establishments")
    assert dict(zip(stored["urn"], stored["establishment_name"])) == source
    ids = query(baseline.url, "select referral_id from src_therapies__referrals where extract_date = '2026-11-05'")
    assert sorted(ids["referral_id"]) == sorted(r["referral_id"] for r in cells(baseline.inbox / THERAPIES))


def test_bom_then_windows_1252_bytes_is_refused_or_read_never_a_crash(baseline, tmp_path):
    """A UTF-8 BOM followed by a Windows-1252 byte (É = 0xC9 in referral_source on one line).

    Either reading is defensible (refuse it, naming the file and line, or read the rest as
    Windows-1252); stopping the whole run with a UnicodeDecodeError is not.
    """
    inbox = copy_inbox(baseline.inbox, tmp_path / "inbox")
    path = inbox / THERAPIES
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.split(b"\n")
    number, changed = next((i + 1, line) for i, line in enumerate(lines) if b",SCHOOL," in line)
    lines[number - 1] = changed.replace(b",SCHOOL,", b",\xc9COLE,", 1)
    path.write_bytes(b"\n".join(lines))
    referral = changed.split(b",", 1)[0].decode()
    data_dir = clone_data(baseline.data_dir, tmp_path / "data")

    result = run_case(PERIOD, inbox, settings_for(data_dir))  # must not raise

    assert result.measures_csv.read_bytes() == baseline.measures_csv or not result.refused
    if result.refused:
        assert [(o.feed, o.delivery) for o in result.refused] == [("therapies", "2026-11-05")]
        finding = next(f for f in result.refused[0].findings if f.blocking)
        assert finding.file == path.name and path.name in finding.sentence
        assert warehouse_state(duckdb_url(data_dir)) == baseline.state
    else:
        got = query(duckdb_url(data_dir), "select referral_source from src_therapies__referrals "
                    "where extract_date = '2026-11-05' and referral_id = :r", r=referral)
        assert got.iloc[0, 0] == "ÉCOLE"


# --------------------------------------------------------------------------- same bytes twice, corrections


def _manifests(data: Path) -> dict[str, bytes]:
    return {p.parent.name: p.read_bytes() for p in sorted((data / "raw").glob("*/manifest.csv"))}


def _versions(data: Path) -> list[str]:
    return sorted(str(p.relative_to(data)) for p in (data / "raw").glob("*/*/v*"))


def test_same_bytes_twice_land_and_load_nothing(baseline, tmp_path):
    data = clone_data(baseline.data_dir, tmp_path / "data")
    manifests, versions = _manifests(data), _versions(data)

    result = run_case(PERIOD, baseline.inbox, settings_for(data))

    assert not result.refused
    assert result.outcomes and {o.status for o in result.outcomes} == {"unchanged"}
    assert _manifests(data) == manifests
    assert _versions(data) == versions
    assert warehouse_state(duckdb_url(data)) == baseline.state
    assert result.measures_csv.read_bytes() == baseline.measures_csv


def _referrals(url: str, extract: str) -> dict[str, str]:
    rows = query(url, "select referral_id, priority from src_therapies__referrals where extract_date = :d", d=extract)
    return dict(zip(rows["referral_id"], rows["priority"]))


def test_corrected_therapies_snapshot_replaces_the_first(baseline, tmp_path):
    inbox = copy_inbox(baseline.inbox, tmp_path / "inbox")
    path = inbox / THERAPIES
    original = cells(path)
    flipped = "URGENT" if original[0]["priority"] == "ROUTINE" else "ROUTINE"

    def correct(header, rows):
        rows.pop()  # a referral entered in error is removed
        rows[0][column_index(header, "priority")] = flipped

    edit_csv(path, correct)
    data = clone_data(baseline.data_dir, tmp_path / "data")
    before_october = _referrals(baseline.url, "2026-10-05")

    result = run_case(PERIOD, inbox, settings_for(data))

    assert not result.refused
    outcome, = [o for o in result.outcomes if o.feed == "therapies"]
    assert (outcome.delivery, outcome.version, outcome.status) == ("2026-11-05", 2, "loaded")
    url = duckdb_url(data)
    expected = {r["referral_id"]: r["priority"] for r in original[:-1]}
    expected[original[0]["referral_id"]] = flipped
    assert _referrals(url, "2026-11-05") == expected  # v1's rows replaced, none left over
    assert _referrals(url, "2026-10-05") == before_october
    loads = query(url, "select version, rows_loaded from meta_loads "
                       "where feed = 'therapies' and delivery = '2026-11-05'")
    assert loads.values.tolist() == [[2, len(original) - 1]]
    manifest = [r for r in read_manifest(data / "raw", "therapies") if r["delivery"] == "2026-11-05"]
    assert [r["version"] for r in manifest] == ["1", "2"]
    first = data / "raw/therapies/2026-11-05/v1" / path.name
    assert first.read_bytes() == (baseline.inbox / THERAPIES).read_bytes()  # never modified
    assert (data / "raw/therapies/2026-11-05/v2" / path.name).read_bytes() == path.read_bytes()

    again = run_case(PERIOD, inbox, settings_for(data))  # the correction again: nothing to do
    assert {o.status for o in again.outcomes} == {"unchanged"}
    assert again.measures_csv.read_bytes() == result.measures_csv.read_bytes()


def test_corrected_council_snapshot_replaces_every_module(baseline, tmp_path):
    inbox = copy_inbox(baseline.inbox, tmp_path / "inbox")
    needs = cells(inbox / council("senneed"))
    dropped = needs[-1]["senneedtableid"]
    edit_csv(inbox / council("senneed"), lambda header, rows: rows.pop())
    data = clone_data(baseline.data_dir, tmp_path / "data")

    result = run_case(PERIOD, inbox, settings_for(data))

    assert not result.refused
    outcome, = [o for o in result.outcomes if o.feed == "council_send"]
    assert (outcome.delivery, outcome.version, outcome.status) == ("2026-11-05", 2, "loaded")
    url = duckdb_url(data)
    ids = query(url, "select senneedtableid from src_council_send__senneed where extract_date = '2026-11-05'")
    assert sorted(ids["senneedtableid"]) == sorted(int(r["senneedtableid"]) for r in needs[:-1])
    assert int(dropped) not in set(ids["senneedtableid"])
    state = warehouse_state(url)
    for table in ("src_council_send__person", "src_council_send__requests", "src_therapies__referrals",
                  "src_school_census__census"):
        assert state[table] == baseline.state[table], table


# --------------------------------------------------------------------------- one engine after another


def test_refusal_and_correction_on_each_engine(warehouse_url, small_inbox, tmp_path):
    """Therapies only, on DuckDB and PostgreSQL: v1 loads, a corrected v2 replaces it, a broken
    v3 is refused and v2's rows stay."""
    inbox = tmp_path / "inbox" / "therapies"
    inbox.mkdir(parents=True)
    path = inbox / Path(THERAPIES).name
    path.write_bytes((small_inbox / THERAPIES).read_bytes())
    settings = settings_for(tmp_path / "data", warehouse_url)

    def run():
        return run_case(PERIOD, inbox.parent, settings, feeds=("therapies",))

    first = run()
    assert [(o.version, o.status) for o in first.outcomes] == [(1, "loaded")]
    edit_csv(path, lambda header, rows: rows.pop())
    second = run()
    assert [(o.version, o.status) for o in second.outcomes] == [(2, "loaded")]
    state = warehouse_state(warehouse_url)
    assert state["src_therapies__referrals"][0] == len(cells(path))
    csv_before = second.measures_csv.read_bytes()
    set_cell(path, "service", "DIET", row=0)
    third = run()
    assert [(o.version, o.status) for o in third.outcomes] == [(3, "refused")]
    assert warehouse_state(warehouse_url) == state
    assert third.measures_csv.read_bytes() == csv_before


def test_refused_first_delivery_falls_back_to_the_earlier_snapshot_marked_stale(small_inbox, tmp_path):
    """No good version of the period's snapshot yet: the one before PE is used, marked stale."""
    inbox = tmp_path / "inbox" / "therapies"
    inbox.mkdir(parents=True)
    for name in ("therapy_referrals_05-10-2026.csv", "therapy_referrals_05-11-2026.csv"):
        (inbox / name).write_bytes((small_inbox / "therapies" / name).read_bytes())
    set_cell(inbox / "therapy_referrals_05-11-2026.csv", "priority", "SOON", row=2)
    data = tmp_path / "data"

    result = run_case(PERIOD, inbox.parent, settings_for(data), feeds=("therapies",))

    assert [(o.delivery, o.status) for o in result.outcomes] == [("2026-11-05", "refused"), ("2026-10-05", "loaded")]
    assert "therapies" in result.stale_feeds
    url = duckdb_url(data)
    extracts = query(url, "select distinct extract_date from src_therapies__referrals")
    assert [str(v)[:10] for v in extracts.iloc[:, 0]] == ["2026-10-05"]
    used = query(url, "select extract_date, is_stale from measure_snapshots where period = :p and feed = 'therapies'",
                 p=PERIOD)
    assert [(str(a)[:10], bool(b)) for a, b in used.values.tolist()] == [("2026-10-05", True)]


# --------------------------------------------------------------------------- checking without loading


def test_validate_inbox_names_files_without_landing(small_inbox, tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "therapies").mkdir(parents=True)
    (inbox / "council_send").mkdir()
    for name in ("therapy_referrals_05-10-2026.csv", "therapy_referrals_05-11-2026.csv"):
        (inbox / "therapies" / name).write_bytes((small_inbox / "therapies" / name).read_bytes())
    for module in ("sen2", "person", "requests", "assessment", "namedplan", "plandetail", "activeplans",
                   "placementdetail", "senneed"):
        name = Path(council(module)).name
        (inbox / "council_send" / name).write_bytes((small_inbox / "council_send" / name).read_bytes())
    line = set_cell(inbox / "therapies/therapy_referrals_05-11-2026.csv", "nhs_number", "1234567890", row=3)
    orphan = set_cell(inbox / council("senneed"), "activeplanstableid", "987654", row=2)
    (inbox / "therapies" / "referrals-latest.csv").write_text("referral_id\n1\n", encoding="utf-8")
    listing = sorted(p.relative_to(inbox) for p in inbox.rglob("*"))

    outcomes, findings = validate_inbox(inbox, pseudonymisation_key())

    status = {(o.feed, o.delivery): o.status for o in outcomes}
    assert status == {("council_send", "2026-11-05"): "refused", ("therapies", "2026-10-05"): "valid",
                      ("therapies", "2026-11-05"): "refused"}
    by_delivery = {(o.feed, o.delivery): [f for f in o.findings if f.blocking] for o in outcomes}
    nhs, = by_delivery[("therapies", "2026-11-05")]
    assert (nhs.file, nhs.column, nhs.sample_rows) == ("therapy_referrals_05-11-2026.csv", "nhs_number", [line])
    assert "therapy_referrals_05-11-2026.csv" in nhs.sentence and "1234567890" not in nhs.sentence
    orphans, = by_delivery[("council_send", "2026-11-05")]
    assert (orphans.file, orphans.column, orphans.sample_rows) == (
        "Blade-Export_05-11-2026_senneed.csv", "activeplanstableid", [orphan])
    assert [f.file for f in findings] == ["referrals-latest.csv"] and not findings[0].blocking
    assert sorted(p.relative_to(inbox) for p in inbox.rglob("*")) == listing  # nothing written to the inbox
