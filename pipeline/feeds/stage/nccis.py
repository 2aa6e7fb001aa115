"""Stage an NCCIS snapshot: the council's CCIS client caseload for one extract date.

Besides the typing every feed gets, three plausibility flags (warnings, FEEDS.md "nccis"):
an activity code of a pupil below school-leaving age (110-150), an activity that starts
after the extract date, and a young person whose academic age at the extract is outside
16-24 (or unknown).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from pipeline.feeds.contracts import CASELOAD, NCCIS_PUPIL_CODES, Finding
from pipeline.feeds.stage import stage_file

YOUNGEST, OLDEST = 16, 24  # the academic ages the NCCIS caseload covers


def academic_age(birth_year_month: pd.Series, on: date) -> pd.Series:
    """Age on the 31 August before the academic year containing ``on``, from ``YYYY-MM`` text.

    September to December of year Y: 31 August of Y; January to August: 31 August of Y-1.
    A year and month of birth decide it exactly (born in September or later: a year younger).
    """
    august_year = on.year if on.month >= 9 else on.year - 1
    year = pd.to_numeric(birth_year_month.str[:4], errors="coerce")
    month = pd.to_numeric(birth_year_month.str[5:7], errors="coerce")
    return (august_year - year - (month > 8).astype("Int64")).astype("Int64")


def stage_caseload(path: Path, key: bytes, extract_date: date) -> tuple[pd.DataFrame, list[Finding]]:
    """The caseload, typed and pseudonymised, with its warning flags."""
    frame, findings = stage_file(path, CASELOAD, key, extract_date)
    frame["pupil_code__ok"] = ~frame["activity_code"].isin(NCCIS_PUPIL_CODES)
    frame["activity_start__ok"] = ~(frame["activity_start_date"] > pd.Timestamp(extract_date)).fillna(False).astype(bool)
    age = academic_age(frame["birth_year_month"], extract_date)
    frame["academic_age__ok"] = age.between(YOUNGEST, OLDEST).fillna(False).astype(bool)
    return frame, findings
