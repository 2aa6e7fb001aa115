"""Stage a therapies snapshot: the EMIS Web referral list for one extract date."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from pipeline.feeds.contracts import REFERRALS, Finding
from pipeline.feeds.stage import stage_file

LONG_WAIT_DAYS = 3 * 365  # a wait over 3 years is implausible: a warning, not a refusal


def stage_referrals(path: Path, key: bytes, extract_date: date) -> tuple[pd.DataFrame, list[Finding]]:
    """Referrals, with a warning flag on children apparently waiting more than 3 years."""
    frame, findings = stage_file(path, REFERRALS, key, extract_date)
    as_at = pd.Timestamp(extract_date)
    still_open = frame[["rejected_date", "first_contact_date", "discharge_date"]].isna().all(axis=1)
    too_long = still_open & ((as_at - frame["referral_received_date"]).dt.days > LONG_WAIT_DAYS)
    frame["wait__ok"] = ~too_long.fillna(False).astype(bool)
    return frame, findings
