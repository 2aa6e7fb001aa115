"""The synthetic therapies feed: referrals to children's therapy and developmental services (CSDS concepts)
and each month's EMIS Web list report.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.synthetic.calibration import NEVER, THERAPY, THERAPY_AGE, THERAPY_TEAMS
from pipeline.synthetic.common import (EPOCH, Prefixed, Table, Timeline, add_months, as_date, choice, date_styles,
                                       fmt_dates, nhs_numbers, rng_for, salt_for, unit_hash, write_table)

# ---------------------------------------------------------------------------------------
# Therapies: referrals to children's therapy and developmental services (CSDS concepts)
# ---------------------------------------------------------------------------------------
THERAPY_DATE_MIX = (0.0, 0.1, 0.9)  # EMIS list reports: mostly DD/MM/YYYY
TREATMENT_DAYS = {"SLT": 150, "OT": 90, "PHYSIO": 120, "CDS": 240, "ND": 45}
SOURCES = ("GP", "SCHOOL", "HEALTH_VISITOR", "PARENT", "PAEDIATRICIAN", "EARLY_YEARS",
           "SOCIAL_CARE", "OTHER")
SOURCES_P = {"SLT": (0.15, 0.3, 0.25, 0.1, 0.05, 0.12, 0.01, 0.02),
             "OT": (0.2, 0.35, 0.05, 0.1, 0.2, 0.05, 0.02, 0.03),
             "PHYSIO": (0.45, 0.1, 0.1, 0.05, 0.25, 0.02, 0.01, 0.02),
             "CDS": (0.5, 0.1, 0.15, 0.03, 0.1, 0.05, 0.05, 0.02),
             "ND": (0.25, 0.45, 0.05, 0.1, 0.1, 0.02, 0.02, 0.01)}
EARLY_ENDS = ("DNA", "MOVED_AWAY", "PARENT_DECLINED")
ENDS = ("TREATMENT_COMPLETE", "DNA", "MOVED_AWAY", "TRANSFERRED", "PARENT_DECLINED")
ENDS_P = (0.7, 0.1, 0.08, 0.07, 0.05)
PRIORITY = np.array(["ROUTINE", "URGENT"], dtype=object)


def _weekday_shift(days: np.ndarray) -> np.ndarray:
    """Move Saturdays and Sundays to the next Monday."""
    weekday = (days + 3) % 7
    return days + np.where(weekday == 5, 2, np.where(weekday == 6, 1, 0))


def _arrivals(rng: np.random.Generator, per_month: float, first: date, end: int) -> np.ndarray:
    """Referral days, month by month, quieter in August and December."""
    months, day = [], first
    while day.toordinal() - EPOCH <= end:
        months.append(day)
        day = add_months(day, 1)
    factor = {8: 0.6, 12: 0.8, 9: 1.1, 10: 1.1, 11: 1.1}
    season = np.array([factor.get(m.month, 1.0) for m in months])
    counts = rng.poisson(per_month * season)
    starts = np.array([m.toordinal() - EPOCH for m in months])
    lengths = np.array([(add_months(m, 1) - m).days for m in months])
    offset = (rng.random(counts.sum()) * np.repeat(lengths, counts)).astype(np.int64)
    return np.sort(_weekday_shift(np.repeat(starts, counts) + offset))


def _waits(rng: np.random.Generator, n: int, params: tuple) -> np.ndarray:
    """Days to first contact: a fast group, a slow group and a long tail."""
    _, _, _, _, p_fast, fast_mean, slow, p_tail, tail = params
    u = rng.random(n)
    fast = rng.exponential(fast_mean, n)
    slow_wait = rng.uniform(*slow, n)
    tail_wait = slow_wait + rng.uniform(*tail, n)
    longest = rng.random(n) < p_tail
    return np.where(u < p_fast, fast, np.where(longest, tail_wait, slow_wait)).astype(np.int64) + 1


def _service_referrals(rng: np.random.Generator, service: str, first: date, end: int,
                       scale: float) -> pd.DataFrame:
    """Referrals to one service with their outcomes (dates NEVER when they do not happen)."""
    params = THERAPY[service]
    received = _arrivals(rng, params[0] * scale, first, end)
    n = len(received)
    wait = _waits(rng, n, params)
    rejected = rng.random(n) < params[1]
    early = ~rejected & (rng.random(n) < params[3])
    contact = np.where(rejected | early, NEVER, _weekday_shift(received + wait))
    long_term = np.where(rng.random(n) < 0.05, 4.0, 1.0)
    treatment = (rng.gamma(2.0, TREATMENT_DAYS[service] / 2, n) * long_term).astype(np.int64) + 1
    discharge = np.where(early, received + (wait * rng.uniform(0.2, 0.9, n)).astype(np.int64) + 1,
                         np.where(rejected, NEVER, contact + treatment))
    reason = np.where(early, np.array(EARLY_ENDS, dtype=object)[rng.integers(0, 3, n)],
                      np.array(ENDS, dtype=object)[choice(rng, ENDS_P, n)])
    lo, hi = THERAPY_AGE[service]
    return pd.DataFrame({
        "service": np.full(n, service, dtype=object), "received": received.astype(np.int32),
        "rejected": np.where(rejected, received + rng.integers(2, 22, n), NEVER).astype(np.int32),
        "contact": contact.astype(np.int32), "discharge": discharge.astype(np.int32),
        "reason": np.where(discharge == NEVER, "", reason).astype(object),
        "urgent": rng.random(n) < params[2],
        "source": np.array(SOURCES, dtype=object)[choice(rng, SOURCES_P[service], n)],
        "dob": (received - (rng.uniform(lo, hi, n) * 365.25).astype(np.int64)).astype(np.int32)})


def _teams(service: np.ndarray, age: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Care professional team of each referral."""
    team = np.empty(len(service), dtype=object)
    for name, teams in THERAPY_TEAMS.items():
        m = service == name
        team[m] = np.array(teams, dtype=object)[(u[m] * len(teams)).astype(int)]
    slt = np.flatnonzero(service == "SLT")
    names = np.array(THERAPY_TEAMS["SLT"], dtype=object)  # EY, SCH, SPEC
    team[slt] = names[np.where(u[slt] < 0.15, 2, np.where(age[slt] < 5, 0, 1))]
    return team


