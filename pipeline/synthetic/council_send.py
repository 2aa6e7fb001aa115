"""Deterministic synthetic inbox: council SEN2, school census, therapies and reference files.

``write_inbox`` writes every delivery that ``FEEDS.md`` describes for one local area
(``council_send``, ``school_census``, ``therapies``, ``reference``), calibrated to the
published figures of Blackpool (LA 890, E06000009) and scaled by ``scale``.

How it works
------------
One source system is simulated once over the whole horizon: every child, request,
assessment, plan, placement, pupil and referral with the dates on which things really
happen. Each monthly extract is then written as the system would have shown it on its
extract date: later events are not known yet (a pending decision is ``A`` with a blank
date), planned dates may show a little ahead (``ceasedate``, ``leavingdate``,
``reviewmeeting``), and a plan issued before the extract's 36-month window sits under an
assessment with outcome ``H``. Table ids are fixed at simulation time, so a record keeps
its ids in every snapshot.

Deliveries carry the messiness a valid delivery may have: date columns mix the three
accepted forms value by value; extracts dated before April 2024 (``V12_FROM``) use the
SEN2 v1.1 layout (``gendercurrent``; ``res``/``wbp`` on ``activeplans``;
``attendancepattern``); ``establishments.csv`` is Windows-1252 with CRLF line ends and a
quoted name holding a comma; the therapy reports start with a UTF-8 BOM; and the autumn
census files name their columns in CBDS capitals (``UPN``, ``Census_Date``).

Randomness comes only from ``numpy.random.default_rng`` streams derived from the seed
and a fixed name per component, and from a keyed integer hash; the clock is never read.
The same arguments always give byte-identical files.

The calibration numbers are copied from open data (Crown copyright, Open Government
Licence v3.0) and each constant names the file it came from; nothing is read from the
reference folder at run time. Figures for years not yet published are projections made
here, marked as such.

Size and speed (2 cores): the default (``scale=1``, 36 months) takes about 4 s and
110 MB; ``scale=385, months=1`` (England: about 640,000 plans, 8 million pupils a census,
2.2 million referrals) about 2 minutes and 3 GB. Text is produced and written in chunks
of ``CHUNK_ROWS`` rows. Above ``scale`` of about 60 the LA's schools outgrow one LA's
establishment numbers and spill into made-up LA numbers (100 and up) in ``laestab`` and
the UPNs; ``la_code`` stays 890.
"""
from __future__ import annotations

import logging
import re
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.identifiers import UPN_ALPHABET, nhs_check_digit, upn_check_letter
from pipeline.periods import period_end
from pipeline.synthetic_programme import write_programme

log = logging.getLogger(__name__)

LA_CODE = 890
HISTORY_MONTHS = 36
EXTRACT_DAY = 5
NEVER = int(np.iinfo(np.int32).max)  # an event that has not happened (or never will)
ALWAYS = int(np.iinfo(np.int32).min)  # "since before anything we simulate"
V12_FROM = date(2024, 4, 1)  # extracts before this date use the SEN2 v1.1 layout
CHUNK_ROWS = 100_000  # rows turned into text and written at a time (bounds memory)

# ---------------------------------------------------------------------------------------
# Calibration (Blackpool, LA 890). Sources are files under shared/reference/.
# ---------------------------------------------------------------------------------------
# ehcp_2025/caseload.csv, "All EHC plans", ehcplans: plans in force in January.
# 2026 and 2027 are projections made here (growth slowing from +13.6% to about +9%).
PLANS_JAN = {2019: 858, 2020: 1021, 2021: 1206, 2022: 1249, 2023: 1312, 2024: 1462,
             2025: 1661, 2026: 1830, 2027: 1990}
# ehcp_2025/newplans.csv, "New EHC plans", new_ehc_plans by calendar year (2025-26 projected).
NEW_PLANS = {2019: 186, 2020: 173, 2021: 141, 2022: 151, 2023: 202, 2024: 234,
             2025: 252, 2026: 268}
# ehcp_2025/timeliness_20_week.csv, PC_plans_issued_20_weeks_ex (2025-26 projected).
WITHIN_20WK_PC = {2019: 65.2, 2020: 88.1, 2021: 73.6, 2022: 83.8, 2023: 85.0, 2024: 61.6,
                  2025: 58.0, 2026: 66.0}
# Same file: exceptions = plans_issued_den - plans_issued_den_ex (2024: 4 of 220).
EXCEPTION_SHARE = 4 / 220
# ehcp_2025/requests.csv, requests_received_in_year (2025-26 projected).
REQUESTS = {2019: 221, 2020: 172, 2021: 216, 2022: 269, 2023: 359, 2024: 423,
            2025: 445, 2026: 465}
# requests.csv 2024: 89 of 423 not to assess, 10 withdrawn, 97.9% decided within 6 weeks.
REQ_NOT_ASSESS_SHARE, REQ_WITHDRAWN_SHARE, REQ_WITHIN_6WK = 89 / 423, 10 / 423, 0.979
# ehcp_2025/assessments.csv 2024: 227 plans issued, 31 not issued, 8 withdrawn.
ASSESS_NOT_ISSUED_PER_PLAN, ASSESS_WITHDRAWN_PER_PLAN = 31 / 227, 8 / 227
# requests.csv 2024, requests by age ("Aged 2 and under" spread over 0-2), ages 0..17.
REQUEST_AGE = (1, 3, 7, 57, 47, 32, 29, 24, 30, 36, 36, 20, 14, 34, 20, 23, 8, 2)
# timeliness_20_week.csv 2024, plans issued by age (plans_issued_den), ages 0..17.
NEW_PLAN_AGE = (0.5, 1, 2.5, 44, 44, 9, 16, 14, 17, 15, 22, 5, 4, 8, 6, 9, 2, 1)
# caseload.csv 2024/25 "Sex": 1,155 of 1,661 plans are for boys.
MALE_SHARE_PLANS = 1155 / 1661
# ehcp_2025/sen_needs_all_plans.csv 2024/25, number_<need> (the last is number_need_unknown).
NEED_CODES = ("ASD", "HI", "MLD", "MSI", "OTH", "PD", "PMLD", "SEMH", "SLCN", "SLD", "SPLD", "VI")
NEED_COUNTS = (436, 13, 227, 2, 58, 90, 12, 307, 404, 62, 35, 13, 2)
# Age of plans in force (not published for Blackpool): national shape, years 0..25.
CASELOAD_AGE = (0.0, 0.3, 1.0, 1.6, 2.4) + (5.4,) * 6 + (7.0,) * 5 + (5.2,) * 4 + (1.1,) * 6

# community_health_waits.csv, provider RXL (Blackpool Teaching Hospitals), October 2023:
# SLT 155 waiting (60 at 18-52 weeks, 5 over 52), OT 61 (4, 0), physiotherapy 57 (20, 0).
# Community paediatrics (CDS) and the neurodevelopmental pathway (ND) have no Blackpool
# row: CDS follows England's community paediatric line divided by 385 (83,253 waiting,
# 60% over 18 weeks, 17% over 52); ND is an assumption (long waits are typical).
# Columns: referrals a month, reject share, urgent share, pre-contact discharge share,
# fast-wait share, fast mean (days), slow wait range (days), tail share, tail extra range.
THERAPY = {
    "SLT": (37, 0.08, 0.05, 0.06, 0.40, 22, (125, 315), 0.05, (150, 330)),
    "OT": (25, 0.10, 0.08, 0.05, 0.68, 60, (90, 165), 0.0, (0, 1)),
    "PHYSIO": (18, 0.06, 0.15, 0.04, 0.50, 25, (130, 290), 0.0, (0, 1)),
    "CDS": (27, 0.07, 0.10, 0.05, 0.22, 40, (110, 380), 0.30, (200, 500)),
    "ND": (16, 0.12, 0.02, 0.04, 0.05, 60, (150, 500), 0.55, (250, 700)),
}
THERAPY_AGE = {"SLT": (1.5, 9), "OT": (2, 16), "PHYSIO": (0, 17), "CDS": (0, 12), "ND": (3, 16)}
THERAPY_TEAMS = {"SLT": ("SLT-EY", "SLT-SCH", "SLT-SPEC"), "OT": ("OT-CYP",),
                 "PHYSIO": ("PHYSIO-CYP",), "CDS": ("CDS-PAED",), "ND": ("ND-ASD", "ND-ADHD")}

# School census: base pupils a year group (the council's EHCP children come on top).
COHORT_PUPILS = 1600
TERM_SESSIONS = {"AUT": 124, "SPR": 140, "SUM": 118}

# The seed's estate in LA 890 and the out-of-area establishments placements use.
# (kind, GIAS type codes cycled over the count, count, phase, in the LA)
ESTATE = (
    ("primary", (1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 28, 28, 28, 28, 28, 28, 28, 28,
                 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 35, 35), 33, "Primary", True),
    ("secondary", (28, 28, 28, 34, 34, 35), 6, "Secondary", True),
    ("all_through", (34, 28), 2, "All-through", True),
    ("special", (7, 44, 44, 36), 4, "Not applicable", True),
    ("pru", (14,), 1, "Not applicable", True),
    ("fe", (18,), 2, "16 plus", True),
    ("primary", (28, 1), 2, "Primary", False),
    ("secondary", (34, 5, 35), 3, "Secondary", False),
    ("independent", (11, 11, 6), 3, "All-through", False),
    ("special", (7, 12, 33, 44, 36), 5, "Not applicable", False),
    ("special", (10,), 6, "Not applicable", False),
    ("special", (8,), 2, "Not applicable", False),
    ("pru", (38, 42, 43), 3, "Not applicable", False),
    ("fe", (18, 31, 39, 45, 46, 57), 6, "16 plus", False),
    ("fe", (32,), 2, "16 plus", False),
    ("other", (24, 56, 15), 3, "Not applicable", False),
)
OTHER_LAS = (888, 889, 876, 352, 341, 354, 355, 909, 942, 893, 895, 896)
PROVIDERS_WITHOUT_URN = 4  # UKPRN-only training providers (no GIAS URN)

# ---------------------------------------------------------------------------------------
# Placement categories and how likely each is, by phase of education and "track".
# ---------------------------------------------------------------------------------------
CATS = ("MS_LA", "MS_ACAD", "MS_ACAD_RP", "MS_ACAD_UNIT", "MS_FREE", "MS_INDEP", "SP_LA",
        "SP_ACAD", "SP_INDEP", "SP_NM", "AP", "FE", "SPEC16", "UKPRN", "EHE", "OLA", "OPA",
        "NEET", "NIEC", "NIEO", "EYP", "OTH", "OTH_EST")
C = {name: i for i, name in enumerate(CATS)}
CAT_TYPES = {"MS_LA": (1, 2, 3, 5), "MS_ACAD": (28, 34), "MS_ACAD_RP": (28, 34),
             "MS_ACAD_UNIT": (28, 34), "MS_FREE": (35,), "MS_INDEP": (11, 6),
             "SP_LA": (7, 12), "SP_ACAD": (33, 36, 44), "SP_INDEP": (10,), "SP_NM": (8,),
             "AP": (14, 38, 42, 43), "FE": (18, 31, 39, 45, 46, 57), "SPEC16": (32,),
             "OTH_EST": (24, 56, 15)}
CAT_IN_LA = {"MS_LA": 0.93, "MS_ACAD": 0.93, "MS_ACAD_RP": 0.93, "MS_ACAD_UNIT": 0.93,
             "MS_FREE": 0.93, "SP_LA": 0.85, "SP_ACAD": 0.88, "AP": 0.9, "FE": 0.85}
SENSETTING = {"EHE": "EHE", "OLA": "OLA", "OPA": "OPA", "NEET": "NEET", "NIEC": "NIEC",
              "NIEO": "NIEO", "EYP": "EYP", "OTH": "OTH"}
_MS = {"MS_LA": 0.14, "MS_ACAD": 0.58, "MS_ACAD_RP": 0.015, "MS_ACAD_UNIT": 0.07,
       "MS_FREE": 0.06, "MS_INDEP": 0.03, "EHE": 0.02, "OLA": 0.05, "AP": 0.005,
       "OTH_EST": 0.005, "OTH": 0.005}
_SP = {"SP_LA": 0.2, "SP_ACAD": 0.74, "SP_NM": 0.005, "SP_INDEP": 0.03, "OLA": 0.025}
_IND = {"SP_INDEP": 0.85, "MS_INDEP": 0.07, "OLA": 0.08}
# PHASE_TABLE[track][phase]: phases are early years, primary, secondary, 16-18, 19-25.
PHASE_TABLE = {
    0: ({"EYP": 0.4, "MS_LA": 0.35, "MS_ACAD": 0.25}, _MS,
        {**_MS, "MS_LA": 0.03, "OLA": 0.06, "EHE": 0.04, "AP": 0.01},
        {"FE": 0.5, "MS_ACAD": 0.08, "SPEC16": 0.04, "UKPRN": 0.03, "NEET": 0.2,
         "NIEO": 0.04, "NIEC": 0.01, "OLA": 0.05, "EHE": 0.02},
        {"FE": 0.36, "SPEC16": 0.05, "UKPRN": 0.03, "NEET": 0.38, "NIEO": 0.07,
         "NIEC": 0.03, "OLA": 0.05}),
    1: ({"EYP": 0.25, "SP_LA": 0.3, "SP_ACAD": 0.45}, _SP, _SP,
        {"SP_ACAD": 0.5, "SP_LA": 0.1, "FE": 0.2, "SPEC16": 0.07, "NEET": 0.09,
         "OLA": 0.04},
        {"FE": 0.32, "SPEC16": 0.2, "NEET": 0.33, "OLA": 0.08, "NIEO": 0.07}),
    2: ({"EYP": 1.0}, _IND, _IND,
        {"SP_INDEP": 0.5, "SPEC16": 0.2, "FE": 0.1, "NEET": 0.15, "OLA": 0.05},
        {"SPEC16": 0.45, "NEET": 0.35, "FE": 0.2}),
}
# Share of plans on the special (1) and independent (2) tracks, by primary need.
TRACK_BY_NEED = {"ASD": (0.5, 0.07), "HI": (0.22, 0.01), "MLD": (0.56, 0.01),
                 "MSI": (0.5, 0.05), "OTH": (0.33, 0.02), "PD": (0.42, 0.02),
                 "PMLD": (0.95, 0.03), "SEMH": (0.34, 0.14), "SLCN": (0.21, 0.01),
                 "SLD": (0.92, 0.03), "SPLD": (0.06, 0.02), "VI": (0.22, 0.02)}

