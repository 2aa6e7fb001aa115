"""Stage school census files (one term each) and KS2 / KS4 results files."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from pipeline.feeds.contracts import CENSUS, Finding, Table
from pipeline.feeds.stage import stage_file


def academic_year_end(values: pd.Series) -> pd.Series:
    """The calendar year an academic year ends in (its 31 August).

    Reads ``2024/25``, ``2024-25``, ``2024/2025``, ``202425`` and a bare ``2025``
    (taken as the year of the summer results).  Anything else is missing.
    """
    def one(text: object) -> int | None:
        if not isinstance(text, str):
            return None
        match = re.fullmatch(r"(\d{4})\s*[/-]?\s*(\d{2}|\d{4})?", text.strip())
        if not match:
            return None
        start, end = int(match.group(1)), match.group(2)
        if end is None:
            return start
        end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
        return end_year if end_year == start + 1 else None

    return values.map(one).astype("Int64")


def stage_census(path: Path, key: bytes) -> tuple[pd.DataFrame, list[Finding]]:
    """One census term: enrolments with absence checked against possible sessions.

    Staged a chunk of rows at a time (a national term has 8 million); the checks and
    columns added here are each row's own, so they are added chunk by chunk too.
    """
    match = re.match(CENSUS.file_pattern, path.name)

    def finish(frame: pd.DataFrame) -> pd.DataFrame:
        absent = frame["sessions_authorised_absence"] + frame["sessions_unauthorised_absence"]
        frame["absence__ok"] = (absent <= frame["sessions_possible"]).fillna(True).astype(bool)
        born = pd.to_datetime(frame["birth_year_month"], format="%Y-%m")
        frame["date_of_birth__ok"] &= ~(born > frame["census_date"]).fillna(False).astype(bool)
        frame["census_file"] = path.stem
        frame["census_year"] = int(match.group(1))
        frame["census_term"] = match.group(2)
        return frame

    return stage_file(path, CENSUS, key, None, finish)


def stage_results(path: Path, table: Table, key: bytes) -> tuple[pd.DataFrame, list[Finding]]:
    """One KS2 or KS4 results file, with the academic year read as its end year."""
    frame, findings = stage_file(path, table, key, None)
    frame["academic_year_end"] = academic_year_end(frame["academic_year"])
    frame["academic_year__ok"] = frame["academic_year_end"].notna() | frame["academic_year"].isna()
    frame["results_file"] = path.stem
    return frame, findings
