"""Staging and validating the nccis caseload and the workforce training log (FEEDS.md).

Small CSV files are written in ``tmp_path`` in the inbox layout (``<inbox>/nccis/``,
``<inbox>/workforce/``, ``<inbox>/reference/establishments.csv``), staged with
``pipeline.feeds.stage.nccis`` / ``.workforce`` and checked with the committed suites
(``expectations/nccis/caseload.json``, ``expectations/workforce/training.json``). A finding
must name the file, the column, the rule and the line (the header is line 1).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipeline.feeds.contracts import CASELOAD, TRAINING
from pipeline.feeds.identifiers import UPN_ALPHABET, upn_check_letter
from pipeline.feeds.land import land_inbox
from pipeline.feeds.pseudonymise import pseudonymise_value
from pipeline.feeds.reading import UnreadableFile
from pipeline.feeds.stage import warehouse_columns
from pipeline.feeds.stage.nccis import academic_age, stage_caseload
from pipeline.feeds.stage.workforce import establishments_file, known_urns, stage_training
from pipeline.feeds.validate import validate_frame

KEY = b"test-key"
EXTRACT = date(2024, 4, 4)
CASELOAD_NAME = "ccis_caseload_04-04-2024.csv"


def _upn(body: str) -> str:
    return upn_check_letter(body) + body


UPN1, UPN2 = _upn("890200001001"), _upn("890200001002")
WRONG_UPN = next(c for c in UPN_ALPHABET if c != UPN1[0]) + UPN1[1:]
CASELOAD_HEADER = ("person_id,upn,uln,surname,forename,postcode,date_of_birth,la_code,sen_status,activity_code,"
                   "activity_start_date,currency_lapsed")
# academic age at the extract (4 April 2024) is the age on 31 August 2023
CASELOAD_ROWS = [
    f"P1,{UPN1},1234567890,Smith,Amy,FY1 1AA,2007-01-15,890,EHCP,210,2023-09-04,N",  # line 2: 16
    "P2,,,Jones,Ben,FY2 2BB,15/10/2006,890,SEN_support,540,2024-01-10,Y",  # line 3: 16, mixed-case status
    f"P3,{UPN2},,Patel,Cara,FY3 3CC,2005-09-30,890,NO_SEN,310,2023-Sep-28 00:00:00,",  # line 4: 17
    "P4,,2345678901,Brown,Dan,FY4 4DD,2002-03-01,890,EHCP,230,2022-09-01,N",  # line 5: 21
    "P5,,,Green,Eve,FY5 5EE,1999-08-31,890,,810,2024-03-01,N",  # line 6: 24, status not recorded
]
IDENTIFIERS = [UPN1, UPN2, "1234567890", "2345678901", "Smith", "Amy", "FY1 1AA", "Jones", "FY2 2BB",
               "2007-01-15", "15/10/2006", "2005-09-30", "2002-03-01", "1999-08-31"]


def write_caseload(tmp_path: Path, rows: list[str] | None = None, *, name: str = CASELOAD_NAME,
                   encoding: str = "utf-8", ending: str = "\n") -> Path:
    folder = tmp_path / "inbox" / "nccis"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    lines = [CASELOAD_HEADER] + (CASELOAD_ROWS if rows is None else rows)
    path.write_bytes((ending.join(lines) + ending).encode(encoding))
    return path


def with_row(line: int, row: str) -> list[str]:
    """The good caseload with the row on file line ``line`` replaced."""
    rows = list(CASELOAD_ROWS)
    rows[line - 2] = row
    return rows


def check_caseload(path: Path):
    frame, findings = stage_caseload(path, KEY, EXTRACT)
    return frame, findings + validate_frame(frame, CASELOAD, path.name, EXTRACT)


def names(finding, path: Path, column: str, line: int | None) -> bool:
    """The finding names the file, the column and (when given) the line."""
    where = finding.file == path.name and path.name in finding.sentence and finding.column == column
    return where and (line is None or line in finding.sample_rows or f"line {line}" in finding.sentence)


def cells(frame: pd.DataFrame) -> list[str]:
    """Every cell of a frame as text (index included)."""
    return [str(v) for v in frame.reset_index().to_numpy().ravel()]


def describe(findings) -> list[tuple]:
    return [(f.severity, f.file, f.column, f.rule, f.sample_rows, f.sentence) for f in findings]


# --------------------------------------------------------------------------- academic age
@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        # PE 31 March 2024: the age on 31 August 2023
        ("2006-09", date(2024, 3, 31), 16), ("2006-08", date(2024, 3, 31), 17), ("2007-08", date(2024, 3, 31), 16),
        ("2007-09", date(2024, 3, 31), 15), ("2005-08", date(2024, 3, 31), 18), ("2005-09", date(2024, 3, 31), 17),
        ("2004-08", date(2024, 3, 31), 19), ("1999-08", date(2024, 3, 31), 24), ("1998-08", date(2024, 3, 31), 25),
        ("2006-12", date(2024, 3, 31), 16), ("2007-01", date(2024, 3, 31), 16),
        # the switch: August 2024 still counts from 31 August 2023, September 2024 from 31 August 2024
        ("2007-08", date(2024, 8, 31), 16), ("2007-08", date(2024, 9, 30), 17),
        ("2007-09", date(2024, 8, 31), 15), ("2007-09", date(2024, 9, 1), 16),
        ("2006-09", date(2024, 12, 31), 17), ("2006-09", date(2025, 1, 1), 17),
    ],
)
def test_academic_age(born, on, age):
    assert academic_age(pd.Series([born]), on).iloc[0] == age


def test_academic_age_unknown_without_a_birth_month():
    ages = academic_age(pd.Series([None, "2007-01"], dtype="object"), date(2024, 3, 31))
    assert pd.isna(ages.iloc[0]) and ages.iloc[1] == 16


# --------------------------------------------------------------------------- nccis: a good file
def test_good_caseload_stages_without_findings(tmp_path):
    path = write_caseload(tmp_path)
    frame, findings = check_caseload(path)
    assert findings == [], describe(findings)
    assert list(frame.index) == [2, 3, 4, 5, 6]  # file line numbers
    staged = frame.set_index("person_id")
    assert staged.loc["P2", "sen_status"] == "SEN_SUPPORT"  # written SEN_support: accepted, upper case
    assert pd.isna(staged.loc["P5", "sen_status"])  # blank: not recorded
    assert list(staged["activity_code"]) == ["210", "540", "310", "230", "810"]
    assert staged.loc["P1", "currency_lapsed"] == False  # noqa: E712 - a nullable boolean
    assert staged.loc["P2", "currency_lapsed"] == True  # noqa: E712
    assert pd.isna(staged.loc["P3", "currency_lapsed"])
    assert pd.Timestamp(staged.loc["P3", "activity_start_date"]) == pd.Timestamp("2023-09-28")


def test_caseload_keeps_no_direct_identifier(tmp_path):
    path = write_caseload(tmp_path)
    frame, _ = stage_caseload(path, KEY, EXTRACT)
    loaded = warehouse_columns(frame)
    assert set(loaded.columns) == {"person_id", "pupil_key", "learner_key", "birth_year_month", "la_code",
                                   "sen_status", "activity_code", "activity_start_date", "currency_lapsed"}
    for column in ("surname", "forename", "postcode", "upn", "uln", "date_of_birth"):
        assert column not in frame.columns
    text = cells(frame)
    for value in IDENTIFIERS:
        assert not any(value in cell for cell in text), value
    staged = frame.set_index("person_id")
    assert list(staged["birth_year_month"]) == ["2007-01", "2006-10", "2005-09", "2002-03", "1999-08"]
    assert staged.loc["P1", "pupil_key"] == pseudonymise_value(UPN1, KEY, "upn")
    assert staged.loc["P1", "learner_key"] == pseudonymise_value("1234567890", KEY, "uln")
    assert pd.isna(staged.loc["P2", "pupil_key"]) and pd.isna(staged.loc["P2", "learner_key"])
    assert staged.loc["P1", "pupil_key"] != staged.loc["P3", "pupil_key"]


# --------------------------------------------------------------------------- nccis: blocking
def test_invalid_upn_check_letter_is_blocking_and_not_printed(tmp_path):
    path = write_caseload(tmp_path, with_row(2, CASELOAD_ROWS[0].replace(UPN1, WRONG_UPN)))
    _, findings = check_caseload(path)
    found = [f for f in findings if f.blocking and names(f, path, "upn", 2)]
    assert found, describe(findings)
    assert all(WRONG_UPN not in f.sentence for f in findings)


def test_activity_code_outside_the_list_is_blocking(tmp_path):
    path = write_caseload(tmp_path, with_row(4, CASELOAD_ROWS[2].replace(",310,", ",999,")))
    _, findings = check_caseload(path)
    found = [f for f in findings if f.blocking and names(f, path, "activity_code", 4)]
    assert found, describe(findings)
    assert "code" in found[0].rule.lower() and found[0].rows_affected == 1
    assert found[0].sample_rows == [4] and "lines 4" in found[0].sentence


def test_duplicated_person_id_is_blocking(tmp_path):
    path = write_caseload(tmp_path, with_row(5, CASELOAD_ROWS[3].replace("P4,", "P1,", 1)))
    _, findings = check_caseload(path)
    found = [f for f in findings if f.blocking and names(f, path, "person_id", 5)]
    assert found, describe(findings)
    assert any(word in f"{found[0].rule} {found[0].sentence}".lower() for word in ("unique", "repeat", "duplicate"))


def test_birth_after_the_extract_is_blocking(tmp_path):
    path = write_caseload(tmp_path, with_row(3, CASELOAD_ROWS[1].replace("15/10/2006", "2024-04-05")))
    _, findings = check_caseload(path)
    assert [f for f in findings if f.blocking and names(f, path, "date_of_birth", 3)], describe(findings)


# --------------------------------------------------------------------------- nccis: warnings only
@pytest.mark.parametrize(
    ("line", "row", "column", "words"),
    [
        # a pupil code 110-150 should not appear: a warning
        (2, CASELOAD_ROWS[0].replace(",210,", ",120,"), "activity_code", ("110-150", "school")),
        # an activity starting after the extract date (a start date agreed): a warning
        (3, CASELOAD_ROWS[1].replace("2024-01-10", "2024-05-01"), "activity_start_date", ("after", "extract")),
        # born September 2007: academic age 15 at the extract, a warning
        (4, CASELOAD_ROWS[2].replace("2005-09-30", "2007-09-01"), "date_of_birth", ("16 to 24", "age")),
    ],
    ids=["pupil-code-120", "future-activity-start", "aged-15"],
)
def test_plausibility_is_only_a_warning(tmp_path, line, row, column, words):
    path = write_caseload(tmp_path, with_row(line, row))
    frame, findings = check_caseload(path)
    assert not [f for f in findings if f.blocking], describe(findings)
    found = [f for f in findings if f.severity == "warning" and names(f, path, column, line)
             and any(w in f"{f.rule} {f.sentence}".lower() for w in words)]
    assert found, describe(findings)
    assert len(frame) == len(CASELOAD_ROWS)  # the row is still staged


# --------------------------------------------------------------------------- nccis: file shape
def test_truncated_last_line_is_refused_naming_the_line(tmp_path):
    path = write_caseload(tmp_path)
    data = path.read_bytes().rstrip(b"\n")
    path.write_bytes(data[: data.rindex(b",2024-03-01")])  # the last line cut short, no line end
    with pytest.raises(UnreadableFile) as caught:
        stage_caseload(path, KEY, EXTRACT)
    finding = caught.value.finding
    assert finding.blocking and finding.file == path.name and path.name in finding.sentence
    assert 6 in finding.sample_rows and "line 6" in finding.sentence


def test_windows_1252_caseload_with_crlf_is_read(tmp_path):
    rows = with_row(2, CASELOAD_ROWS[0].replace("Smith,Amy", "Brontë,Zoë"))
    rows[1] = rows[1].replace("Jones", "O’Neill")  # line 3
    path = write_caseload(tmp_path, rows, encoding="cp1252", ending="\r\n")
    assert "ë".encode("cp1252") in path.read_bytes()
    frame, findings = check_caseload(path)
    assert findings == [], describe(findings)
    assert list(frame["person_id"]) == ["P1", "P2", "P3", "P4", "P5"]
    text = " ".join(cells(frame))
    assert "Brontë" not in text and "O’Neill" not in text


# --------------------------------------------------------------------------- workforce
TRAINING_HEADER = "record_id,urn,role,course,completed_on,staff_ref"
TRAINING_ROWS = [
    "R1,200001,SENCO,GRADUATED_APPROACH,2024-01-15,ST001",  # line 2
    "R2,200001,assistant_SENCO,GRADUATED_APPROACH,15/02/2024,ST002",  # line 3: roles as FEEDS.md writes them
    "R3,200002,teacher,AUTISM_AWARENESS,2023-Nov-01 00:00:00,ST003",  # line 4
    "R4,200002,TA,graduated_approach,2023-10-01,",  # line 5
    "R5,200003,other,GRADUATED_APPROACH,2023-10-02,ST005",  # line 6
]
ESTABLISHMENTS_HEADER = "urn,ukprn,name,la_code,type_of_establishment,phase"
ESTABLISHMENTS_ROWS = [
    "200001,,École Saint-Zoë’s Primary,890,1,Primary",
    "200002,10001111,Seaview Academy,890,28,Secondary",
    "200003,,Hilltop Free School,890,35,Secondary",
]


def write_training(tmp_path: Path, rows: list[str] | None = None, *, encoding: str = "utf-8",
                   establishments: list[str] | None = ESTABLISHMENTS_ROWS) -> Path:
    inbox = tmp_path / "inbox"
    (inbox / "workforce").mkdir(parents=True, exist_ok=True)
    path = inbox / "workforce" / "senco_training.csv"
    path.write_bytes(("\n".join([TRAINING_HEADER] + (TRAINING_ROWS if rows is None else rows)) + "\n")
                     .encode(encoding))
    if establishments is not None:
        (inbox / "reference").mkdir(exist_ok=True)
        (inbox / "reference" / "establishments.csv").write_bytes(
            ("\n".join([ESTABLISHMENTS_HEADER] + establishments) + "\n").encode("cp1252"))
    return path


def check_training(path: Path):
    frame, findings = stage_training(path, KEY, establishments_file(path, False))
    return frame, findings + validate_frame(frame, TRAINING, path.name, None)


def test_good_training_log_stages_without_findings(tmp_path):
    path = write_training(tmp_path)
    frame, findings = check_training(path)
    assert findings == [], describe(findings)
    assert list(frame.index) == [2, 3, 4, 5, 6]
    assert list(frame["role"]) == ["SENCO", "ASSISTANT_SENCO", "TEACHER", "TA", "OTHER"]
    assert list(frame["course"]) == ["GRADUATED_APPROACH", "GRADUATED_APPROACH", "AUTISM_AWARENESS",
                                     "GRADUATED_APPROACH", "GRADUATED_APPROACH"]
    assert [pd.Timestamp(d).date() for d in frame["completed_on"]] == [
        date(2024, 1, 15), date(2024, 2, 15), date(2023, 11, 1), date(2023, 10, 1), date(2023, 10, 2)]
    assert set(warehouse_columns(frame).columns) == {"record_id", "urn", "role", "course", "completed_on"}
    assert "staff_ref" not in frame.columns


def test_establishments_file_and_known_urns(tmp_path):
    path = write_training(tmp_path)
    establishments = establishments_file(path, False)
    assert establishments == tmp_path / "inbox" / "reference" / "establishments.csv"
    assert known_urns(establishments) == {"200001", "200002", "200003"}  # read from Windows-1252
    assert known_urns(None) is None
    broken = tmp_path / "establishments.csv"
    broken.write_bytes(b"")
    assert known_urns(broken) is None


def test_landed_log_is_checked_against_the_landed_establishments(tmp_path):
    write_training(tmp_path)
    raw = tmp_path / "raw"
    landed, findings = land_inbox(tmp_path / "inbox", raw, ("reference", "workforce"))
    assert not findings
    log, = [d for d in landed if d.feed == "workforce"]
    training = log.files["training"]
    establishments = establishments_file(training, True)
    assert establishments is not None and raw in establishments.parents
    assert known_urns(establishments) == {"200001", "200002", "200003"}
    (tmp_path / "inbox" / "reference" / "establishments.csv").unlink()  # the inbox copy does not matter
    _, staged_findings = stage_training(training, KEY, establishments_file(training, True))
    assert staged_findings == []


def test_training_urn_not_in_establishments_is_blocking(tmp_path):
    rows = list(TRAINING_ROWS)
    rows[2] = rows[2].replace("200002", "299999")  # line 4
    path = write_training(tmp_path, rows)
    _, findings = check_training(path)
    found = [f for f in findings if f.blocking and names(f, path, "urn", 4)]
    assert found, describe(findings)
    assert "establishments.csv" in found[0].sentence and found[0].rows_affected == 1


def test_no_establishments_file_is_blocking_and_says_what_to_do(tmp_path):
    path = write_training(tmp_path, establishments=None)
    assert establishments_file(path, False) is None
    _, findings = check_training(path)
    found = [f for f in findings if f.blocking and f.file == path.name and "establishments.csv" in f.sentence
             and "deliver" in f.sentence.lower()]
    assert found, describe(findings)


def test_duplicated_record_id_is_blocking(tmp_path):
    rows = list(TRAINING_ROWS)
    rows[4] = rows[4].replace("R5,", "R1,", 1)  # line 6
    path = write_training(tmp_path, rows)
    _, findings = check_training(path)
    assert [f for f in findings if f.blocking and names(f, path, "record_id", 6)], describe(findings)


def test_role_outside_the_list_is_blocking(tmp_path):
    rows = list(TRAINING_ROWS)
    rows[0] = rows[0].replace(",SENCO,", ",HEADTEACHER,")  # line 2
    path = write_training(tmp_path, rows)
    _, findings = check_training(path)
    assert [f for f in findings if f.blocking and names(f, path, "role", 2)], describe(findings)


def test_truncated_training_log_is_refused_naming_the_line(tmp_path):
    path = write_training(tmp_path)
    data = path.read_bytes().rstrip(b"\n")
    path.write_bytes(data[: data.rindex(b",GRADUATED_APPROACH")])  # line 6 cut short
    with pytest.raises(UnreadableFile) as caught:
        stage_training(path, KEY, establishments_file(path, False))
    finding = caught.value.finding
    assert finding.blocking and finding.file == path.name and path.name in finding.sentence
    assert 6 in finding.sample_rows and "line 6" in finding.sentence


def test_windows_1252_training_log_is_read(tmp_path):
    rows = list(TRAINING_ROWS)
    rows[0] = rows[0].replace("ST001", "Réf-001’")
    path = write_training(tmp_path, rows, encoding="cp1252")
    frame, findings = check_training(path)
    assert findings == [], describe(findings)
    assert list(frame["record_id"]) == ["R1", "R2", "R3", "R4", "R5"]