ETHNICITY = ("WBRI", "WIRI", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
             "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT")
ETHNICITY_P = (0.87, 0.005, 0.03, 0.003, 0.012, 0.004, 0.008, 0.01, 0.006, 0.003, 0.006,
               0.004, 0.002, 0.006, 0.001, 0.004, 0.008, 0.015, 0.002)
SURNAMES = ("Smith", "Jones", "Taylor", "Brown", "Wilson", "Walsh", "Holt", "Hargreaves",
            "Ashworth", "Whittaker", "Singh", "Khan", "Kowalski", "O'Neill", "Clarke",
            "Barton", "Lund", "Cookson", "Rigby", "Fletcher", "Hughes", "Shaw", "Nowak",
            "Ali", "Parkinson", "Bamber", "Sutcliffe", "Entwistle", "Okafor", "Wright")
BOYS = ("Oliver", "Noah", "Jack", "Leo", "Harry", "Charlie", "Alfie", "Theo", "Archie",
        "Oscar", "Jacob", "Kai", "Mohammed", "Jakub", "Tyler", "Riley")
GIRLS = ("Amelia", "Isla", "Ava", "Mia", "Freya", "Lily", "Grace", "Evie", "Poppy", "Ella",
         "Ruby", "Zofia", "Aisha", "Maya", "Willow", "Harper")

# ---------------------------------------------------------------------------------------
# Small utilities
# ---------------------------------------------------------------------------------------
_EPOCH = date(1970, 1, 1).toordinal()
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_M64 = (1 << 64) - 1


def _day(y: int, m: int, d: int) -> int:
    """Day number (days since 1970-01-01) of a calendar date."""
    return date(y, m, d).toordinal() - _EPOCH


def _date(day: int) -> date:
    """Calendar date of a day number."""
    return date.fromordinal(int(day) + _EPOCH)


def _add_months(d: date, months: int) -> date:
    """``d`` moved by whole months (day of month kept; these callers use day 5 or 1)."""
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return date(y, m + 1, d.day)


def _rng(seed: int, *names: str) -> np.random.Generator:
    """An independent random stream for one named component of the simulation."""
    return np.random.default_rng([seed] + [zlib.crc32(n.encode()) for n in names])


def _salt(seed: int, name: str) -> int:
    """A 64-bit salt for :func:`_unit_hash`, from the seed and a column name."""
    return (seed * 0x9E3779B97F4A7C15 + zlib.crc32(name.encode()) * 0xD1B54A32D192ED03) & _M64


def _unit_hash(ids: np.ndarray, salt: int) -> np.ndarray:
    """A stable pseudo-random number in [0, 1) for each integer id (splitmix64)."""
    z = np.asarray(ids).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(salt)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def _scaled(value: float, scale: float) -> int:
    """A count multiplied by ``scale`` and rounded."""
    return int(round(value * scale))


def _annual(table: dict[int, float], year: int, growth: float) -> float:
    """A yearly figure from ``table``, extended geometrically before and after it."""
    lo, hi = min(table), max(table)
    if year < lo:
        return table[lo] / growth ** (lo - year)
    if year > hi:
        return table[hi] * growth ** (year - hi)
    return table[year]


def _choice(rng: np.random.Generator, weights: dict | tuple, n: int) -> np.ndarray:
    """``n`` draws from category weights (a dict of name to weight gives category ids)."""
    if isinstance(weights, dict):
        keys = np.array([C[k] for k in weights], dtype=np.int8)
        p = np.array(list(weights.values()), dtype=float)
        return keys[rng.choice(len(keys), size=n, p=p / p.sum())]
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def _exact_flags(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    """Exactly ``round(n * share)`` True values in random positions."""
    flags = np.zeros(n, dtype=bool)
    flags[rng.permutation(n)[: int(round(n * share))]] = True
    return flags


def _ages_to_dob(rng: np.random.Generator, at: np.ndarray, weights: tuple) -> np.ndarray:
    """Birth days for people whose whole-year age at day ``at`` follows ``weights``."""
    years = _choice(rng, weights, len(at)) + rng.random(len(at))
    return (np.asarray(at) - np.floor(years * 365.25)).astype(np.int64)


def _days_in_year(rng: np.random.Generator, year: int, n: int) -> np.ndarray:
    """``n`` days spread over a calendar year, quieter in August and late December."""
    first, last = _day(year, 1, 1), _day(year + 1, 1, 1)
    days = np.arange(first, last)
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(int) % 12
    weights = np.where(months == 7, 0.6, np.where(months == 11, 0.8, 1.0))
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
    weights = weights * np.where(weekday >= 5, 0.08, 1.0)
    return rng.choice(days, size=n, p=weights / weights.sum())


def _year_of(days: np.ndarray) -> np.ndarray:
    """Calendar year of each day number."""
    return np.asarray(days).astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970


def _month_of(days: np.ndarray) -> np.ndarray:
    """Calendar month (1..12) of each day number."""
    return np.asarray(days).astype("datetime64[D]").astype("datetime64[M]").astype(int) % 12 + 1


def _sep1(years: np.ndarray) -> np.ndarray:
    """Day number of 1 September of each year."""
    months = (np.asarray(years, dtype=np.int64) - 1970) * 12 + 8
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _reception_year(dob: np.ndarray) -> np.ndarray:
    """The year a child born on ``dob`` starts reception (the September after turning 4)."""
    return _year_of(dob) + 4 + (_month_of(dob) >= 9)


def _academic_year(day: int) -> int:
    """The calendar year in which the academic year containing ``day`` started."""
    d = _date(day)
    return d.year if d.month >= 9 else d.year - 1


# ---------------------------------------------------------------------------------------
# Dates as text: the three accepted forms, looked up from one table
# ---------------------------------------------------------------------------------------
BLADE, ISO, DMY = 0, 1, 2
_TABLE_LO, _TABLE_HI = _day(1975, 1, 1), _day(2075, 12, 31)


@lru_cache(maxsize=1)
def _date_table() -> np.ndarray:
    """Every day 1975..2075 as text in Blade, ISO and DMY form, then the blank string."""
    days = [date.fromordinal(d + _EPOCH) for d in range(_TABLE_LO, _TABLE_HI + 1)]
    blade = [f"{d.year:04d}-{_MONTHS[d.month - 1]}-{d.day:02d} 00:00:00" for d in days]
    iso = [d.isoformat() for d in days]
    dmy = [f"{d.day:02d}/{d.month:02d}/{d.year:04d}" for d in days]
    return np.array(blade + iso + dmy + [""], dtype=object)


def _styles(ids: np.ndarray, salt: int, mix: tuple[float, float, float]) -> np.ndarray:
    """A date form for each value: stable for a record and column, mixed in proportion."""
    u = _unit_hash(ids, salt)
    return np.where(u < mix[0], BLADE, np.where(u < mix[0] + mix[1], ISO, DMY))


def _fmt_dates(days: np.ndarray, style: int | np.ndarray) -> np.ndarray:
    """Day numbers as date strings; ``NEVER`` and ``ALWAYS`` become blank."""
    days = np.asarray(days, dtype=np.int64)
    table = _date_table()
    n = _TABLE_HI - _TABLE_LO + 1
    blank = (days == NEVER) | (days == ALWAYS)
    if not blank.all():
        live = days[~blank]
        if live.min() < _TABLE_LO or live.max() > _TABLE_HI:
            raise ValueError("a synthetic date fell outside 1975-2075")
    idx = np.asarray(style, dtype=np.int64) * n + (days - _TABLE_LO)
    return table[np.where(blank, 3 * n, idx)]


def _show_planned(days: np.ndarray, ids: np.ndarray, extract: int, ahead: int,
                  share: float, salt: int) -> np.ndarray:
    """Dates as known on ``extract``: past ones, and some planned ones up to ``ahead`` days."""
    planned = (days > extract) & (days != NEVER) & (days <= extract + ahead)
    planned &= _unit_hash(ids, salt) < share
    return np.where((days <= extract) | planned, days, NEVER)


def _flag_text(values: np.ndarray, ids: np.ndarray, salt: int, words_share: float = 0.0
               ) -> np.ndarray:
    """0/1 flags as text, some records using ``true``/``false`` (both forms are accepted)."""
    words = _unit_hash(ids, salt) < words_share
    as_words = np.where(values == 1, "true", "false")
    return np.where(words, as_words, np.where(values == 1, "1", "0")).astype(object)


@lru_cache(maxsize=1)
def _int_text() -> np.ndarray:
    """The integers 0..99,999 as text, for fast conversion of small counts and codes."""
    return np.array([str(i) for i in range(100_000)], dtype=object)


@dataclass(frozen=True)
class Prefixed:
    """Text made of a fixed prefix and an integer, produced only when written."""

    prefix: str
    ids: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, rows: slice) -> "Prefixed":
        return Prefixed(self.prefix, self.ids[rows])


def _as_text(values: object, n: int) -> np.ndarray:
    """A column as an object array of strings (a scalar is repeated ``n`` times)."""
    if isinstance(values, Prefixed):
        return _prefixed_text(values)
    if np.isscalar(values) or values is None:
        return np.full(n, "" if values is None else str(values), dtype=object)
    array = np.asarray(values)
    if array.dtype.kind in "iub":
        array = array.astype(np.int64)
        if len(array) and 0 <= array.min() and array.max() < 100_000:
            return _int_text()[array]
        return array.astype(str).astype(object)
    if array.dtype.kind == "U":
        return array.astype(object)
    return array


def _prefixed_text(values: Prefixed) -> np.ndarray:
    """The text of a :class:`Prefixed` column."""
    return values.prefix + values.ids.astype(np.int64).astype(str).astype(object)


def _quoted(values: np.ndarray) -> np.ndarray:
    """Free text made safe for CSV: fields holding a comma or a quote are quoted."""
    out = values.copy()
    for i, text in enumerate(values):
        if "," in text or '"' in text:
            out[i] = '"' + text.replace('"', '""') + '"'
    return out


def write_table(path: Path, columns: dict[str, object], *, bom: bool = False,
                free_text: tuple[str, ...] = ()) -> int:
    """Write columns as a CSV file (UTF-8, LF) and return the number of rows.

    Only the ``free_text`` columns may hold commas or quotes; they are quoted as needed.
    """
    n = max((len(v) for v in columns.values() if not np.isscalar(v)), default=0)

    def chunk(lo: int, hi: int) -> list[np.ndarray]:
        texts = [_as_text(v if np.isscalar(v) else _rows(v, lo, hi), hi - lo)
                 for v in columns.values()]
        return [_quoted(t) if name in free_text else t for name, t in zip(columns, texts)]
    return write_chunked(path, list(columns), n, chunk, bom=bom)


def _rows(values: object, lo: int, hi: int) -> object:
    """Rows lo..hi of a column (an array, a list or a :class:`Prefixed`)."""
    return values[lo:hi] if isinstance(values, Prefixed) else np.asarray(values)[lo:hi]


def write_chunked(path: Path, header: list[str], n: int, make_chunk, *, bom: bool = False) -> int:
    """Write a CSV ``CHUNK_ROWS`` rows at a time; ``make_chunk(lo, hi)`` gives the columns
    of rows lo..hi (as text, or as integers)."""
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        handle.write(",".join(header) + "\n")
        for lo in range(0, n, CHUNK_ROWS):
            hi = min(n, lo + CHUNK_ROWS)
            texts = [_as_text(column, hi - lo) for column in make_chunk(lo, hi)]
            handle.write("\n".join(map(",".join, zip(*texts))) + "\n")
    return n


# ---------------------------------------------------------------------------------------
# Identifiers: UPN, ULN and NHS number, vectorised (checked against pipeline.identifiers)
# ---------------------------------------------------------------------------------------
def _upn_strings(la: np.ndarray, estab: np.ndarray, yy: np.ndarray, serial: np.ndarray
                 ) -> np.ndarray:
    """UPNs: check letter, LA number, establishment number, year and a 3-digit serial."""
    body = (np.asarray(la, np.int64) * 10**9 + np.asarray(estab, np.int64) * 10**5
            + np.asarray(yy, np.int64) * 10**3 + np.asarray(serial, np.int64))
    total = np.zeros(len(body), dtype=np.int64)
    for position in range(12):  # weight 2 for the first body character ... 13 for the last
        total += (body // 10 ** (11 - position)) % 10 * (position + 2)
    letters = np.array(list(UPN_ALPHABET), dtype=object)[total % 23]
    upns = letters + body.astype(str).astype(object)
    for upn in upns[:3]:
        assert upn_check_letter(upn[1:]) == upn[0], "vectorised UPN check letter disagrees"
    return upns


def _nhs_numbers(n: int, salt: int) -> np.ndarray:
    """``n`` distinct valid NHS numbers (as integers) in the 9xx range, which England
    does not issue."""
    k = np.arange(int(n * 1.15) + 32, dtype=np.int64)
    body = 900_000_000 + (k * 48_271 + salt % 10**8) % 10**8
    check = 11 - _mod11_total(body) % 11
    check = np.where(check == 11, 0, check)
    numbers = (body * 10 + check)[check != 10][:n]
    for number in numbers[:3]:
        assert nhs_check_digit(str(number)[:9]) == number % 10, "NHS check digit disagrees"
    return numbers


def _mod11_total(body: np.ndarray) -> np.ndarray:
    """Digits 1..9 of a nine-digit body weighted 10 down to 2, summed."""
    total = np.zeros(len(body), dtype=np.int64)
    for position in range(9):
        total += (body // 10 ** (8 - position)) % 10 * (10 - position)
    return total


def _ulns(ids: np.ndarray, salt: int) -> np.ndarray:
    """Unique learner numbers: ten digits, the last ``10 - (weighted sum mod 11)``."""
    body = 100_000_000 + (np.asarray(ids, np.int64) * 87_109 + salt % 10**8) % 800_000_000
    for _ in range(3):  # a remainder of 0 has no check digit: step to the next body
        body = np.where(_mod11_total(body) % 11 == 0, body + 1, body)
    return (body * 10 + (10 - _mod11_total(body) % 11) % 10).astype(str).astype(object)


def _assign_serials(la: np.ndarray, estab: np.ndarray, yy: np.ndarray,
                    rng: np.random.Generator) -> np.ndarray:
    """A serial 0..999 for each child, unique within (LA, establishment, year)."""
    key = (np.asarray(la, np.int64) * 10**4 + estab) * 100 + yy
    order = np.lexsort((rng.random(len(key)), key))
    sorted_key = key[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_key)) + 1]
    group_start = np.repeat(starts, np.diff(np.r_[starts, len(key)]))
    serial = np.empty(len(key), dtype=np.int64)
    serial[order] = np.arange(len(key)) - group_start
    if len(serial) and serial.max() > 999:
        raise ValueError("more than 1,000 UPNs for one school and year: lower the scale")
    return serial


