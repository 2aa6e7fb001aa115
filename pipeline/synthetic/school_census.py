"""The synthetic school census feed: pupils over the horizon, each census term's file, and the KS2 and KS4 results.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.synthetic.calibration import ALWAYS, COHORT_PUPILS, NEED_CODES, NEED_COUNTS, NEVER, TERM_SESSIONS
from pipeline.synthetic.common import (ISO, Timeline, academic_year_of, as_date, census_days, choice, date_styles,
                                       day_number, fmt_dates, rng_for, salt_for, scaled, sep1, unit_hash, upn_strings,
                                       write_chunked, write_table)
from pipeline.synthetic.council_send import Council
from pipeline.synthetic.reference import CENSUS_KINDS, pick_from, pick_schools, upn_home_of

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
    for year in range(ks_first, as_date(last_pe).year + 1):
        for term, day in sorted(census_days(year).items(), key=lambda item: item[1]):
            if census_days(ks_first)["SPR"] <= day <= last_pe:
                out.append((year, term, day))
    return out


def _results_year(period_end: int) -> int:
    """The latest year whose 31 August is on or before ``period_end``."""
    d = as_date(period_end)
    return d.year if (d.month, d.day) >= (8, 31) else d.year - 1


def results_years(timeline: Timeline) -> range:
    """Exam years (summer) whose results some period uses."""
    return range(_results_year(timeline.period_end(0)),
                 _results_year(timeline.period_end(len(timeline.extracts) - 1)) + 1)


def _pupil_schools(rng: np.random.Generator, estate: pd.DataFrame, n: int) -> dict:
    """Primary and secondary school, sixth form and nursery attendance of base pupils."""
    primary = pick_schools(rng, estate, ("primary", "all_through"), n)
    secondary = pick_schools(rng, estate, ("secondary", "all_through"), n)
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
    k_from = np.where(k, choice(rng, (9, 8, 7, 6, 5, 4, 3, 3, 2, 2), n), 99)
    k_to = np.where(rng.random(n) < 0.55, 14, k_from + rng.geometric(0.22, n))
    other_e = rng.random(n) < 0.009
    t1 = np.where(other_e, choice(rng, NEED_COUNTS[:-1], n),
                  np.array([SEN_CODES.index(t) for t in K_TYPES])[choice(rng, K_TYPES_P, n)])
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
    first_seen = int(sep1(np.array([r - 2]))[0])
    pupils = {"r": rr, "dob": (sep1(rr - 5) + rng.integers(0, 365, n)).astype(np.int32),
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
    moved_in = pupils["arrive"] > sep1(np.array([r]))[0]
    pupils["upn_la"], pupils["upn_estab"] = upn_home_of(rng, estate, pupils["primary"], moved_in)
    pupils["upn_yy"] = np.full(n, r % 100, dtype=np.int16)
    return pupils


def build_pupils(seed: int, estate: pd.DataFrame, cohorts: range, scale: float, end: int
                 ) -> dict[str, np.ndarray]:
    """Base pupils (those without a plan from this council), one array a column, built a
    year group at a time to keep memory low."""
    rng = rng_for(seed, "pupils")
    sizes = [scaled(COHORT_PUPILS * (1 + 0.03 * (rng.random() - 0.5)), scale) for _ in cohorts]
    parts = [_cohort(rng, estate, r, n, end) for r, n in zip(cohorts, sizes)]
    return {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}


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
    nc = (academic_year_of(day) - p["r"]).astype(np.int16)
    present = (p["arrive"] <= day) & (p["leave"] > day)
    prim = ((nc >= 0) & (nc <= 6)) | ((nc == -1) & p["n2"]) | ((nc == -2) & p["n1"])
    sec = ((nc >= 7) & (nc <= 11)) | ((nc >= 12) & (nc <= 13) & p["sixth"])
    idx = np.flatnonzero(present & (prim | sec))
    nc = nc[idx]
    ks = (nc >= 7) & (nc <= 11)
    pru = pick_from(_la_schools(estate, ("pru",)), unit_hash(idx, salt_for(seed, "pru")))
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
    u = unit_hash(idx, salt_for(seed, "guest"))
    host = np.where(prim[idx], pick_from(level[0], u), pick_from(level[1], u))
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
    nc = academic_year_of(day) - council.persons["r"].to_numpy()[pid[plan]]
    need1, need2 = plans["need1"].to_numpy()[plan], plans["need2"].to_numpy()[plan]
    special = estate["kind"].to_numpy()[np.maximum(est, 0)] == "special"
    x = special & np.isin(need1, [NEED_CODES.index("PMLD"), NEED_CODES.index("SLD")])
    x &= (unit_hash(plan, salt_for(seed, "ncx")) < 0.4) & (nc >= 1)
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
        return day_number(year - 1, 9, 3), day_number(year - 1, 12, 19)
    if term == "SUM":
        return day_number(year, 1, 5), day_number(year, 3, 28)
    return day_number(year, 4, 14), day_number(year, 7, 21)


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
    upn = upn_strings(r["upn_la"], r["upn_estab"], r["upn_yy"], r["serial"])
    key = (r["upn_la"].astype(np.int64) * 10**9 + r["upn_estab"].astype(np.int64) * 10**5
           + r["upn_yy"].astype(np.int64) * 1000 + r["serial"])
    dob_style = date_styles(key, salt_for(seed, "census_dob"), (0.0, 0.97, 0.03))
    n = hi - lo
    sen_text = np.array(SEN_CODES, dtype=object)
    return [upn, estate["laestab"].to_numpy()[r["est"]].astype(object),
            estate["urn"].to_numpy()[r["est"]], fmt_dates(np.full(n, day), ISO),
            fmt_dates(r["dob"], dob_style), np.where(r["male"], "M", "F").astype(object),
            NC_TEXT[r["ncx"] + 2], np.array(ENROL, dtype=object)[r["enrol"]],
            np.array(["E", "K", "N"], dtype=object)[r["sen"]], sen_text[r["t1"]],
            sen_text[r["t2"]], r["possible"], r["authorised"], r["unauthorised"]]


def write_census(pupils: dict, council: Council, year: int, term: str, day: int, seed: int,
                 folder: Path) -> tuple[int, dict]:
    """One ``census_<YYYY>_<TERM>.csv``; autumn files use CBDS capitals in the header."""
    rows, order = census_members(pupils, council, day, seed)
    add_sessions(rows, year, term, rng_for(seed, "census", str(year), term))
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
    day = day_number(year, 5, 14) if stage == 2 else day_number(year, 6, 1)
    rows, order = census_members(pupils, council, day, seed)
    keep = order[(rows["nc"][order] == (6 if stage == 2 else 11))
                 & np.isin(rows["enrol"][order], [0, 1, 3])]
    return {k: v[keep] for k, v in rows.items()}


def write_results(pupils: dict, council: Council, year: int, stage: int, seed: int,
                  folder: Path) -> int:
    """``ks2_<YYYY>.csv`` (RWM expected standard) or ``ks4_<YYYY>.csv`` (Attainment 8 and
    Progress 8), by UPN, with attainment depending on SEN group."""
    rows = _results_members(pupils, council, year, stage, seed)
    rng = rng_for(seed, f"ks{stage}", str(year))
    sen, n = rows["sen"], len(rows["sen"])
    cols = {"upn": upn_strings(rows["upn_la"], rows["upn_estab"], rows["upn_yy"], rows["serial"]),
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
