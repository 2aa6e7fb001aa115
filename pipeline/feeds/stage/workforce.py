"""Stage the workforce feed: the council's SEND training log, re-delivered whole.

A training place must be at a school the reference data knows: every ``urn`` is checked
against the reference feed's ``establishments.csv`` (blocking).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.feeds.contracts import ESTABLISHMENTS, TRAINING, Finding
from pipeline.feeds.land import current_versions
from pipeline.feeds.parsing import normalise_codes
from pipeline.feeds.reading import UnreadableFile, read_table_file
from pipeline.feeds.stage import stage_file


def establishments_file(training_file: Path, landed: bool) -> Path | None:
    """The ``establishments.csv`` a training log is checked against.

    A landed log (``<raw>/workforce/<delivery>/v<N>/``): the reference feed's current landed
    version. A log checked in place (``<inbox>/workforce/``): the inbox's own file.
    """
    if not landed:
        path = training_file.parent.parent / "reference" / "establishments.csv"
        return path if path.is_file() else None
    current = current_versions(training_file.parents[3], "reference").get("establishments")
    return current.files["establishments"] if current else None


def known_urns(establishments: Path | None) -> set[str] | None:
    """The URNs of an ``establishments.csv``, or None when there is none or it cannot be read."""
    if establishments is None:
        return None
    try:
        urns = read_table_file(establishments, ESTABLISHMENTS).frame["urn"]
    except UnreadableFile:
        return None
    return set(normalise_codes(urns.dropna()))


def stage_training(path: Path, key: bytes, establishments: Path | None) -> tuple[pd.DataFrame, list[Finding]]:
    """The training log, with ``urn__ok`` false for a school that is not in establishments.csv."""
    frame, findings = stage_file(path, TRAINING, key, None)
    urns = known_urns(establishments)
    if urns is None:
        findings.append(Finding("workforce", path.name, "urn", "school in establishments.csv", "blocking", None, [],
                                f"The schools of {path.name} cannot be checked: no readable establishments.csv has "
                                "been delivered to the reference feed. Deliver it, then re-run the workforce feed."))
        urns = set()
    frame["urn__ok"] = frame["urn"].isin(urns) | frame["urn"].isna()
    return frame, findings