# ---------------------------------------------------------------------------------------
# Timeline
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Timeline:
    """The monthly extracts to write and the history windows they cover."""

    periods: tuple[str, ...]
    extracts: tuple[int, ...]
    windows: tuple[int, ...]

    @property
    def first_year(self) -> int:
        """The first calendar year the simulation needs."""
        return _date(self.windows[0]).year

    @property
    def last_year(self) -> int:
        """The calendar year of the newest extract."""
        return _date(self.extracts[-1]).year

    @property
    def end(self) -> int:
        """Day number of the newest extract."""
        return self.extracts[-1]

    def period_end(self, k: int) -> int:
        """Last day of the k-th period."""
        return self.extracts[k] - EXTRACT_DAY


def build_timeline(end_period: str, months: int) -> Timeline:
    """One extract a month, dated the 5th of the next month, for ``months`` periods."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", end_period) or months < 1:
        raise ValueError("end_period is YYYY-MM and months is at least 1")
    y, m = (int(part) for part in end_period.split("-"))
    last = _add_months(date(y, m, EXTRACT_DAY), 1)
    extracts = [_add_months(last, -k) for k in range(months - 1, -1, -1)]
    return Timeline(
        periods=tuple(f"{_add_months(e, -1):%Y-%m}" for e in extracts),
        extracts=tuple(e.toordinal() - _EPOCH for e in extracts),
        windows=tuple(_add_months(e, -HISTORY_MONTHS).toordinal() - _EPOCH for e in extracts),
    )


def census_days(year: int) -> dict[str, int]:
    """Census days of a calendar year: SPR third Thursday of January, SUM third Thursday
    of May, AUT first Thursday of October."""
    def nth_thursday(month: int, n: int) -> int:
        first = date(year, month, 1)
        return (first + timedelta(days=(3 - first.weekday()) % 7 + 7 * (n - 1))).toordinal()
    return {"SPR": nth_thursday(1, 3) - _EPOCH, "SUM": nth_thursday(5, 3) - _EPOCH,
            "AUT": nth_thursday(10, 1) - _EPOCH}


# ---------------------------------------------------------------------------------------
# Reference data: the estate (GIAS subset) and the population (ONS mid-year estimates)
# ---------------------------------------------------------------------------------------
PLACES = ("Anchorsholme", "Bispham", "Layton", "Marton", "Mereside", "Norbreck", "Revoe",
          "Talbot", "Waterloo", "Claremont", "Devonshire", "Hawes Side", "Kincraig",
          "Stanley", "Boundary", "Thames", "Moor Park", "Baines", "Westcliff", "Grange Park",
          "Highfield", "Unity", "Montgomery", "Aspire", "Park", "Hawthorns", "Gateway",
          "Langdale", "Carleton", "Staining", "Warbreck", "Greenlands", "Poulton")
SAINTS = ("Mary", "John Vianney", "Kentigern", "Cuthbert", "Teresa", "Bernadette")
NAME_BY_TYPE = {1: "{p} Community Primary School", 3: "{p} Church of England Primary School",
                5: "{p} Foundation School", 28: "{p} Academy", 34: "{p} Academy",
                35: "{p} Free School", 7: "{p} Community Special School",
                12: "{p} Foundation Special School", 33: "{p} Special Academy",
                44: "{p} Special Academy", 36: "{p} Free Special School",
                14: "{p} Pupil Referral Unit", 38: "{p} Alternative Provision Free School",
                42: "{p} AP Academy", 43: "{p} AP Academy", 18: "{p} College",
                31: "{p} Sixth Form Centre", 39: "{p} 16-19 Free School",
                45: "{p} Sixth Form Academy", 46: "{p} Sixth Form Academy",
                57: "{p} Secure 16-19 Academy", 32: "{p} Specialist College",
                10: "{p} Lodge School", 8: "{p} Non-Maintained Special School",
                11: "{p} House School", 6: "{p} City Technology College",
                24: "{p} Secure Children’s Home", 56: "{p} Hospital School",
                15: "{p} Nursery School"}
KIND_ESTAB = {"primary": (2000, 2000), "secondary": (4000, 500), "all_through": (4500, 500),
              "special": (7000, 1000), "pru": (1100, 100), "independent": (6000, 1000)}
CENSUS_KINDS = ("primary", "secondary", "all_through", "special", "pru")


def _estate_rows(scale: float) -> pd.DataFrame:
    """One row an establishment: kind, GIAS type, phase, whether in the LA, index in kind."""
    rows = []
    for kind, types, count, phase, in_la in ESTATE:
        n = count if scale <= 1 else max(count, round(count * scale))
        rows += [(kind, types[j % len(types)], phase, in_la, j) for j in range(n)]
    frame = pd.DataFrame(rows, columns=["kind", "type", "phase", "in_la", "j"])
    frame["j"] = frame.groupby(["kind", "in_la"]).cumcount()
    return frame


def _estate_name(kind: str, gias_type: int, j: int, in_la: bool) -> str:
    """A made-up establishment name (a few use ’ and ë, to exercise Windows-1252)."""
    place = PLACES[j % len(PLACES)] + ("" if j < len(PLACES) else f" {j // len(PLACES) + 1}")
    if gias_type == 2:
        return f"St {SAINTS[j % len(SAINTS)]}’s Catholic Primary School, {place}"
    if gias_type == 10 and j == 0:
        return "Brontë House Independent Special School"
    if kind in ("secondary", "all_through") and gias_type in (28, 34, 35):
        return f"{place} High School" if gias_type != 35 else f"{place} Free High School"
    if kind == "primary" and gias_type in (28, 34):
        return f"{place} Primary Academy"
    return NAME_BY_TYPE[gias_type].format(p=place if in_la else f"{place} (out of area)")


def build_estate(scale: float, seed: int) -> pd.DataFrame:
    """The establishments: identifiers, GIAS type and phase, and what the census needs."""
    est = _estate_rows(scale)
    idx = np.arange(len(est))
    est["urn"] = 100_000 + 17 * idx + est["type"].to_numpy() % 17
    has_ukprn = (_unit_hash(idx, _salt(seed, "ukprn")) < 0.8) | est["kind"].isin(["fe"])
    est["ukprn"] = np.where(has_ukprn, 10_000_000 + 13 * idx + 1, 0)
    la = np.array(OTHER_LAS)[(_unit_hash(idx, _salt(seed, "la")) * len(OTHER_LAS)).astype(int)]
    est["la_code"] = np.where(est["in_la"], LA_CODE, la)
    est["name"] = [_estate_name(k, t, j, i) for k, t, j, i in
                   zip(est["kind"], est["type"], est["j"], est["in_la"])]
    _add_laestab(est)
    est["sixth"] = (est["kind"].eq("all_through") | est["kind"].eq("special")
                    | (est["kind"].eq("secondary") & (est["j"] % 3 == 0)))
    est["nursery"] = (est["kind"].isin(["all_through", "special"])
                      | (est["kind"].eq("primary") & (est["j"] % 10 < 7)))
    est["size"] = np.exp(_rng(seed, "estate").normal(0, 0.3, len(est)))
    return est


def _add_laestab(est: pd.DataFrame) -> None:
    """LA number and establishment number; big scales spill into made-up LA numbers."""
    start = est["kind"].map(lambda k: KIND_ESTAB.get(k, (0, 1))[0]).to_numpy()
    cap = est["kind"].map(lambda k: KIND_ESTAB.get(k, (0, 1))[1]).to_numpy()
    block = est["j"].to_numpy() // cap
    la3 = np.where(est["in_la"], np.where(block == 0, LA_CODE, 100 + block), est["la_code"])
    est["la3"] = la3
    est["estab"] = start + est["j"].to_numpy() % cap
    schools = est["kind"].isin(list(KIND_ESTAB)).to_numpy()
    est["laestab"] = np.where(schools, (la3 * 10_000 + est["estab"]).astype(str), "")


def write_establishments(est: pd.DataFrame, path: Path) -> int:
    """``establishments.csv``: Windows-1252 with CRLF line ends, as many GIAS exports are."""
    out = pd.DataFrame({
        "urn": est["urn"], "ukprn": np.where(est["ukprn"] > 0, est["ukprn"].astype(str), ""),
        "name": est["name"], "la_code": est["la_code"],
        "type_of_establishment": est["type"], "phase": est["phase"]})
    out.to_csv(path, index=False, encoding="cp1252", lineterminator="\r\n")
    return len(out)


# Blackpool's population by single year of age 0..25 (about 42,300, in line with ONS
# mid-year estimates for E06000009); older ages follow a smooth shape to 90.
POP_0_25 = (1480, 1500, 1530, 1560, 1590, 1620, 1640, 1660, 1670, 1680, 1690, 1690, 1680,
            1670, 1660, 1650, 1620, 1600, 1560, 1540, 1560, 1600, 1640, 1680, 1720, 1760)


def _population_shape() -> np.ndarray:
    """Population by age 0..90 for the base year."""
    older = [1800.0] * (65 - 26) + list(np.linspace(1750, 300, 91 - 65))
    return np.array(list(POP_0_25) + older)


def write_population(timeline: Timeline, scale: float, seed: int, path: Path) -> int:
    """``population.csv`` for LA 890 and, to prove filtering, Lancashire (888)."""
    years = range(min(timeline.first_year - 1, timeline.last_year - 3), timeline.last_year)
    frames = []
    for la, factor in ((LA_CODE, scale), (888, 8.7)):
        for year in years:
            ages = np.arange(91)
            noise = 1 + 0.02 * (_unit_hash(ages * 10_000 + year * 10 + la % 7, seed) - 0.5)
            pop = _population_shape() * factor * (1 + 0.003 * (year - 2023)) * noise
            frames.append(pd.DataFrame({"la_code": la, "year": year, "age": ages,
                                        "population": np.round(pop).astype(int)}))
    out = pd.concat(frames, ignore_index=True)
    out.to_csv(path, index=False, lineterminator="\n")
    return len(out)


# ---------------------------------------------------------------------------------------
# Council: requests, assessments and plans over the whole horizon
# ---------------------------------------------------------------------------------------
(KIND_LEGACY, KIND_NEW, KIND_TRANSFER, KIND_S,
 KIND_REQ_N, KIND_REQ_W, KIND_ASS_N, KIND_ASS_W) = range(8)
_REQ_DATES = ("received", "req_date", "ass_date", "start", "cease")


def _requests(kind: int, n: int, **cols: np.ndarray) -> pd.DataFrame:
    """Request rows of one kind; dates not given are ``NEVER``, numbers not given are 0."""
    frame = {"kind": np.full(n, kind, np.int8)}
    for name in _REQ_DATES:
        frame[name] = np.asarray(cols.pop(name, np.full(n, NEVER)), dtype=np.int64)
    for name in ("dob", "male", "reason", "week20", "transfer_la"):
        frame[name] = np.asarray(cols.pop(name, np.zeros(n)), dtype=np.int64)
    assert not cols, f"unknown request columns {sorted(cols)}"
    return pd.DataFrame(frame)


def _decision_days(rng: np.random.Generator, n: int) -> np.ndarray:
    """Days from a request to the decision whether to assess (97.9% within six weeks)."""
    late = rng.random(n) > REQ_WITHIN_6WK
    return np.where(late, rng.integers(43, 71, n), rng.integers(12, 43, n))


def _legacy_plans(rng: np.random.Generator, year: int, n: int) -> pd.DataFrame:
    """Plans already in force on 1 January of the first simulated year."""
    jan = _day(year, 1, 1)
    dob = _ages_to_dob(rng, np.full(n, jan), CASELOAD_AGE)
    earliest = np.maximum(np.minimum(np.maximum(dob + 730, jan - 14 * 365), jan - 30), dob + 30)
    start = earliest + (rng.random(n) ** 0.6 * (jan - 1 - earliest)).astype(np.int64)
    received = np.maximum(start - rng.integers(84, 200, n), dob + 1)
    return _requests(KIND_LEGACY, n, dob=dob, male=rng.random(n) < MALE_SHARE_PLANS,
                     received=received, req_date=np.minimum(received + 28, start - 1),
                     ass_date=start, start=start)


def _issue_durations(rng: np.random.Generator, n: int, within_pc: float
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Days from request to plan, and the week20 exception flag, for a year's new plans.

    Exactly ``within_pc`` percent of the plans without an exception take 140 days or fewer.
    """
    exception = _exact_flags(rng, n, EXCEPTION_SHARE)
    within = np.zeros(n, dtype=bool)
    others = np.flatnonzero(~exception)
    within[others] = _exact_flags(rng, len(others), within_pc / 100)
    fast = 140 - np.abs(rng.normal(0, 18, n)).clip(0, 56)
    slow = 141 + rng.gamma(1.6, 36, n).clip(0, 220)
    days = np.where(within, fast, slow)
    return np.where(exception, 130 + rng.gamma(2.0, 45, n), days).astype(np.int64), exception