def simulate_referrals(seed: int, timeline: Timeline, scale: float) -> pd.DataFrame:
    """Every referral from 40 months before the first window to the last extract (long
    enough for the waiting lists to settle)."""
    rng = rng_for(seed, "therapies")
    first = add_months(as_date(timeline.windows[0]).replace(day=1), -40)
    frames = [_service_referrals(rng, s, first, timeline.end, scale) for s in THERAPY]
    ref = pd.concat(frames, ignore_index=True).sort_values("received", kind="stable")
    ref = ref.reset_index(drop=True)
    n = len(ref)
    ref["ref_id"] = np.arange(n)
    child = np.arange(n)
    again = np.flatnonzero(rng.random(n) < 0.2)
    again = again[again > 0]
    child[again] = again - 1 - (rng.random(len(again)) * np.minimum(again, 5000)).astype(np.int64)
    ref["dob"] = ref["dob"].to_numpy()[child]
    ref["nhs_number"] = nhs_numbers(n, salt_for(seed, "nhs"))[child]
    age = (ref["received"] - ref["dob"]).to_numpy() / 365.25
    ref["team"] = _teams(ref["service"].to_numpy(), age, rng.random(n))
    return ref


def therapy_snapshot(ref: pd.DataFrame, extract: int, window: int, seed: int) -> Table:
    """Referrals open at any time in the window, as the EMIS report shows them."""
    end = np.minimum(ref["rejected"].to_numpy(), ref["discharge"].to_numpy())
    r = ref[(ref["received"].to_numpy() <= extract) & (end >= window)]
    ids = r["ref_id"].to_numpy()

    def dates(column: str, values: np.ndarray) -> np.ndarray:
        shown = np.where(values <= extract, values, NEVER)
        return fmt_dates(shown, date_styles(ids, salt_for(seed, "t" + column), THERAPY_DATE_MIX))

    discharge = r["discharge"].to_numpy()
    blank_nhs = unit_hash(ids, salt_for(seed, "blank_nhs")) < 0.02
    nhs = r["nhs_number"].to_numpy().astype(str).astype(object)
    return {"referral_id": Prefixed("RF", 100_000_000 + ids),
            "nhs_number": np.where(blank_nhs, "", nhs),
            "date_of_birth": dates("dob", r["dob"].to_numpy()),
            "service": r["service"].to_numpy(), "team_local_id": r["team"].to_numpy(),
            "referral_received_date": dates("received", r["received"].to_numpy()),
            "priority": PRIORITY[r["urgent"].to_numpy().astype(int)],
            "referral_source": r["source"].to_numpy(),
            "rejected_date": dates("rejected", r["rejected"].to_numpy()),
            "first_contact_date": dates("contact", r["contact"].to_numpy()),
            "discharge_date": dates("discharge", discharge),
            "discharge_reason": np.where(discharge <= extract, r["reason"].to_numpy(), "")}


def write_therapies(ref: pd.DataFrame, timeline: Timeline, seed: int, folder: Path) -> int:
    """Monthly ``therapy_referrals_<DD-MM-YYYY>.csv`` snapshots (UTF-8 with a BOM)."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = 0
    for extract, window in zip(timeline.extracts, timeline.windows):
        table = therapy_snapshot(ref, extract, window, seed)
        rows += write_table(folder / f"therapy_referrals_{as_date(extract):%d-%m-%Y}.csv", table,
                            bom=True)
    return rows
