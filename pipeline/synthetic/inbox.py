"""The inbox writer: every feed of one synthetic local area written under one folder (:func:`write_inbox`).
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.periods import period_end
from pipeline.synthetic import calibration
from pipeline.synthetic.common import (TABLE_HI, Timeline, academic_year_of, as_date, assign_serials, build_timeline,
                                       census_days, day_number, rng_for, upn_strings, year_of)
from pipeline.synthetic.council_send import (KIND_NEW, Council, add_setting_text, build_needs, build_persons,
                                             build_placements, build_plans, simulate_requests, write_council)
from pipeline.synthetic.nccis import build_youth, write_nccis
from pipeline.synthetic.programme import write_programme
from pipeline.synthetic.reference import build_estate, write_establishments, write_population
from pipeline.synthetic.school_census import build_pupils, census_list, results_years, write_census, write_results
from pipeline.synthetic.therapies import simulate_referrals, write_therapies
from pipeline.synthetic.workforce import write_workforce

log = logging.getLogger(__name__)


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
    serial = assign_serials(la, estab, yy, rng_for(seed, "serials"))
    n = len(pupils["upn_la"])
    pupils["serial"] = serial[:n].astype(np.int16)
    persons["serial"] = serial[n:]
    persons["upn"] = upn_strings(persons["upn_la"], persons["upn_estab"], persons["upn_yy"],
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
    if timeline.windows[0] <= day_number(2024, 1, 1) and day_number(2025, 1, 1) <= timeline.end:
        issued = year_of(req["ass_date"].clip(upper=TABLE_HI))
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
                months: int = 36, la_code: int = calibration.LA_CODE) -> dict:
    """Write a complete synthetic inbox under ``out`` and return a summary.

    Parameters
    ----------
    out
        The inbox folder; ``council_send``, ``school_census``, ``therapies``, ``nccis``,
        ``workforce``, ``reference`` and ``programme`` are written inside it (files of the
        same names are overwritten, others are left alone).
    scale
        Volumes relative to Blackpool (1.0): children, pupils, referrals, young people
        and, above 1, establishments (and with them the training log). About 385 is the size of England.
    seed
        Seed of every random stream. The same arguments give byte-identical files.
    end_period
        The last reporting period, ``YYYY-MM``; its extract is dated the 5th of the next month.
    months
        How many monthly extracts to write, ending with ``end_period``.
    la_code
        The DfE LA number the extracts carry (SEN2 header, CCIS, establishments, population);
        890 (Blackpool) unless a deployment of several areas is being simulated.

    Returns
    -------
    dict
        Files written, row counts per feed and module, extract dates, the census SEN shares
        and calibration figures (plans in force on the January 2025 census day when the
        window covers it, new plans and the 20-week rate for 2024, SLT waits).
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    default, calibration.LA_CODE = calibration.LA_CODE, int(la_code)  # read by each feed's module
    try:
        return _write_inbox(Path(out), scale, seed, end_period, months)
    finally:
        calibration.LA_CODE = default


def _write_inbox(out: Path, scale: float, seed: int, end_period: str, months: int) -> dict:
    timeline = build_timeline(end_period, months)
    estate = build_estate(scale, seed)
    council = build_council(seed, timeline, scale, estate)
    censuses = census_list(timeline)
    cohorts = range(academic_year_of(censuses[0][2]) - 14, academic_year_of(censuses[-1][2]) + 3)
    pupils = build_pupils(seed, estate, cohorts, scale, timeline.end)
    assign_upns(seed, pupils, council.persons)
    ref = simulate_referrals(seed, timeline, scale)
    reference = out / "reference"
    reference.mkdir(parents=True, exist_ok=True)
    youth = build_youth(seed, timeline, scale, pupils, council)
    rows = {"council_send": write_council(council, timeline, seed, out / "council_send"),
            "therapies": write_therapies(ref, timeline, seed, out / "therapies"),
            "nccis": write_nccis(youth, council, timeline, seed, out / "nccis"),
            "workforce": write_workforce(estate, timeline, seed, out / "workforce"),
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
            "extract_dates": [f"{as_date(e):%Y-%m-%d}" for e in timeline.extracts],
            "files_written": len(files), "files": files, "rows": rows,
            "census_sen_shares": school["sen_shares"],
            "calibration": _calibration(council, ref, timeline)}