def _new_plans(rng: np.random.Generator, year: int, n: int) -> pd.DataFrame:
    """New plans issued in a calendar year (assessment outcome Y)."""
    issue = _days_in_year(rng, year, n)
    duration, exception = _issue_durations(rng, n, _annual(WITHIN_20WK_PC, year, 1.0))
    received = issue - duration
    dob = np.minimum(_ages_to_dob(rng, issue, NEW_PLAN_AGE), received - 30)
    return _requests(KIND_NEW, n, dob=dob, male=rng.random(n) < MALE_SHARE_PLANS,
                     received=received, req_date=received + _decision_days(rng, n),
                     ass_date=issue, start=issue, week20=exception)


def _transfer_plans(rng: np.random.Generator, year: int, n_h: int, n_s: int) -> pd.DataFrame:
    """Plans transferred in from another LA (H) and issued after its assessment (S)."""
    moved = _days_in_year(rng, year, n_h)
    dob = _ages_to_dob(rng, moved, CASELOAD_AGE)
    received = np.clip(moved - rng.integers(200, 2500, n_h), dob + 30, moved - 170)
    la = np.array(OTHER_LAS)[rng.integers(0, len(OTHER_LAS), n_h)]
    h = _requests(KIND_TRANSFER, n_h, dob=dob, male=rng.random(n_h) < MALE_SHARE_PLANS,
                  received=received, req_date=received + 30, ass_date=received + 140,
                  start=moved, transfer_la=la)
    issue = _days_in_year(rng, year, n_s)
    received = issue - rng.integers(120, 260, n_s)
    dob = np.minimum(_ages_to_dob(rng, issue, NEW_PLAN_AGE), received - 30)
    s = _requests(KIND_S, n_s, dob=dob, male=rng.random(n_s) < MALE_SHARE_PLANS,
                  received=received, req_date=received + _decision_days(rng, n_s),
                  ass_date=issue, start=issue)
    return pd.concat([h, s], ignore_index=True)


def _pool(plans: pd.DataFrame, year: int) -> tuple[np.ndarray, np.ndarray]:
    """Plans in force on 1 January of ``year`` and the age of each child then."""
    jan = _day(year, 1, 1)
    pool = np.flatnonzero((plans["start"].to_numpy() < jan) & (plans["cease"].to_numpy() == NEVER))
    return pool, (jan - plans["dob"].to_numpy()[pool]) / 365.25


def _flows(pool: int, forced: int, n_new: int, target: int) -> tuple[int, int]:
    """How many plans cease and come in from elsewhere in a year, so that next January's
    count is ``target``."""
    transfers = max(1, round(0.05 * n_new)) if n_new else 0
    cease = max(int(np.ceil(0.025 * pool)), forced, pool + n_new + transfers - target)
    transfers = target - pool - n_new + cease
    if transfers < 0:
        cease, transfers = cease - transfers, 0
    return min(cease, pool), transfers


def _cease_reasons(rng: np.random.Generator, age: np.ndarray) -> np.ndarray:
    """SEN2 cease reason (1..9) by age when the plan ends."""
    young = _choice(rng, (0, 0.45, 0, 0, 0.38, 0, 0.08, 0.02, 0.07), len(age)) + 1
    teen = _choice(rng, (0, 0.2, 0, 0.1, 0.25, 0.3, 0.05, 0, 0.1), len(age)) + 1
    adult = _choice(rng, (0.25, 0.1, 0.1, 0.17, 0.1, 0.23, 0.0, 0.0, 0.05), len(age)) + 1
    return np.where(age >= 24.5, 1, np.where(age >= 19, adult, np.where(age >= 16, teen, young)))


def _cease_plans(rng: np.random.Generator, plans: pd.DataFrame, year: int, n: int) -> None:
    """End ``n`` of the plans in force on 1 January of ``year``, older ones more likely."""
    pool, age = _pool(plans, year)
    weight = np.select([age >= 25, age >= 19, age >= 16, age >= 5], [1e9, 6.0, 2.5, 0.6], 0.35)
    pick = np.argsort(rng.exponential(size=len(pool)) / weight, kind="stable")[:n]
    chosen, age = pool[pick], age[pick]
    days = _days_in_year(rng, year, len(chosen))
    days = np.where(age >= 24.5, _day(year, 7, 31), days)
    for column, values in (("cease", days), ("reason", _cease_reasons(rng, age))):
        array = plans[column].to_numpy().copy()
        array[chosen] = values
        plans[column] = array


def simulate_plans(rng: np.random.Generator, timeline: Timeline, scale: float) -> pd.DataFrame:
    """Every plan in force at some time from the first simulated January to the end.

    Each year the new plans follow ``NEW_PLANS`` exactly, and cessations and transfers in
    are set so that plans in force on 1 January follow ``PLANS_JAN``.
    """
    y0 = timeline.first_year
    plans = _legacy_plans(rng, y0, _scaled(_annual(PLANS_JAN, y0, 1.08), scale))
    for year in range(y0, timeline.last_year + 1):
        n_new = _scaled(_annual(NEW_PLANS, year, 1.05), scale)
        target = _scaled(_annual(PLANS_JAN, year + 1, 1.08), scale)
        pool, age = _pool(plans, year)
        n_cease, n_in = _flows(len(pool), int((age >= 25).sum()), n_new, target)
        _cease_plans(rng, plans, year, n_cease)
        n_s = int(round(0.2 * n_in))
        plans = pd.concat([plans, _new_plans(rng, year, n_new),
                           _transfer_plans(rng, year, n_in - n_s, n_s)], ignore_index=True)
    return plans


def simulate_other_requests(rng: np.random.Generator, timeline: Timeline, scale: float
                            ) -> pd.DataFrame:
    """Requests that led to no plan: not assessed (N), withdrawn (W), or assessed with
    no plan issued (N) or withdrawn during assessment (W)."""
    frames = []
    for year in range(timeline.first_year, timeline.last_year + 1):
        total = _annual(REQUESTS, year, 1.05) * scale
        new = _annual(NEW_PLANS, year, 1.05) * scale
        counts = [round(total * REQ_NOT_ASSESS_SHARE), round(total * REQ_WITHDRAWN_SHARE),
                  round(new * ASSESS_NOT_ISSUED_PER_PLAN), round(new * ASSESS_WITHDRAWN_PER_PLAN)]
        kinds = np.repeat([KIND_REQ_N, KIND_REQ_W, KIND_ASS_N, KIND_ASS_W], counts)
        n = len(kinds)
        received = _days_in_year(rng, year, n)
        assess = np.where(kinds == KIND_ASS_N, rng.integers(100, 181, n), rng.integers(50, 151, n))
        frame = _requests(KIND_REQ_N, n, dob=_ages_to_dob(rng, received, REQUEST_AGE),
                          male=rng.random(n) < 0.62, received=received,
                          req_date=received + _decision_days(rng, n),
                          ass_date=np.where(kinds >= KIND_ASS_N, received + assess, NEVER))
        frame["kind"] = kinds.astype(np.int8)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _add_dispute_flags(rng: np.random.Generator, req: pd.DataFrame) -> None:
    """Mediation, tribunal, RYA and exported flags, in the proportions requests.csv and
    assessments.csv give for Blackpool (2024: 25 request mediations, 5 tribunals...)."""
    kind, n = req["kind"].to_numpy(), len(req)
    req["req_med"] = (kind == KIND_REQ_N) & (rng.random(n) < 0.22)
    req["req_trib"] = req["req_med"] & (rng.random(n) < 0.2)
    req["ass_med"] = (kind == KIND_ASS_N) & (rng.random(n) < 0.4)
    req["ass_trib"] = req["ass_med"] & (rng.random(n) < 0.35)
    plan = (kind == KIND_NEW) | (kind == KIND_S)
    req["oth_med"] = plan & (rng.random(n) < 0.03)
    req["oth_trib"] = plan & (rng.random(n) < 0.02)
    req["rya"] = rng.random(n) < 0.002
    req["exported"] = (kind == KIND_ASS_W) & (rng.random(n) < 0.4)


def _link_rerequests(rng: np.random.Generator, req: pd.DataFrame, share: float = 0.12) -> None:
    """Some children refused an assessment ask again later and get a plan: the later
    request becomes theirs (same person, so a person can have several requests)."""
    kind, received = req["kind"].to_numpy(), req["received"].to_numpy()
    earlier = np.flatnonzero(np.isin(kind, [KIND_REQ_N, KIND_ASS_N]))
    earlier = earlier[rng.random(len(earlier)) < share]
    later = np.flatnonzero(kind == KIND_NEW)
    assessed = req["ass_date"].to_numpy()[earlier]
    ready = np.where(assessed == NEVER, req["req_date"].to_numpy()[earlier], assessed) + 120
    pos = np.searchsorted(received[later], ready) + rng.integers(0, 20, len(earlier))
    ok = pos < len(later)
    targets, sources = later[pos[ok]], earlier[ok]
    targets, first = np.unique(targets, return_index=True)
    sources = sources[first]
    for column in ("pid", "dob", "male"):
        values = req[column].to_numpy().copy()
        values[targets] = values[sources]
        req[column] = values


def simulate_requests(seed: int, timeline: Timeline, scale: float) -> pd.DataFrame:
    """All requests, ordered by date received, with request id ``rid`` and person ``pid``."""
    rng = _rng(seed, "council")
    req = pd.concat([simulate_plans(rng, timeline, scale),
                     simulate_other_requests(rng, timeline, scale)], ignore_index=True)
    req = req.iloc[np.lexsort((rng.random(len(req)), req["received"].to_numpy()))]
    req = req.reset_index(drop=True)
    req["rid"] = np.arange(len(req))
    req["pid"] = req["rid"]
    _link_rerequests(rng, req)
    req["pid"] = np.unique(req["pid"].to_numpy(), return_inverse=True)[1]
    assessed = ~req["kind"].isin([KIND_REQ_N, KIND_REQ_W]).to_numpy()
    req["aid"] = np.where(assessed, np.cumsum(assessed) - 1, -1)
    _add_dispute_flags(rng, req)
    return req


# ---------------------------------------------------------------------------------------
# Council: people, needs and placements
# ---------------------------------------------------------------------------------------
_POSTCODE_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"), dtype=object)


def _postcodes(rng: np.random.Generator, n: int) -> np.ndarray:
    """Made-up Blackpool-area postcodes (FY1..FY8)."""
    district = rng.integers(1, 9, n).astype(str).astype(object)
    sector = rng.integers(1, 10, n).astype(str).astype(object)
    unit = (_POSTCODE_LETTERS[rng.integers(0, 20, n)] + _POSTCODE_LETTERS[rng.integers(0, 20, n)])
    return "FY" + district + " " + sector + unit


