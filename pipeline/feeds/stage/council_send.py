"""Stage a council_send (SEN2 Blade) snapshot: nine module files for one extract date."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from pipeline.feeds.contracts import COUNCIL_SEND, Finding
from pipeline.feeds.stage import stage_file


def missing_modules(files: dict[str, Path]) -> list[str]:
    """The Blade modules a snapshot lacks (a snapshot must have all nine)."""
    return [t.name for t in COUNCIL_SEND if t.name not in files]


def _flag_orphans(frames: dict[str, pd.DataFrame]) -> None:
    for table in COUNCIL_SEND:
        if table.parent is None:
            continue
        parent_table, parent_key = table.parent
        parents = frames[parent_table][parent_key].dropna()
        frames[table.name]["parent__ok"] = frames[table.name][parent_key].isin(parents)


def stage_snapshot(files: dict[str, Path], key: bytes,
                   extract_date: date) -> tuple[dict[str, pd.DataFrame], list[Finding]]:
    """Read, type and pseudonymise every module; flag rows whose parent is missing.

    Parameters
    ----------
    files : module name -> landed file.
    key : the pseudonymisation secret.
    extract_date : the snapshot's extract date (from the file names).
    """
    frames: dict[str, pd.DataFrame] = {}
    findings: list[Finding] = []
    for table in COUNCIL_SEND:
        frames[table.name], notes = stage_file(files[table.name], table, key, extract_date)
        findings += notes
    person = frames["person"]
    person["person_key"] = person["upn_key"].fillna(person["uln_key"])
    _flag_orphans(frames)
    return frames, findings
