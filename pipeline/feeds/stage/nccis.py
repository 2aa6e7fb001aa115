"""Stage an NCCIS snapshot: the council's CCIS client caseload for one extract date.

Besides the typing every feed gets, three plausibility flags (warnings, FEEDS.md "nccis"):
an activity code of a pupil below school-leaving age (110-150), an activity that starts
after the extract date, and a young person whose academic age is outside 16-24 (or unknown)
both at the extract and 31 days before it (the month the snapshot serves may end then).
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from pipeline.feeds.contracts import CASELOAD, NCCIS_PUPIL_CODES, Finding
from pipeline.feeds.stage import stage_file

YOUNGEST, OLDEST = 16, 24  # the academic ages the NCCIS caseload covers
SNAPSHOT_WINDOW_DAYS = 31  # FEEDS.md: a snapshot dated PE to PE + 31 days serves the month


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
    after = frame["activity_start_date"] > pd.Timestamp(extract_date)
    frame["activity_start__ok"] = ~after.fillna(False).astype(bool)
    # the snapshot serves the month ending up to 31 days before its extract: an age in range then is fine too
    in_range = [academic_age(frame["birth_year_month"], day).between(YOUNGEST, OLDEST).fillna(False).astype(bool)
                for day in (extract_date, extract_date - timedelta(days=SNAPSHOT_WINDOW_DAYS))]
    frame["academic_age__ok"] = in_range[0] | in_range[1]
    return frame, findings