def _upn_home(rng: np.random.Generator, estate: pd.DataFrame, n: int, moved_in: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """LA and establishment numbers of the school that allocated each child's UPN."""
    school = _pick_schools(rng, estate, ("primary", "all_through"), n)
    return _upn_home_of(rng, estate, school, moved_in)


def build_persons(seed: int, req: pd.DataFrame, estate: pd.DataFrame) -> pd.DataFrame:
    """One row a child or young person known to the council (``pid`` order)."""
    rng = _rng(seed, "persons")
    first = req.drop_duplicates("pid").sort_values("pid")
    n = len(first)
    dob = first["dob"].to_numpy()
    male = first["male"].to_numpy() == 1
    persons = pd.DataFrame({"pid": np.arange(n), "dob": dob,
                            "sex": np.array(["F", "M"], dtype=object)[male.astype(int)]})
    persons["ethnicity"] = np.array(ETHNICITY, dtype=object)[_choice(rng, ETHNICITY_P, n)]
    persons["surname"] = np.array(SURNAMES, dtype=object)[rng.integers(0, len(SURNAMES), n)]
    boy = np.array(BOYS, dtype=object)[rng.integers(0, len(BOYS), n)]
    girl = np.array(GIRLS, dtype=object)[rng.integers(0, len(GIRLS), n)]
    persons["forename"] = np.where(male, boy, girl)
    persons["postcode"] = _postcodes(rng, n)
    persons["r"] = _reception_year(dob)
    moved_in = first["kind"].to_numpy() == KIND_TRANSFER
    persons["upn_la"], persons["upn_estab"] = _upn_home(rng, estate, n, moved_in)
    persons["upn_yy"] = persons["r"] % 100
    persons["uln"] = _ulns(persons["pid"].to_numpy(), _salt(seed, "uln"))
    gap = rng.random(n) < 0.015
    persons["upn_gap"] = np.where(gap, rng.integers(2, 11, n), 0)
    persons["absence"] = rng.beta(1.4, 19.0, n) * 1.7
    return persons


def build_plans(seed: int, req: pd.DataFrame) -> pd.DataFrame:
    """One row a plan (``plan`` order = request order), with its needs and its track."""
    rng = _rng(seed, "needs")
    plans = req[req["kind"] <= KIND_S][["rid", "pid", "kind", "dob", "start", "cease",
                                        "reason", "transfer_la"]]
    plans = plans.reset_index(drop=True)
    n = len(plans)
    need1 = _choice(rng, NEED_COUNTS, n)
    need1 = np.where(need1 == len(NEED_CODES), -1, need1)
    need2 = (need1 + rng.integers(1, len(NEED_CODES), n)) % len(NEED_CODES)
    plans["need1"] = need1
    plans["need2"] = np.where((rng.random(n) < 0.35) & (need1 >= 0), need2, -1)
    special = np.array([TRACK_BY_NEED[c][0] for c in NEED_CODES] + [0.3])[need1]
    independent = np.array([TRACK_BY_NEED[c][1] for c in NEED_CODES] + [0.02])[need1]
    u = rng.random(n)
    plans["track"] = np.where(u < special, 1, np.where(u < special + independent, 2, 0))
    plans["plan"] = np.arange(n)
    return plans


def _phase_rows(plans: pd.DataFrame) -> pd.DataFrame:
    """A plan's life cut at the phases of education: before reception, primary,
    secondary, 16-18 and 19-25 (boundaries on 1 September)."""
    r = _reception_year(plans["dob"].to_numpy())
    n = len(plans)
    bounds = np.stack([np.full(n, ALWAYS, np.int64), _sep1(r), _sep1(r + 7), _sep1(r + 12),
                       _sep1(r + 15), np.full(n, NEVER, np.int64)], axis=1)
    lo = np.maximum(plans["start"].to_numpy()[:, None], bounds[:, :5])
    hi = np.minimum(plans["cease"].to_numpy()[:, None], bounds[:, 1:])
    keep = lo < hi
    plan, phase = np.nonzero(keep)
    return pd.DataFrame({"plan": plan, "phase": phase.astype(np.int8), "entry": lo[keep],
                         "leave": hi[keep], "move": np.zeros(len(plan), np.int8)})


def _draw_categories(rng: np.random.Generator, rows: pd.DataFrame, track: np.ndarray
                     ) -> np.ndarray:
    """A placement category for each row from the table for its track and phase."""
    cat = np.zeros(len(rows), dtype=np.int8)
    t = track[rows["plan"].to_numpy()]
    phase = rows["phase"].to_numpy()
    for tr, phases in PHASE_TABLE.items():
        for ph, weights in enumerate(phases):
            m = (t == tr) & (phase == ph)
            cat[m] = _choice(rng, weights, int(m.sum()))
    return cat


def _split_rows(rng: np.random.Generator, rows: pd.DataFrame, plans: pd.DataFrame,
                track: np.ndarray, end: int) -> pd.DataFrame:
    """Some children move setting within a phase; a transferred-in child first waits
    for a placement (NIEO) for a few weeks."""
    entry, leave = rows["entry"].to_numpy(), rows["leave"].to_numpy()
    dur = np.minimum(leave, end + 400) - entry
    first = np.r_[True, rows["plan"].to_numpy()[1:] != rows["plan"].to_numpy()[:-1]]
    moved_in = plans["kind"].to_numpy()[rows["plan"].to_numpy()] == KIND_TRANSFER
    waiting = first & moved_in & (dur > 90)
    move = ~waiting & (dur > 300) & (rng.random(len(rows)) < 0.08)
    at = np.where(waiting, entry + rng.integers(14, 75, len(rows)),
                  entry + (rng.uniform(0.2, 0.8, len(rows)) * dur).astype(np.int64))
    split = waiting | move
    head, tail = rows[split].copy(), rows[split].copy()
    head["leave"], tail["entry"] = at[split], at[split]
    head.loc[waiting[split], "cat"] = C["NIEO"]
    redraw = _draw_categories(rng, tail, track)
    tail["cat"] = np.where(move[split], redraw, tail["cat"])
    tail["move"] = tail["move"] + 1
    out = pd.concat([rows[~split], head, tail])
    return out.sort_values(["plan", "entry"], kind="stable").reset_index(drop=True)


def _candidates(estate: pd.DataFrame, name: str, level: int) -> tuple[np.ndarray, np.ndarray]:
    """Establishments (inside, outside the LA) a placement category can use at a level
    (0 early years and primary, 1 secondary, 2 post-16)."""
    ok = estate["type"].isin(CAT_TYPES[name]).to_numpy()
    if name.startswith("MS_") and name != "MS_INDEP":
        kinds = (("primary", "all_through"), ("secondary", "all_through"),
                 ("secondary", "all_through"))[level]
        ok = ok & estate["kind"].isin(kinds).to_numpy()
        if level == 2:
            ok = ok & (estate["sixth"].to_numpy() | ~estate["in_la"].to_numpy())
    inside = estate["in_la"].to_numpy()
    return np.flatnonzero(ok & inside), np.flatnonzero(ok & ~inside)


def _pick(candidates: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The candidate at fraction ``u`` of the list (-1 when there is none)."""
    if not len(candidates):
        return np.full(len(u), -1, dtype=np.int64)
    return candidates[np.minimum((u * len(candidates)).astype(np.int64), len(candidates) - 1)]


def _assign_establishments(rows: pd.DataFrame, estate: pd.DataFrame, seed: int) -> np.ndarray:
    """An establishment for each row whose category needs one (-1 otherwise).

    The choice is a hash of the plan (and the move number), so a child stays at the same
    special school or college from one phase to the next.
    """
    est = np.full(len(rows), -1, dtype=np.int64)
    cat, plan = rows["cat"].to_numpy(), rows["plan"].to_numpy()
    level = np.select([rows["phase"].to_numpy() <= 1, rows["phase"].to_numpy() == 2], [0, 1], 2)
    key = plan * 8 + rows["move"].to_numpy()
    for name in CAT_TYPES:
        for lvl in range(3):
            m = np.flatnonzero((cat == C[name]) & (level == lvl))
            if not len(m):
                continue
            inside, outside = _candidates(estate, name, lvl)
            use_in = _unit_hash(key[m], _salt(seed, "in" + name)) < CAT_IN_LA.get(name, 0.0)
            use_in = (use_in & (len(inside) > 0)) | (len(outside) == 0)
            pick = _unit_hash(key[m], _salt(seed, "at" + name))
            est[m] = np.where(use_in, _pick(inside, pick), _pick(outside, pick))
    return est


def _merge_runs(rows: pd.DataFrame) -> pd.DataFrame:
    """Join back-to-back rows of a plan at the same setting into one placement."""
    plan, cat, est = (rows[c].to_numpy() for c in ("plan", "cat", "est"))
    entry, leave = rows["entry"].to_numpy(), rows["leave"].to_numpy()
    same = np.r_[False, (plan[1:] == plan[:-1]) & (cat[1:] == cat[:-1])
                 & (est[1:] == est[:-1]) & (entry[1:] == leave[:-1])]
    starts = np.flatnonzero(~same)
    ends = np.r_[starts[1:], len(rows)] - 1
    merged = rows.iloc[starts].copy()
    merged["leave"] = leave[ends]
    return merged.reset_index(drop=True)


def _second_placements(rng: np.random.Generator, rows: pd.DataFrame, estate: pd.DataFrame,
                       end: int) -> pd.DataFrame:
    """A few school-age children also attend a pupil referral unit or other LA
    arrangements for a while (placement rank 2)."""
    entry, leave = rows["entry"].to_numpy(), rows["leave"].to_numpy()
    dur = np.minimum(leave, end + 400) - entry
    school = (rows["phase"].isin([1, 2]).to_numpy() & (rows["est"].to_numpy() >= 0)
              & (rows["cat"].to_numpy() != C["AP"]))
    pick = np.flatnonzero(school & (dur > 150) & (rng.random(len(rows)) < 0.03))
    extra = rows.iloc[pick].copy()
    extra["entry"] = entry[pick] + (rng.uniform(0, 0.5, len(pick)) * dur[pick]).astype(np.int64)
    extra["leave"] = np.minimum(extra["entry"].to_numpy() + rng.integers(60, 240, len(pick)),
                                leave[pick])
    pru = np.flatnonzero(estate["in_la"].to_numpy() & estate["kind"].eq("pru").to_numpy())
    to_pru = rng.random(len(pick)) < 0.7
    extra["cat"] = np.where(to_pru, C["AP"], C["OLA"]).astype(np.int8)
    extra["est"] = np.where(to_pru, pru[rng.integers(0, len(pru), len(pick))], -1)
    extra["rank"] = 2
    return extra


def build_placements(seed: int, plans: pd.DataFrame, estate: pd.DataFrame, end: int
                     ) -> pd.DataFrame:
    """Every setting of every plan, with entry and leaving days (``plid`` order)."""
    rng = _rng(seed, "placements")
    track = plans["track"].to_numpy()
    rows = _phase_rows(plans)
    rows["cat"] = _draw_categories(rng, rows, track)
    rows = _split_rows(rng, rows, plans, track, end)
    rows["est"] = _assign_establishments(rows, estate, seed)
    rows = _merge_runs(rows)
    unknown = _unit_hash(rows["plan"].to_numpy(), _salt(seed, "unknown")) < 0.002
    rows = rows[~unknown]
    rows["rank"] = 1
    rows = pd.concat([rows, _second_placements(rng, rows, estate, end)], ignore_index=True)
    rows = rows.sort_values(["plan", "entry", "rank"], kind="stable").reset_index(drop=True)
    rows["plid"] = np.arange(len(rows))
    rows["provider"] = (_unit_hash(rows["plan"].to_numpy(), _salt(seed, "provider"))
                        * PROVIDERS_WITHOUT_URN).astype(np.int8)
    return rows.astype({"plan": np.int32, "est": np.int32, "rank": np.int8, "plid": np.int32})


# ---------------------------------------------------------------------------------------
# Council: one monthly snapshot, nine Blade CSV modules
# ---------------------------------------------------------------------------------------
MODULES = ("sen2", "person", "requests", "assessment", "namedplan", "plandetail",
           "activeplans", "placementdetail", "senneed")
COUNCIL_DATE_MIX = (0.9, 0.05, 0.05)  # Blade, ISO, DMY


Table = dict[str, object]  # column name -> array (or one value for every row)


@dataclass
class Council:
    """The simulated council system: every request, person, plan, placement and need."""

    req: pd.DataFrame
    persons: pd.DataFrame
    plans: pd.DataFrame
    placements: pd.DataFrame
    needs: pd.DataFrame
    estate: pd.DataFrame


@dataclass
class Snapshot:
    """What the council system shows on one extract date."""

    extract: int
    window: int
    seed: int
    req: pd.DataFrame
    plans: pd.DataFrame

    @property
    def v12(self) -> bool:
        """Whether this extract uses the SEN2 v1.2+ layout."""
        return _date(self.extract) >= V12_FROM

    def dates(self, days: np.ndarray, ids: np.ndarray, column: str) -> np.ndarray:
        """Dates as text, each value in one of the three forms."""
        return _fmt_dates(days, _styles(ids, _salt(self.seed, column), COUNCIL_DATE_MIX))


def build_needs(plans: pd.DataFrame) -> pd.DataFrame:
    """``senneed`` rows: rank 1 (primary need) and sometimes rank 2 for each plan."""
    rows = []
    for rank, column in ((1, "need1"), (2, "need2")):
        have = plans[plans[column] >= 0]
        rows.append(pd.DataFrame({"plan": have["plan"], "rank": rank,
                                  "sentype": np.array(NEED_CODES, dtype=object)[have[column]]}))
    needs = pd.concat(rows).sort_values(["plan", "rank"]).reset_index(drop=True)
    needs["nid"] = np.arange(len(needs))
    return needs


def _keys(module: str, ids: np.ndarray, parent: str | None, parent_ids: np.ndarray | None,
          prefix: str) -> dict[str, np.ndarray]:
    """The columns every Blade module starts with (table id, native id, order, source)."""
    ids = np.asarray(ids, dtype=np.int64)
    cols = {f"{module}tableid": ids, "NativeId": Prefixed(prefix, ids),
            f"{module}orderseqcolumn": np.arange(1, len(ids) + 1),
            "sourceid": np.ones(len(ids), int)}
    if parent:
        cols[parent] = np.asarray(parent_ids, dtype=np.int64)
    return cols


def _visible(council: Council, extract: int, window: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Requests with activity in the window that the system knows of, and their plans."""
    req = council.req
    kind = req["kind"].to_numpy()
    known_from = np.where(kind == KIND_TRANSFER, req["start"], req["received"])
    plan_window = ((kind <= KIND_S) & (req["start"].to_numpy() <= extract)
                   & (req["cease"].to_numpy() > window))
    activity = ((req["received"].to_numpy() >= window) | plan_window
                | _between(req["req_date"].to_numpy(), window, extract)
                | _between(req["ass_date"].to_numpy(), window, extract))
    req = req[(known_from <= extract) & activity]
    plans = council.plans
    plans = plans[plans["rid"].isin(req["rid"]) & (plans["start"].to_numpy() <= extract)]
    return req, plans


def _between(days: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Whether each day lies in [lo, hi]."""
    return (days >= lo) & (days <= hi)


def _sen2_module(snap: Snapshot, serial: int) -> Table:
    """The header: one row naming the collection, the LA and the extract."""
    d = _date(snap.extract)
    stamp = f"{d.year:04d}-{_MONTHS[d.month - 1]}-{d.day:02d} 06:15:00"
    cols = _keys("sen2", np.array([1]), None, None, "SEN2-")
    cols.update({"collection": ["SEN2"], "year": [d.year + (d.month >= 9)],
                 "referencedate": _fmt_dates(np.array([snap.extract]), BLADE),
                 "sourcelevel": ["L"], "lea": [LA_CODE], "softwarecode": ["SYNTH-EHCP"],
                 "release": ["1.4" if snap.v12 else "1.1"], "serialno": [serial],
                 "datetime": [stamp]})
    return cols


def _person_module(snap: Snapshot, persons: pd.DataFrame) -> Table:
    """Children and young people with a request or plan in the snapshot."""
    p = persons[persons["pid"].isin(snap.req["pid"])]
    ids = p["pid"].to_numpy() + 1
    has_upn = (snap.extract >= _sep1(p["r"].to_numpy() - 1)) & (p["upn_gap"].to_numpy() == 0)
    age = (snap.extract - p["dob"].to_numpy()) / 365.25
    gap = p["upn_gap"].to_numpy()
    codes = np.array([f"UN{i}" for i in range(11)], dtype=object)
    unknown = np.where(has_upn, "", codes[np.where(gap > 0, gap, 1)])
    cols = _keys("person", ids, "sen2tableid", np.ones(len(p)), "PER-")
    cols.update({"surname": p["surname"].to_numpy(), "forename": p["forename"].to_numpy(),
                 "personbirthdate": snap.dates(p["dob"].to_numpy(), ids, "personbirthdate"),
                 ("sex" if snap.v12 else "gendercurrent"): p["sex"].to_numpy(),
                 "ethnicity": p["ethnicity"].to_numpy(), "postcode": p["postcode"].to_numpy(),
                 "upn": np.where(has_upn, p["upn"].to_numpy(), ""),
                 "uniquelearnernumber": np.where(age >= 14, p["uln"].to_numpy(), ""),
                 "upnunknown": unknown})
    return cols


def _outcomes(snap: Snapshot) -> tuple[np.ndarray, np.ndarray]:
    """Request and assessment outcome codes as the system shows them on the extract date."""
    req, e = snap.req, snap.extract
    kind = req["kind"].to_numpy()
    before_window = req["ass_date"].to_numpy() < snap.window
    historic = (kind == KIND_TRANSFER) | ((kind <= KIND_NEW) & before_window)
    decided = req["req_date"].to_numpy() <= e
    request = np.select([historic, ~decided, kind == KIND_REQ_N, kind == KIND_REQ_W],
                        ["H", "A", "N", "W"], "Y")
    assessed = req["ass_date"].to_numpy() <= e
    assessment = np.select([historic, ~assessed, kind == KIND_S, kind == KIND_ASS_N,
                            kind == KIND_ASS_W], ["H", "A", "S", "N", "W"], "Y")
    return request, assessment


def _requests_module(snap: Snapshot, request: np.ndarray) -> Table:
    """Requests for an EHC needs assessment."""
    req, ids = snap.req, snap.req["rid"].to_numpy() + 1
    shown = np.where(request == "A", NEVER, req["req_date"].to_numpy())
    cols = _keys("requests", ids, "persontableid", req["pid"].to_numpy() + 1, "REQ-")
    cols.update({"receiveddate": snap.dates(req["received"].to_numpy(), ids, "receiveddate"),
                 "rya": req["rya"].astype(int).to_numpy(),
                 "requestoutcomedate": snap.dates(shown, ids, "requestoutcomedate"),
                 "requestoutcome": request,
                 "requestmediation": (req["req_med"].to_numpy() & (request != "A")).astype(int),
                 "requesttribunal": (req["req_trib"].to_numpy() & (request != "A")).astype(int),
                 "exported": (req["exported"].to_numpy()
                              & (req["ass_date"].to_numpy() <= snap.extract)).astype(int)})
    return cols


def _assessment_module(snap: Snapshot, request: np.ndarray, assessment: np.ndarray
                       ) -> Table:
    """EHC needs assessments: one for each request the LA decided to assess."""
    req = snap.req
    kind = req["kind"].to_numpy()
    has = ~np.isin(kind, [KIND_REQ_N, KIND_REQ_W]) & (request != "A")
    req, outcome = req[has], assessment[has]
    ids = req["aid"].to_numpy() + 1
    issued = np.isin(outcome, ["Y", "S"])
    week20 = _flag_text(req["week20"].to_numpy(), ids, _salt(snap.seed, "week20"), 0.05)
    shown = np.where(outcome == "A", NEVER, req["ass_date"].to_numpy())
    cols = _keys("assessment", ids, "requeststableid", req["rid"].to_numpy() + 1, "ASM-")
    cols.update({"assessmentoutcome": outcome,
                 "assessmentoutcomedate": snap.dates(shown, ids, "assessmentoutcomedate"),
                 "assessmentmediation": (req["ass_med"].to_numpy() & (outcome != "A")).astype(int),
                 "assessmenttribunal": (req["ass_trib"].to_numpy() & (outcome != "A")).astype(int),
                 "othermediation": (req["oth_med"].to_numpy() & issued).astype(int),
                 "othertribunal": (req["oth_trib"].to_numpy() & issued).astype(int),
                 "week20": np.where(issued, week20, "")})
    return cols


def _namedplan_module(snap: Snapshot, aid_of_rid: np.ndarray) -> Table:
    """Named plans: every plan in force at some time in the window, under its assessment."""
    plans, e = snap.plans, snap.extract
    ids = plans["plan"].to_numpy() + 1
    cease = _show_planned(plans["cease"].to_numpy(), ids, e, 31, 0.4, _salt(snap.seed, "cease"))
    reason = np.where(cease == NEVER, "", plans["reason"].astype(str))
    budget = _unit_hash(ids, _salt(snap.seed, "pb")) < 0.12
    cols = _keys("namedplan", ids, "assessmenttableid", aid_of_rid[plans["rid"]] + 1, "NP-")
    cols.update({"startdate": snap.dates(plans["start"].to_numpy(), ids, "startdate"),
                 "planres": "", "planwbp": "", "pb": budget.astype(int),
                 "oa": np.where(budget, (_unit_hash(ids, 7) < 0.6).astype(int).astype(str), ""),
                 "dp": np.where(budget, (_unit_hash(ids, 8) < 0.5).astype(int).astype(str), ""),
                 "ceasedate": snap.dates(cease, ids, "ceasedate"), "ceasereason": reason})
    return cols


PROVIDER_UKPRN = 10_900_000
SETTING_OTHER_TEXT = {"NIEO": "Awaiting placement after transfer",
                      "OTH": "Specialist provision to be named"}


def add_setting_text(placements: pd.DataFrame, estate: pd.DataFrame, seed: int) -> None:
    """Text of the setting columns of every placement (they do not change over time).

    Values are taken from small lookup arrays, so rows share their string objects.
    """
    est, cat = placements["est"].to_numpy(), placements["cat"].to_numpy()
    urns = np.append(estate["urn"].astype(str).to_numpy().astype(object), "")
    ukprns = np.where(estate["ukprn"] > 0, estate["ukprn"].astype(str), "").astype(object)
    ukprns = np.append(ukprns, "")
    providers = np.array([str(PROVIDER_UKPRN + i) for i in range(PROVIDERS_WITHOUT_URN)],
                         dtype=object)
    post16 = np.isin(cat, [C["FE"], C["SPEC16"]])
    plan = placements["plan"].to_numpy()
    ukprn_only = post16 & (_unit_hash(plan, _salt(seed, "ukprn_only")) < 0.3)
    has_urn = (est >= 0) & ~ukprn_only
    placements["urn"] = urns[np.where(has_urn, est, -1)]
    ukprn = ukprns[np.where(post16 & (est >= 0), est, -1)]
    provider = providers[placements["provider"].to_numpy()]
    placements["ukprn"] = np.where(cat == C["UKPRN"], provider, ukprn)
    placements["sensetting"] = np.array([SENSETTING.get(n, "") for n in CATS], dtype=object)[cat]
    placements["sensettingother"] = np.array([SETTING_OTHER_TEXT.get(n, "") for n in CATS],
                                             dtype=object)[cat]
    flags = np.array(["", "0", "1"], dtype=object)
    for column, name in (("senunitindicator", "MS_ACAD_UNIT"),
                         ("resourcedprovisionindicator", "MS_ACAD_RP")):
        placements[column] = flags[np.where(has_urn, 1 + (cat == C[name]), 0)]


SETTING_COLUMNS = ("urn", "ukprn", "sensetting", "sensettingother", "placementrank",
                   "senunitindicator", "resourcedprovisionindicator")


def _setting_columns(rows: pd.DataFrame) -> Table:
    """The setting columns of placement rows, in Blade order."""
    cols = {c: rows[c].to_numpy() for c in SETTING_COLUMNS if c != "placementrank"}
    cols["placementrank"] = rows["rank"].to_numpy()
    return {c: cols[c] for c in SETTING_COLUMNS}


def _plandetail_module(snap: Snapshot, placements: pd.DataFrame) -> Table:
    """The setting named in each plan: its latest main placement begun by the extract."""
    rows = placements[(placements["rank"] == 1) & (placements["entry"] <= snap.extract)
                      & placements["plan"].isin(snap.plans["plan"])]
    rows = rows.drop_duplicates("plan", keep="last")
    ids = rows["plid"].to_numpy() + 1
    cols = _keys("plandetail", ids, "namedplantableid", rows["plan"].to_numpy() + 1, "PD-")
    cols.update(_setting_columns(rows))
    return cols


def _reviews(plans: pd.DataFrame, extract: int) -> tuple[np.ndarray, np.ndarray]:
    """Annual reviews: the last review decision and the latest (or next) meeting date."""
    start = plans["start"].to_numpy()
    until = np.minimum(extract, plans["cease"].to_numpy() - 1)
    k = np.maximum((until - start) // 365, 0)
    last = np.where(k >= 1, start + 365 * k, NEVER)
    upcoming = start + 365 * (k + 1) - 21
    meeting = np.where(upcoming <= until + 30, upcoming, np.where(k >= 1, last - 21, NEVER))
    return last, meeting


def _activeplans_module(snap: Snapshot) -> Table:
    """Active plan records: one for each named plan, under the same request."""
    plans = snap.plans
    ids = plans["plan"].to_numpy() + 1
    last, meeting = _reviews(plans, snap.extract)
    ceasing = plans["cease"].to_numpy() <= last + 180
    cols = _keys("activeplans", ids, "requeststableid", plans["rid"].to_numpy() + 1, "AP-")
    la = plans["transfer_la"].to_numpy()
    cols["transferla"] = np.where(la > 0, la.astype(str), "")
    if not snap.v12:
        cols.update({"res": "", "wbp": ""})
    cols.update({"reviewmeeting": snap.dates(meeting, ids, "reviewmeeting"),
                 "reviewoutcome": np.where(last == NEVER, "", np.where(ceasing, "N", "Y")),
                 "lastreview": snap.dates(last, ids, "lastreview")})
    return cols


def _placementdetail_module(snap: Snapshot, placements: pd.DataFrame) -> Table:
    """Settings over time: placements begun by the extract and not ended before the window."""
    rows = placements[(placements["entry"] <= snap.extract) & (placements["leave"] > snap.window)
                      & placements["plan"].isin(snap.plans["plan"])]
    ids = rows["plid"].to_numpy() + 1
    leave = _show_planned(rows["leave"].to_numpy(), ids, snap.extract, 92, 0.5,
                          _salt(snap.seed, "leave"))
    cols = _keys("placementdetail", ids, "activeplanstableid", rows["plan"].to_numpy() + 1, "PL-")
    settings = _setting_columns(rows)
    unit_flags = {k: settings.pop(k) for k in ("senunitindicator", "resourcedprovisionindicator")}
    cols.update(settings)
    cols.update({"entrydate": snap.dates(rows["entry"].to_numpy(), ids, "entrydate"),
                 "leavingdate": snap.dates(leave, ids, "leavingdate"), **unit_flags})
    if snap.v12:
        cols.update({"res": "", "wbp": ""})
    else:
        cols["attendancepattern"] = np.where(rows["rank"].to_numpy() == 1, "FT", "PT")
    return cols


def _senneed_module(snap: Snapshot, needs: pd.DataFrame) -> Table:
    """Special educational needs (primary rank 1, secondary rank 2) of each active plan."""
    rows = needs[needs["plan"].isin(snap.plans["plan"])]
    ids = rows["nid"].to_numpy() + 1
    cols = _keys("senneed", ids, "activeplanstableid", rows["plan"].to_numpy() + 1, "SN-")
    cols.update({"sentype": rows["sentype"].to_numpy(), "sentyperank": rows["rank"].to_numpy()})
    return cols


def council_snapshot(council: Council, extract: int, window: int, seed: int, serial: int):
    """The nine modules of one extract, as (module, table) pairs made one at a time."""
    req, plans = _visible(council, extract, window)
    snap = Snapshot(extract=extract, window=window, seed=seed, req=req, plans=plans)
    request, assessment = _outcomes(snap)
    aid_of_rid = council.req["aid"].to_numpy()
    yield "sen2", _sen2_module(snap, serial)
    yield "person", _person_module(snap, council.persons)
    yield "requests", _requests_module(snap, request)
    yield "assessment", _assessment_module(snap, request, assessment)
    yield "namedplan", _namedplan_module(snap, aid_of_rid)
    yield "plandetail", _plandetail_module(snap, council.placements)
    yield "activeplans", _activeplans_module(snap)
    yield "placementdetail", _placementdetail_module(snap, council.placements)
    yield "senneed", _senneed_module(snap, council.needs)


def write_council(council: Council, timeline: Timeline, seed: int, folder: Path
                  ) -> dict[str, int]:
    """Every monthly snapshot: ``Blade-Export_<DD-MM-YYYY>_<module>.csv``."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = dict.fromkeys(MODULES, 0)
    for k, (extract, window) in enumerate(zip(timeline.extracts, timeline.windows)):
        stamp = f"{_date(extract):%d-%m-%Y}"
        for module, table in council_snapshot(council, extract, window, seed, serial=k + 1):
            rows[module] += write_table(folder / f"Blade-Export_{stamp}_{module}.csv", table,
                                        free_text=("surname", "forename", "sensettingother"))
    return rows


# ---------------------------------------------------------------------------------------
# School census and results
# ---------------------------------------------------------------------------------------
K_TYPES = ("SLCN", "SEMH", "MLD", "SPLD", "ASD", "OTH", "PD", "HI", "VI", "SLD", "NSA")
K_TYPES_P = (0.23, 0.21, 0.16, 0.12, 0.12, 0.04, 0.02, 0.01, 0.01, 0.01, 0.07)
SEN_CODES = NEED_CODES + ("NSA", "")  # index -1 (no type) maps to ""
ENROL = ("C", "M", "S", "F", "G")
CENSUS_COLUMNS = ("upn", "laestab", "urn", "census_date", "date_of_birth", "sex",
                  "nc_year_actual", "enrol_status", "sen_provision", "primary_sen_type",
                  "secondary_sen_type", "sessions_possible", "sessions_authorised_absence",
                  "sessions_unauthorised_absence")
CBDS_CAPITALS = {"upn": "UPN", "laestab": "LAEstab", "urn": "URN", "census_date": "Census_Date",
                 "date_of_birth": "Date_Of_Birth", "sex": "Sex",
                 "nc_year_actual": "NC_Year_Actual", "enrol_status": "Enrol_Status",
                 "sen_provision": "SEN_Provision", "primary_sen_type": "Primary_SEN_Type",
                 "secondary_sen_type": "Secondary_SEN_Type",
                 "sessions_possible": "Sessions_Possible",
                 "sessions_authorised_absence": "Sessions_Authorised_Absence",
                 "sessions_unauthorised_absence": "Sessions_Unauthorised_Absence"}
NC_TEXT = np.array(["N1", "N2", "R"] + [str(i) for i in range(1, 15)] + ["X"], dtype=object)


def census_list(timeline: Timeline) -> list[tuple[int, str, int]]:
    """(year, term, day) of every census the deliveries hold: from the spring census of
    the earliest results year any period uses, to the last period end."""
    first_pe, last_pe = timeline.period_end(0), timeline.period_end(len(timeline.extracts) - 1)
    ks_first = _results_year(first_pe)
    out = []
    for year in range(ks_first, _date(last_pe).year + 1):
        for term, day in sorted(census_days(year).items(), key=lambda item: item[1]):
            if census_days(ks_first)["SPR"] <= day <= last_pe:
                out.append((year, term, day))
    return out


def _results_year(period_end: int) -> int:
    """The latest year whose 31 August is on or before ``period_end``."""
    d = _date(period_end)
    return d.year if (d.month, d.day) >= (8, 31) else d.year - 1


def results_years(timeline: Timeline) -> range:
    """Exam years (summer) whose results some period uses."""
    return range(_results_year(timeline.period_end(0)),
                 _results_year(timeline.period_end(len(timeline.extracts) - 1)) + 1)


def _pick_schools(rng: np.random.Generator, estate: pd.DataFrame, kinds: tuple[str, ...],
                  n: int) -> np.ndarray:
    """Estate indices of LA schools of the given kinds, chosen in proportion to size."""
    pool = np.flatnonzero(estate["in_la"].to_numpy() & estate["kind"].isin(kinds).to_numpy())
    weights = estate["size"].to_numpy()[pool]
    return pool[rng.choice(len(pool), size=n, p=weights / weights.sum())].astype(np.int32)


def _pupil_schools(rng: np.random.Generator, estate: pd.DataFrame, n: int) -> dict:
    """Primary and secondary school, sixth form and nursery attendance of base pupils."""
    primary = _pick_schools(rng, estate, ("primary", "all_through"), n)
    secondary = _pick_schools(rng, estate, ("secondary", "all_through"), n)
    all_through = estate["kind"].to_numpy()[primary] == "all_through"
    secondary = np.where(all_through & (rng.random(n) < 0.85), primary, secondary)
    nursery = estate["nursery"].to_numpy()[primary]
    n2 = nursery & (rng.random(n) < 0.7)
    return {"primary": primary, "secondary": secondary.astype(np.int32),
            "sixth": estate["sixth"].to_numpy()[secondary] & (rng.random(n) < 0.45),
            "n2": n2, "n1": n2 & (rng.random(n) < 0.45)}


def _pupil_sen(rng: np.random.Generator, n: int) -> dict:
    """SEN support spells (by NC year), types, other LAs' EHCP children and absence."""
    k = rng.random(n) < 0.27
    k_from = np.where(k, _choice(rng, (9, 8, 7, 6, 5, 4, 3, 3, 2, 2), n), 99)
    k_to = np.where(rng.random(n) < 0.55, 14, k_from + rng.geometric(0.22, n))
    other_e = rng.random(n) < 0.009
    t1 = np.where(other_e, _choice(rng, NEED_COUNTS[:-1], n),
                  np.array([SEN_CODES.index(t) for t in K_TYPES])[_choice(rng, K_TYPES_P, n)])
    t2 = np.where(rng.random(n) < 0.22, (t1 + 1 + rng.integers(0, 11, n)) % 12, -1)
    t2 = np.where((t1 == SEN_CODES.index("NSA")) | (t2 == t1), -1, t2)
    factor = np.where(other_e, 1.7, np.where(k, 1.35, 1.0))
    return {"k_from": k_from.astype(np.int8), "k_to": np.minimum(k_to, 99).astype(np.int8),
            "other_e": other_e, "t1": t1.astype(np.int8), "t2": t2.astype(np.int8),
            "absence": (rng.beta(1.4, 19.0, n) * factor).astype(np.float32)}


def _cohort(rng: np.random.Generator, estate: pd.DataFrame, r: int, n: int, end: int
            ) -> dict[str, np.ndarray]:
    """Base pupils of one year group (those starting reception in September of ``r``)."""
    rr = np.full(n, r, dtype=np.int16)
    first_seen = int(_sep1(np.array([r - 2]))[0])
    pupils = {"r": rr, "dob": (_sep1(rr - 5) + rng.integers(0, 365, n)).astype(np.int32),
              "male": rng.random(n) < 0.51}
    arrive = first_seen + (rng.random(n) * (end - first_seen)).astype(np.int64)
    pupils["arrive"] = np.where(rng.random(n) < 0.12, arrive, ALWAYS).astype(np.int32)
    lo = np.maximum(pupils["arrive"], first_seen)
    leave = lo + 1 + (rng.random(n) * (end + 800 - lo)).astype(np.int64)
    pupils["leave"] = np.where(rng.random(n) < 0.10, leave, NEVER).astype(np.int32)
    pupils.update(_pupil_schools(rng, estate, n))
    pupils.update(_pupil_sen(rng, n))
    u = rng.random(n)
    pupils["pru"] = np.where(u < 0.004, 1, np.where(u < 0.0052, 2, 0)).astype(np.int8)
    pupils["guest"] = rng.random(n) < 0.001
    pupils["fe"] = rng.random(n) < 0.004
    moved_in = pupils["arrive"] > _sep1(np.array([r]))[0]
    pupils["upn_la"], pupils["upn_estab"] = _upn_home_of(rng, estate, pupils["primary"], moved_in)
    pupils["upn_yy"] = np.full(n, r % 100, dtype=np.int16)
    return pupils


def build_pupils(seed: int, estate: pd.DataFrame, cohorts: range, scale: float, end: int
                 ) -> dict[str, np.ndarray]:
    """Base pupils (those without a plan from this council), one array a column, built a
    year group at a time to keep memory low."""
    rng = _rng(seed, "pupils")
    sizes = [_scaled(COHORT_PUPILS * (1 + 0.03 * (rng.random() - 0.5)), scale) for _ in cohorts]
    parts = [_cohort(rng, estate, r, n, end) for r, n in zip(cohorts, sizes)]
    return {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}


def _upn_home_of(rng: np.random.Generator, estate: pd.DataFrame, school: np.ndarray,
                 moved_in: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """UPN LA and establishment numbers: the first school's, or another LA's for movers."""
    n = len(school)
    other = np.array(OTHER_LAS)[rng.integers(0, len(OTHER_LAS), n)]
    la = np.where(moved_in, other, estate["la3"].to_numpy()[school])
    estab = np.where(moved_in, rng.integers(2000, 4000, n), estate["estab"].to_numpy()[school])
    return la.astype(np.int16), estab.astype(np.int16)


ROW_DTYPES = {"upn_la": np.int16, "upn_estab": np.int16, "upn_yy": np.int16,
              "serial": np.int16, "dob": np.int32, "male": bool, "absence": np.float32,
              "est": np.int32, "enrol": np.int8, "nc": np.int16, "ncx": np.int16,
              "sen": np.int8, "arrive": np.int32, "t1": np.int8, "t2": np.int8}
ROW_FIELDS = ("upn_la", "upn_estab", "upn_yy", "serial", "dob", "male", "absence")
E_, K_, N_ = 0, 1, 2  # sen_provision codes: E, K, N


def _take(source: dict, idx: np.ndarray, **extra: np.ndarray) -> dict[str, np.ndarray]:
    """Census rows for ``idx`` of a source (base pupils or council persons), compactly typed."""
    rows = {f: np.asarray(source[f])[idx] for f in ROW_FIELDS}
    rows.update(extra)
    return {k: np.asarray(v).astype(ROW_DTYPES[k], copy=False) for k, v in rows.items()}


def _la_schools(estate: pd.DataFrame, kinds: tuple[str, ...]) -> np.ndarray:
    """Indices of LA schools of some kinds."""
    return np.flatnonzero(estate["in_la"].to_numpy() & estate["kind"].isin(kinds).to_numpy())


def _base_members(p: dict, estate: pd.DataFrame, day: int, seed: int) -> list[dict]:
    """Census rows of base pupils on a day: main rows, then dual (S) and guest (G) rows."""
    nc = (_academic_year(day) - p["r"]).astype(np.int16)
    present = (p["arrive"] <= day) & (p["leave"] > day)
    prim = ((nc >= 0) & (nc <= 6)) | ((nc == -1) & p["n2"]) | ((nc == -2) & p["n1"])
    sec = ((nc >= 7) & (nc <= 11)) | ((nc >= 12) & (nc <= 13) & p["sixth"])
    idx = np.flatnonzero(present & (prim | sec))
    nc = nc[idx]
    ks = (nc >= 7) & (nc <= 11)
    pru = _pick(_la_schools(estate, ("pru",)), _unit_hash(idx, _salt(seed, "pru")))
    est = np.where(prim[idx], p["primary"][idx], p["secondary"][idx])
    est = np.where(ks & (p["pru"][idx] == 2), pru, est)
    dual = ks & (p["pru"][idx] == 1)
    enrol = np.where(dual, 1, np.where((nc >= 10) & ks & p["fe"][idx], 3, 0))
    in_k = (p["k_from"][idx] <= nc) & (nc <= p["k_to"][idx]) & (nc >= 0)
    sen = np.where(p["other_e"][idx], E_, np.where(in_k, K_, N_))
    main = _take(p, idx, est=est, enrol=enrol, nc=nc, ncx=nc, sen=sen, arrive=p["arrive"][idx],
                 t1=np.where(sen == N_, -1, p["t1"][idx]),
                 t2=np.where(sen == N_, -1, p["t2"][idx]))
    guest = p["guest"][idx]
    level = _la_schools(estate, ("primary",)), _la_schools(estate, ("secondary",))
    u = _unit_hash(idx, _salt(seed, "guest"))
    host = np.where(prim[idx], _pick(level[0], u), _pick(level[1], u))
    extra = [_subset(main, dual, est=pru[dual], enrol=2),
             _subset(main, guest, est=host[guest], enrol=4)]
    return [main] + extra


def _subset(rows: dict, mask: np.ndarray, **changes: object) -> dict:
    """Some rows again, with some columns changed (a scalar applies to all)."""
    out = {k: v[mask] for k, v in rows.items()}
    for key, value in changes.items():
        out[key] = np.broadcast_to(value, int(mask.sum())).astype(ROW_DTYPES[key])
    return out


def _council_members(council: Council, day: int, seed: int) -> list[dict]:
    """Census rows of the council's EHCP children placed in the LA's schools on a day."""
    pl, plans, estate = council.placements, council.plans, council.estate
    est = pl["est"].to_numpy()
    school = np.zeros(len(estate) + 1, dtype=bool)
    school[_la_schools(estate, CENSUS_KINDS)] = True
    plan = pl["plan"].to_numpy()
    live = ((pl["entry"].to_numpy() <= day) & (pl["leave"].to_numpy() > day) & school[est]
            & (plans["start"].to_numpy()[plan] <= day) & (plans["cease"].to_numpy()[plan] > day))
    rank = pl["rank"].to_numpy()
    main, sub = np.flatnonzero(live & (rank == 1)), np.flatnonzero(live & (rank == 2))
    dual = np.isin(plan[main], plan[sub])
    pid = plans["pid"].to_numpy()
    nc = _academic_year(day) - council.persons["r"].to_numpy()[pid[plan]]
    need1, need2 = plans["need1"].to_numpy()[plan], plans["need2"].to_numpy()[plan]
    special = estate["kind"].to_numpy()[np.maximum(est, 0)] == "special"
    x = special & np.isin(need1, [NEED_CODES.index("PMLD"), NEED_CODES.index("SLD")])
    x &= (_unit_hash(plan, _salt(seed, "ncx")) < 0.4) & (nc >= 1)
    out = []
    for idx, enrol in ((main, np.where(dual, 1, 0)), (sub, 2)):
        ok = (nc[idx] >= -2) & (nc[idx] <= 14)
        idx, enrol = idx[ok], np.broadcast_to(enrol, len(ok))[ok]
        out.append(_take(council.persons, pid[plan[idx]], est=est[idx], enrol=enrol,
                         nc=nc[idx], ncx=np.where(x[idx], 15, nc[idx]),
                         sen=np.full(len(idx), E_), arrive=pl["entry"].to_numpy()[idx],
                         t1=np.where(need1[idx] >= 0, need1[idx], NEED_CODES.index("OTH")),
                         t2=need2[idx]))
    return out


def census_members(pupils: dict, council: Council, day: int, seed: int
                   ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Every enrolment on a day, and the order to write them in (school, NC year, UPN)."""
    parts = _base_members(pupils, council.estate, day, seed) + _council_members(council, day, seed)
    rows = {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}
    order = np.lexsort((rows["serial"], rows["upn_estab"], rows["nc"], rows["est"]))
    return rows, order


def _term_before(year: int, term: str) -> tuple[int, int]:
    """First and last day of the term whose absence a census collects."""
    if term == "SPR":
        return _day(year - 1, 9, 3), _day(year - 1, 12, 19)
    if term == "SUM":
        return _day(year, 1, 5), _day(year, 3, 28)
    return _day(year, 4, 14), _day(year, 7, 21)


def add_sessions(rows: dict, year: int, term: str, rng: np.random.Generator) -> None:
    """Possible sessions and absences for the term before the census (NC years 1-11)."""
    start, end = _term_before(year, term)
    prev_nc = rows["nc"] - (1 if term == "AUT" else 0)
    counted = (prev_nc >= 1) & (prev_nc <= 11) & (rows["enrol"] <= 1)
    arrive = np.maximum(rows["arrive"], start)
    share = np.clip((end - arrive) / (end - start), 0.0, 1.0)
    possible = np.where(counted, np.round(TERM_SESSIONS[term] * share), 0).astype(np.int64)
    rate = np.minimum(rows["absence"] * np.exp(rng.normal(0, 0.35, len(possible))), 0.9)
    absent = rng.binomial(possible, rate)
    authorised = rng.binomial(absent, 0.72)
    rows["possible"], rows["authorised"] = possible.astype(np.int16), authorised.astype(np.int16)
    rows["unauthorised"] = (absent - authorised).astype(np.int16)


def _census_text(rows: dict, order: np.ndarray, lo: int, hi: int, estate: pd.DataFrame,
                 day: int, seed: int) -> list[np.ndarray]:
    """Rows ``order[lo:hi]`` of a census as columns in ``CENSUS_COLUMNS`` order."""
    r = {k: v[order[lo:hi]] for k, v in rows.items()}
    upn = _upn_strings(r["upn_la"], r["upn_estab"], r["upn_yy"], r["serial"])
    key = (r["upn_la"].astype(np.int64) * 10**9 + r["upn_estab"].astype(np.int64) * 10**5
           + r["upn_yy"].astype(np.int64) * 1000 + r["serial"])
    dob_style = _styles(key, _salt(seed, "census_dob"), (0.0, 0.97, 0.03))
    n = hi - lo
    sen_text = np.array(SEN_CODES, dtype=object)
    return [upn, estate["laestab"].to_numpy()[r["est"]].astype(object),
            estate["urn"].to_numpy()[r["est"]], _fmt_dates(np.full(n, day), ISO),
            _fmt_dates(r["dob"], dob_style), np.where(r["male"], "M", "F").astype(object),
            NC_TEXT[r["ncx"] + 2], np.array(ENROL, dtype=object)[r["enrol"]],
            np.array(["E", "K", "N"], dtype=object)[r["sen"]], sen_text[r["t1"]],
            sen_text[r["t2"]], r["possible"], r["authorised"], r["unauthorised"]]


def write_census(pupils: dict, council: Council, year: int, term: str, day: int, seed: int,
                 folder: Path) -> tuple[int, dict]:
    """One ``census_<YYYY>_<TERM>.csv``; autumn files use CBDS capitals in the header."""
    rows, order = census_members(pupils, council, day, seed)
    add_sessions(rows, year, term, _rng(seed, "census", str(year), term))
    header = [CBDS_CAPITALS[c] if term == "AUT" else c for c in CENSUS_COLUMNS]
    n = len(order)
    write_chunked(folder / f"census_{year}_{term}.csv", header, n,
                  lambda lo, hi: _census_text(rows, order, lo, hi, council.estate, day, seed))
    sen = rows["sen"][rows["enrol"] <= 1]
    shares = {code: round(float((sen == i).mean()), 4) if len(sen) else None
              for i, code in enumerate("EKN")}
    return n, shares


def _results_members(pupils: dict, council: Council, year: int, stage: int, seed: int) -> dict:
    """Pupils sitting KS2 (mid-May, Year 6) or KS4 (June, Year 11) tests in a year."""
    day = _day(year, 5, 14) if stage == 2 else _day(year, 6, 1)
    rows, order = census_members(pupils, council, day, seed)
    keep = order[(rows["nc"][order] == (6 if stage == 2 else 11))
                 & np.isin(rows["enrol"][order], [0, 1, 3])]
    return {k: v[keep] for k, v in rows.items()}


def write_results(pupils: dict, council: Council, year: int, stage: int, seed: int,
                  folder: Path) -> int:
    """``ks2_<YYYY>.csv`` (RWM expected standard) or ``ks4_<YYYY>.csv`` (Attainment 8 and
    Progress 8), by UPN, with attainment depending on SEN group."""
    rows = _results_members(pupils, council, year, stage, seed)
    rng = _rng(seed, f"ks{stage}", str(year))
    sen, n = rows["sen"], len(rows["sen"])
    cols = {"upn": _upn_strings(rows["upn_la"], rows["upn_estab"], rows["upn_yy"], rows["serial"]),
            "academic_year": f"{year - 1}/{year % 100:02d}"}
    if stage == 2:
        p = np.array([0.08, 0.22, 0.69])[sen]
        cols["rwm_expected_standard"] = np.where(rng.random(n) < p, "Y", "N")
    else:
        mean, spread = np.array([14.0, 33.0, 48.0])[sen], np.array([11.0, 13.0, 14.0])[sen]
        a8 = np.clip(rng.normal(mean, spread), 0, 90)
        p8 = rng.normal(np.array([-1.2, -0.6, -0.05])[sen], 1.0)
        cols["attainment8"] = np.char.mod("%.1f", np.round(a8, 1)).astype(object)
        cols["progress8"] = np.where(rng.random(n) < 0.06, "", np.char.mod("%.2f", p8))
    return write_table(folder / f"ks{stage}_{year}.csv", cols)


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
    while day.toordinal() - _EPOCH <= end:
        months.append(day)
        day = _add_months(day, 1)
    factor = {8: 0.6, 12: 0.8, 9: 1.1, 10: 1.1, 11: 1.1}
    season = np.array([factor.get(m.month, 1.0) for m in months])
    counts = rng.poisson(per_month * season)
    starts = np.array([m.toordinal() - _EPOCH for m in months])
    lengths = np.array([(_add_months(m, 1) - m).days for m in months])
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
                      np.array(ENDS, dtype=object)[_choice(rng, ENDS_P, n)])
    lo, hi = THERAPY_AGE[service]
    return pd.DataFrame({
        "service": np.full(n, service, dtype=object), "received": received.astype(np.int32),
        "rejected": np.where(rejected, received + rng.integers(2, 22, n), NEVER).astype(np.int32),
        "contact": contact.astype(np.int32), "discharge": discharge.astype(np.int32),
        "reason": np.where(discharge == NEVER, "", reason).astype(object),
        "urgent": rng.random(n) < params[2],
        "source": np.array(SOURCES, dtype=object)[_choice(rng, SOURCES_P[service], n)],
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
    rng = _rng(seed, "therapies")
    first = _add_months(_date(timeline.windows[0]).replace(day=1), -40)
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
    ref["nhs_number"] = _nhs_numbers(n, _salt(seed, "nhs"))[child]
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
        return _fmt_dates(shown, _styles(ids, _salt(seed, "t" + column), THERAPY_DATE_MIX))

    discharge = r["discharge"].to_numpy()
    blank_nhs = _unit_hash(ids, _salt(seed, "blank_nhs")) < 0.02
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
        rows += write_table(folder / f"therapy_referrals_{_date(extract):%d-%m-%Y}.csv", table,
                            bom=True)
    return rows


# ---------------------------------------------------------------------------------------
# The whole inbox
# ---------------------------------------------------------------------------------------
def build_council(seed: int, timeline: Timeline, scale: float, estate: pd.DataFrame) -> Council:
    """Simulate the council's SEN2 system over the horizon."""
    req = simulate_requests(seed, timeline, scale)
    persons = build_persons(seed, req, estate)
    persons["male"] = persons["sex"].to_numpy() == "M"
    plans = build_plans(seed, req)
    placements = build_placements(seed, plans, estate, timeline.end)
    add_setting_text(placements, estate, seed)
    return Council(req=req, persons=persons, plans=plans, placements=placements,
                   needs=build_needs(plans), estate=estate)


def assign_upns(seed: int, pupils: dict, persons: pd.DataFrame) -> None:
    """Serial numbers unique within (LA, school, year) across base pupils and council
    persons, then the council persons' UPN text."""
    la = np.concatenate([pupils["upn_la"], persons["upn_la"]]).astype(np.int64)
    estab = np.concatenate([pupils["upn_estab"], persons["upn_estab"]]).astype(np.int64)
    yy = np.concatenate([pupils["upn_yy"], persons["upn_yy"]]).astype(np.int64)
    serial = _assign_serials(la, estab, yy, _rng(seed, "serials"))
    n = len(pupils["upn_la"])
    pupils["serial"] = serial[:n].astype(np.int16)
    persons["serial"] = serial[n:]
    persons["upn"] = _upn_strings(persons["upn_la"], persons["upn_estab"], persons["upn_yy"],
                                  persons["serial"])


def _write_school_census(pupils: dict, council: Council, timeline: Timeline, seed: int,
                         folder: Path) -> dict:
    """Every census term in the window, and the KS2 and KS4 results files."""
    folder.mkdir(parents=True, exist_ok=True)
    rows, shares = {"census": 0, "ks2": 0, "ks4": 0}, {}
    for year, term, day in census_list(timeline):
        n, share = write_census(pupils, council, year, term, day, seed, folder)
        rows["census"] += n
        shares[f"{year}_{term}"] = share
    for year in results_years(timeline):
        if year not in (2020, 2021):  # no KS2 tests in those years
            rows["ks2"] += write_results(pupils, council, year, 2, seed, folder)
        rows["ks4"] += write_results(pupils, council, year, 4, seed, folder)
    return {"rows": rows, "sen_shares": shares}


def _calibration(council: Council, ref: pd.DataFrame, timeline: Timeline) -> dict:
    """Figures to compare with the published ones (from the simulated system itself)."""
    plans, req = council.plans, council.req
    start, cease = plans["start"].to_numpy(), plans["cease"].to_numpy()
    out: dict[str, object] = {}
    jan25 = census_days(2025)["SPR"]
    if timeline.windows[0] <= jan25 <= timeline.end:
        out["plans_in_force_2025_01_census_day"] = int(((start <= jan25) & (cease > jan25)).sum())
    if timeline.windows[0] <= _day(2024, 1, 1) and _day(2025, 1, 1) <= timeline.end:
        issued = _year_of(req["ass_date"].clip(upper=_TABLE_HI))
        new = req[(req["kind"] == KIND_NEW) & (issued == 2024)]
        timely = new[new["week20"] == 0]
        out["new_plans_2024"] = len(new)
        out["pc_within_20_weeks_2024"] = round(
            100 * float(((timely["ass_date"] - timely["received"]) <= 140).mean()), 1)
    pe = timeline.period_end(len(timeline.extracts) - 1)
    out["plans_in_force_last_period_end"] = int(((start <= pe) & (cease > pe)).sum())
    waiting = ((ref["received"] <= pe) & (ref["rejected"] > pe) & (ref["contact"] > pe)
               & (ref["discharge"] > pe))
    slt = waiting & (ref["service"] == "SLT")
    out["slt_waiting_last_period_end"] = int(slt.sum())
    out["slt_over_18_weeks_pc_last_period_end"] = round(
        100 * float(((pe - ref["received"][slt]) > 126).mean()), 1) if slt.any() else None
    return out


def write_inbox(out: Path, *, scale: float = 1.0, seed: int = 20251, end_period: str = "2026-10",
                months: int = 36) -> dict:
    """Write a complete synthetic inbox under ``out`` and return a summary.

    Parameters
    ----------
    out
        The inbox folder; ``council_send``, ``school_census``, ``therapies`` and
        ``reference`` are written inside it (files of the same names are overwritten,
        others are left alone).
    scale
        Volumes relative to Blackpool (1.0): children, pupils, referrals and, above 1,
        establishments. About 385 is the size of England.
    seed
        Seed of every random stream. The same arguments give byte-identical files.
    end_period
        The last reporting period, ``YYYY-MM``; its extract is dated the 5th of the next month.
    months
        How many monthly extracts to write, ending with ``end_period``.

    Returns
    -------
    dict
        Files written, row counts per feed and module, extract dates, the census SEN shares
        and calibration figures (plans in force on the January 2025 census day when the
        window covers it, new plans and the 20-week rate for 2024, SLT waits).
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    out = Path(out)
    timeline = build_timeline(end_period, months)
    estate = build_estate(scale, seed)
    council = build_council(seed, timeline, scale, estate)
    censuses = census_list(timeline)
    cohorts = range(_academic_year(censuses[0][2]) - 14, _academic_year(censuses[-1][2]) + 3)
    pupils = build_pupils(seed, estate, cohorts, scale, timeline.end)
    assign_upns(seed, pupils, council.persons)
    ref = simulate_referrals(seed, timeline, scale)
    reference = out / "reference"
    reference.mkdir(parents=True, exist_ok=True)
    rows = {"council_send": write_council(council, timeline, seed, out / "council_send"),
            "therapies": write_therapies(ref, timeline, seed, out / "therapies"),
            "reference": {
                "establishments": write_establishments(estate, reference / "establishments.csv"),
                "population": write_population(timeline, scale, seed,
                                               reference / "population.csv")}}
    school = _write_school_census(pupils, council, timeline, seed, out / "school_census")
    rows["school_census"] = school["rows"]
    rows["programme"] = write_programme(out / "programme", seed, period_end(end_period))
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*.csv"))
    log.info("synthetic inbox written to %s: %d files", out, len(files))
    return {"out": str(out), "scale": scale, "seed": seed, "end_period": end_period,
            "months": months, "periods": list(timeline.periods),
            "extract_dates": [f"{_date(e):%Y-%m-%d}" for e in timeline.extracts],
            "files_written": len(files), "files": files, "rows": rows,
            "census_sen_shares": school["sen_shares"],
            "calibration": _calibration(council, ref, timeline)}
