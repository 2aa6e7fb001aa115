"""Privacy: no direct identifier from the input files reaches the warehouse, a log line or
an output file (FEEDS.md, "Privacy").

The identifiers are read from the synthetic inbox itself: UPNs (council person, census,
KS2, KS4), ULNs, NHS numbers, surnames, forenames, postcodes, and dates of birth.  Only the
immutable raw copies under ``raw/<feed>/<delivery>/v<N>/`` may hold them.  Dates of birth
may reach the warehouse as year and month only.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from pipeline.feeds.pseudonymise import pseudonymise_value
from tests.e2e.conftest import PERIOD, cells, pseudonymisation_key, read_table, table_names

_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                       "nov", "dec"), start=1)}
_UPN = re.compile(r"(?=([A-Z][0-9]{11}[0-9A-Z]))")
_DIGITS = re.compile(r"[0-9]{10,}")
_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _birth(text: str) -> date | None:
    """A date of birth in any accepted form (YYYY-MM-DD, DD/MM/YYYY, Blade 2022-Sep-28 00:00:00)."""
    text = text.strip()
    if not text:
        return None
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
        return date(int(m[3]), int(m[2]), int(m[1]))
    if m := re.fullmatch(r"(\d{4})-([A-Za-z]{3})-(\d{1,2})( 00:00:00)?", text):
        return date(int(m[1]), _MONTHS[m[2].lower()], int(m[3]))
    raise AssertionError(f"unexpected date of birth form {text!r}")


@dataclass
class Identifiers:
    """Every direct identifier in an inbox."""

    upns: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)  # ULNs and NHS numbers (10 digits)
    names: set[str] = field(default_factory=set)  # lower case
    postcodes: set[str] = field(default_factory=set)  # upper case, no space
    free_text: set[str] = field(default_factory=set)  # dropped free-text values (whole cells)
    # (table, row key) -> date of birth, for the per-row check in the warehouse
    births: dict[tuple, date] = field(default_factory=dict)

    def add(self, row: dict, *, upn="upn", uln=None, nhs=None) -> None:
        if row.get(upn):
            self.upns.add(row[upn].strip().upper())
        for column in (uln, nhs):
            if column and row.get(column):
                self.numbers.add(row[column].replace(" ", ""))
        for column in ("surname", "forename", "patient_name"):
            for word in _WORD.findall(row.get(column, "")):
                self.names.add(word.lower())
        if row.get("postcode"):
            self.postcodes.add(row["postcode"].replace(" ", "").upper())
        for column in ("sensettingother", "notes", "referral_reason"):
            if len(row.get(column, "").strip()) >= 8:
                self.free_text.add(row[column].strip().lower())

    def found_in(self, text: str, *, words: bool = True) -> list[str]:
        """The identifiers ``text`` contains (names as whole words when ``words``)."""
        upper = text.upper()
        hits = [m for m in _UPN.findall(upper) if m in self.upns]
        for run in _DIGITS.findall(text):
            hits += [run[i:i + 10] for i in range(len(run) - 9) if run[i:i + 10] in self.numbers]
        hits += [a + b for a, b in _POSTCODE.findall(upper) if a + b in self.postcodes]
        if words:
            hits += [w for w in _WORD.findall(text) if w.lower() in self.names]
        elif text.strip().lower() in self.names | self.free_text:
            hits.append(text.strip())
        return hits


def collect_identifiers(inbox: Path) -> Identifiers:
    ids = Identifiers()
    for path in sorted((inbox / "council_send").glob("*_person.csv")):
        extract = "-".join(reversed(path.name.split("_")[1].split("-")))
        for row in cells(path):
            ids.add(row, uln="uniquelearnernumber")
            if row.get("personbirthdate"):
                ids.births[("person", extract, int(row["persontableid"]))] = _birth(row["personbirthdate"])
    for path in sorted((inbox / "council_send").glob("*_placementdetail.csv")) + \
            sorted((inbox / "council_send").glob("*_plandetail.csv")):
        for row in cells(path):
            ids.add(row, upn="")
    for path in sorted((inbox / "school_census").glob("*.csv")):
        for row in cells(path):
            ids.add(row)
            if row.get("date_of_birth"):
                key = pseudonymise_value(row["upn"], pseudonymisation_key(), "upn")
                ids.births[("census", path.stem, key)] = _birth(row["date_of_birth"])
    for path in sorted((inbox / "therapies").glob("*.csv")):
        extract = "-".join(reversed(path.stem.rsplit("_", 1)[1].split("-")))
        for row in cells(path):
            ids.add(row, upn="", nhs="nhs_number")
            if row.get("date_of_birth"):
                ids.births[("referrals", extract, row["referral_id"])] = _birth(row["date_of_birth"])
    assert len(ids.upns) > 100 and len(ids.numbers) > 100 and len(ids.names) > 20 and len(ids.postcodes) > 20
    assert ids.free_text
    return ids


@pytest.fixture(scope="module")
def identifiers(small_inbox) -> Identifiers:
    return collect_identifiers(small_inbox)


# --------------------------------------------------------------------------- the warehouse


def _as_text(value) -> str:
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.isoformat()
    return str(value)


def check_warehouse(url: str, ids: Identifiers) -> None:
    engine = sa.create_engine(url)
    try:
        tables = {t: read_table(engine, t) for t in table_names(engine)}
    finally:
        engine.dispose()
    assert "src_council_send__person" in tables and len(tables["src_council_send__person"])
    leaks = []
    for name, frame in tables.items():
        for column in frame.columns:
            for value in frame[column].dropna().unique():
                text = _as_text(value)
                hits = ids.found_in(text, words=False)
                if hits:
                    leaks.append(f"{name}.{column}: {hits[:3]}")
    assert leaks == [], "identifiers in the warehouse: " + "; ".join(leaks[:20])
    _check_births(tables, ids)


def _day(value) -> date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.date() if (value.hour, value.minute, value.second) == (0, 0, 0) else None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00:00)?", text) or None
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    return None


def _check_births(tables: dict[str, pd.DataFrame], ids: Identifiers) -> None:
    """Row by row: no column holds the child's date of birth to the day; year and month do."""
    keyed = {
        "person": ("src_council_send__person", ("extract_date", "persontableid")),
        "census": ("src_school_census__census", ("census_file", "pupil_key")),
        "referrals": ("src_therapies__referrals", ("extract_date", "referral_id")),
    }
    checked, leaks = 0, []
    for kind, (table, (part, key)) in keyed.items():
        frame = tables[table]
        assert all("birth" not in c or c == "birth_year_month" for c in frame.columns), list(frame.columns)
        rows, same_day = 0, Counter()
        for row in frame.to_dict("records"):
            part_value = row[part] if kind == "census" else str(_day(row[part]))
            born = ids.births.get((kind, part_value, row[key]))
            if born is None:
                continue
            rows += 1
            assert row["birth_year_month"] == f"{born:%Y-%m}", (table, row[key])
            same_day.update(c for c, v in row.items() if c != part and _day(v) == born)
        assert rows > 100, f"only {rows} rows of {table} could be matched to their source date of birth"
        checked += rows
        # a column that holds the date of birth does so on (nearly) every row; a referral
        # received on the day of birth is a coincidence, not a leak
        leaks += [f"{table}.{c} ({n} of {rows} rows)" for c, n in same_day.items() if n >= max(3, rows // 10)]
    assert leaks == [], f"date of birth at day precision in {leaks}"
    for table, frame in tables.items():
        for column in frame.columns:
            if "birth" in column:
                values = frame[column].dropna().astype(str)
                assert values.str.fullmatch(r"\d{4}-\d{2}").all(), f"{table}.{column} is finer than a month"


def test_no_identifier_in_the_duckdb_warehouse(baseline, identifiers):
    check_warehouse(baseline.url, identifiers)


@pytest.mark.postgres
def test_no_identifier_in_the_postgres_warehouse(cli_postgres_run):
    done = cli_postgres_run.result()
    assert done.returncode == 0, done.describe()
    check_warehouse(cli_postgres_run.url, collect_identifiers(cli_postgres_run.inbox))


# --------------------------------------------------------------------------- logs and files


def test_no_identifier_in_any_log_line(baseline, identifiers):
    assert len(baseline.log_lines) > 50  # DEBUG records were captured
    leaks = [(line[:200], hits) for line in baseline.log_lines if (hits := identifiers.found_in(line))]
    assert leaks == []


def test_no_identifier_in_the_command_line_output(cli_duckdb_run):
    done = cli_duckdb_run.result()
    assert done.returncode == 0, done.describe()
    identifiers = collect_identifiers(cli_duckdb_run.inbox)
    leaks = [(line, hits) for line in (done.stdout + done.stderr).splitlines() if (hits := identifiers.found_in(line))]
    assert leaks == []


def _is_raw_copy(path: Path, data: Path) -> bool:
    parts = path.relative_to(data).parts  # raw/<feed>/<delivery>/v<N>/<file>
    return len(parts) >= 5 and parts[0] == "raw" and re.fullmatch(r"v\d+", parts[3]) is not None


def _text_of(path: Path) -> str:
    """A file's text: PDFs through pypdf, workbooks cell by cell, everything else as UTF-8."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        try:
            return "\n".join(" ".join("" if v is None else str(v) for v in row)
                             for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
        finally:
            book.close()
    return path.read_bytes().decode("utf-8", errors="backslashreplace")


def test_no_identifier_in_any_output_file(baseline, identifiers):
    data = baseline.data_dir
    files = [p for p in sorted(data.rglob("*")) if p.is_file() and not _is_raw_copy(p, data)
             and not p.name.startswith("warehouse.duckdb")]
    names = {str(p.relative_to(data)) for p in files}
    assert f"packs/{PERIOD}/measures-{PERIOD}.csv" in names
    assert f"validation/{PERIOD}/validation-report.md" in names
    assert "raw/council_send/manifest.csv" in names
    pdf = getattr(baseline.results[PERIOD], "pdf", None)
    if pdf is not None:  # the rendered pack is an output too
        assert str(pdf.relative_to(data)) in names
    leaks = {}
    for path in files:
        text = _text_of(path)
        if hits := identifiers.found_in(text):
            leaks[str(path.relative_to(data))] = hits[:5]
    assert leaks == {}
    # the raw copies are where the identifiers stay (and they must be there, unchanged)
    raw = data / "raw/council_send/2026-11-05/v1/Blade-Export_05-11-2026_person.csv"
    assert raw.read_bytes() == (baseline.inbox / "council_send" / raw.name).read_bytes()
    assert len(set(identifiers.found_in(raw.read_text(encoding="utf-8")))) > 100  # the search does find them
