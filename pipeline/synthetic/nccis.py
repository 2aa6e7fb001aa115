"""The synthetic nccis feed: the council's CCIS client caseload and each month's snapshot for the NCCIS return.

Young people of academic age 16 to 24 come from three places: the census's own pupils at 16 and 17 (the same
UPN, date of birth and SEN support as the census shows them), the council's young people with an EHC plan in
force at 16 to 24 (the same UPN, ULN and date of birth as the Blade person module; their activity follows their
SEN2 setting), and young people made here: incomers at 16 and 17 who were not in the area's schools, and SEN
support young people of 18 to 24. A UPN made here is a new serial of its (LA, establishment, year), so it never
repeats another feed's.

Each academic year a young person has an activity (hashed from the person and the year, so every snapshot
agrees) and some change it once during the year. A snapshot shows it as CCIS would at the period end: new
activities are confirmed during the autumn (not known rises in September and falls by December: 16-year-olds
show 810, older ones last year's activity with ``currency_lapsed = Y``), a few records lapse each month and a
few young people cannot be contacted. Files are Windows-1252 with CRLF line ends and CCIS's capitalised
headers; a few ``sen_status`` values are in other case, and a few rows carry warnings the contract allows
(code 110 in September, an agreed start date after the extract, academic age 25 before the record closes).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.synthetic import calibration
from pipeline.synthetic.calibration import (ALWAYS, BOYS, CATS, GIRLS, NCCIS_ADULT_NEET, NCCIS_CONFIRM_DECAY,
                                            NCCIS_EHCP_ADULT, NCCIS_EHCP_NEET, NCCIS_INCOMERS, NCCIS_LAPSE,
                                            NCCIS_LOST, NCCIS_NEET, NCCIS_OTHER, NCCIS_SEND_ADULTS, NCCIS_SWITCH,
                                            NCCIS_UNCONFIRMED, NEIGHBOUR_LAS, NEVER, SURNAMES, C)
from pipeline.synthetic.common import (Timeline, academic_year_of, as_date, date_styles, fmt_dates, reception_year,
                                       rng_for, salt_for, scaled, sep1, ulns, unit_hash, upn_strings)
from pipeline.synthetic.council_send import Council
from pipeline.synthetic.reference import pick_schools, upn_home_of

PUPIL, COUNCIL, MADE = 0, 1, 2  # where a young person comes from
EHCP, SEN_SUPPORT, NO_SEN, BLANK = range(4)
SEN_STATUS = np.array(["EHCP", "SEN_support", "no_SEN", ""], dtype=object)
SEN_STRAY = np.array(["ehcp", "SEN_Support", "No_SEN", ""], dtype=object)  # how a few records spell them
HEADER = {"person_id": "Person_ID", "upn": "UPN", "uln": "ULN", "surname": "Surname", "forename": "Forename",
          "postcode": "Postcode", "date_of_birth": "Date_Of_Birth", "la_code": "LA_Code", "sen_status": "SEN_Status",
          "activity_code": "Activity_Code", "activity_start_date": "Activity_Start_Date",
          "currency_lapsed": "Currency_Lapsed"}
DATE_MIX = (0.0, 0.2, 0.8)  # CCIS exports: mostly DD/MM/YYYY
NAMES = {"surname": SURNAMES + ("O’Brien", "Brontë"), "boy": BOYS + ("Joël",), "girl": GIRLS + ("Zoë", "Chloë")}

# Activity codes and their weights (FEEDS.md, "nccis").
EET_YOUNG = {220: 0.30, 230: 0.46, 250: 0.01, 270: 0.01, 310: 0.09, 320: 0.01, 330: 0.03, 340: 0.01, 350: 0.005,
             360: 0.015, 410: 0.02, 430: 0.01, 440: 0.005, 450: 0.005}
EET_SEN = {220: 0.12, 230: 0.62, 250: 0.02, 270: 0.01, 280: 0.01, 310: 0.06, 330: 0.03, 360: 0.02, 410: 0.04,
           430: 0.03, 450: 0.02, 460: 0.01}
EET_ADULT = {230: 0.30, 240: 0.07, 250: 0.05, 270: 0.01, 310: 0.07, 320: 0.02, 330: 0.15, 340: 0.03, 350: 0.03,
             360: 0.10, 380: 0.01, 381: 0.005, 410: 0.04, 430: 0.03, 440: 0.03, 460: 0.04}
NEET_YOUNG = {619: 0.52, 610: 0.12, 640: 0.10, 680: 0.06, 630: 0.04, 620: 0.03, 615: 0.04, 616: 0.03, 650: 0.02,
              540: 0.02, 550: 0.01, 660: 0.01}
NEET_ADULT = {**NEET_YOUNG, 670: 0.05}
OTHER_YOUNG = {530: 0.5, 260: 0.15, 720: 0.1, 710: 0.15, 290: 0.1}
OTHER_ADULT = {530: 0.5, 260: 0.2, 720: 0.1, 710: 0.2}
NOT_KNOWN = {810: 0.3, 820: 0.6, 830: 0.1}
# The council's SEN2 settings as CCIS activities (schools' sixth forms are 210); CASUAL is what CCIS records for
# a SEN2 "NEET" setting it knows to be out of date.
SETTING_ACTIVITY = {"FE": {230: 0.85, 250: 0.1, 460: 0.05}, "SPEC16": {280: 1.0},
                    "UKPRN": {410: 0.4, 460: 0.3, 310: 0.3}, "OLA": {270: 0.4, 250: 0.3, 430: 0.3},
                    "OPA": {250: 0.5, 270: 0.5}, "EHE": {270: 1.0}, "AP": {270: 1.0}, "OTH": {270: 1.0},
                    "OTH_EST": {270: 1.0}, "NIEO": {616: 0.5, 610: 0.5}, "NIEC": {640: 0.6, 610: 0.4}}
SETTING_TABLES = [SETTING_ACTIVITY.get(name, {210: 1.0}) for name in CATS]
CASUAL = {330: 0.3, 360: 0.3, 250: 0.2, 530: 0.2}


def _pick(table: dict[int, float], u: np.ndarray) -> np.ndarray:
    """The code at fraction ``u`` of a table's cumulative weights."""
    codes = np.array(list(table), dtype=np.int64)
    cumulative = np.cumsum(list(table.values()))
    return codes[np.minimum(np.searchsorted(cumulative / cumulative[-1], u, side="right"), len(codes) - 1)]


# ---------------------------------------------------------------------------------------
# The young people
# ---------------------------------------------------------------------------------------
def _new_serials(taken: np.ndarray, taken_serials: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """UPN serials for new people: after the highest serial already given in each (LA, establishment, year)."""
    order = np.argsort(taken, kind="stable")
    groups, starts = np.unique(taken[order], return_index=True)
    highest = np.maximum.reduceat(taken_serials[order], starts)
    pos = np.minimum(np.searchsorted(groups, keys), len(groups) - 1)
    used = np.where(groups[pos] == keys, highest[pos] + 1, 0)
    order = np.argsort(keys, kind="stable")
    firsts = np.r_[0, np.flatnonzero(np.diff(keys[order])) + 1]
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.arange(len(keys)) - np.repeat(firsts, np.diff(np.r_[firsts, len(keys)]))
    serial = used + rank
    if len(serial) and serial.max() > 999:
        raise ValueError("more than 1,000 UPNs for one school and year: lower the scale")
    return serial


def _upn_keys(la: np.ndarray, estab: np.ndarray, yy: np.ndarray) -> np.ndarray:
    """One integer per (LA, establishment, year) group, as ``assign_serials`` forms it."""
    return (np.asarray(la, np.int64) * 10**4 + np.asarray(estab, np.int64)) * 100 + np.asarray(yy, np.int64)


def _pupil_people(pupils: dict, first: int, last: int) -> pd.DataFrame:
    """Census pupils of the year groups that are 16 or 17 in academic years ``first`` to ``last``."""
    idx = np.flatnonzero((pupils["r"] >= first - 13) & (pupils["r"] <= last - 12))
    k11 = (pupils["k_from"][idx] <= 11) & (pupils["k_to"][idx] >= 11)
    return pd.DataFrame({
        "source": PUPIL, "ref": idx, "dob": pupils["dob"][idx], "male": pupils["male"][idx],
        "arrive": pupils["arrive"][idx], "leave": pupils["leave"][idx], "sixth": pupils["sixth"][idx],
        "group": np.where(pupils["other_e"][idx], EHCP, np.where(k11, SEN_SUPPORT, NO_SEN)),
        "lo": 16, "hi": 17, "upn": upn_strings(*(pupils[c][idx] for c in ("upn_la", "upn_estab", "upn_yy", "serial")))})


def _council_people(council: Council) -> pd.DataFrame:
    """Everyone the council's SEN2 system knows (in a snapshot only while a plan is in force)."""
    p = council.persons
    return pd.DataFrame({
        "source": COUNCIL, "ref": p["pid"].to_numpy(), "dob": p["dob"].to_numpy(), "male": p["male"].to_numpy(),
        "arrive": ALWAYS, "leave": NEVER, "sixth": False, "group": EHCP, "lo": 16, "hi": 24,
        "upn": np.where(p["upn_gap"].to_numpy() == 0, p["upn"].to_numpy(), ""), "uln": p["uln"].to_numpy(),
        "surname": p["surname"].to_numpy(), "forename": p["forename"].to_numpy(),
        "postcode": p["postcode"].to_numpy()})


def _made_people(rng: np.random.Generator, estate: pd.DataFrame, cohorts: range, n: int, ages: tuple[int, int],
                 moved_in: float) -> pd.DataFrame:
    """``n`` young people a year group (starting reception in ``cohorts``) tracked at ``ages``; incomers at 16
    arrive over three years from the start of year 11."""
    r = np.repeat(np.array(cohorts, dtype=np.int64), n)
    m = len(r)
    dob = sep1(r - 5) + rng.integers(0, 365, m)
    la, estab = upn_home_of(rng, estate, pick_schools(rng, estate, ("primary", "all_through"), m),
                            rng.random(m) < moved_in)
    incomer = ages[0] == 16
    arrive = sep1(r + 11) + (rng.random(m) * 3 * 365).astype(np.int64) if incomer else np.full(m, ALWAYS)
    return pd.DataFrame({
        "source": MADE, "dob": dob, "male": rng.random(m) < 0.55, "arrive": arrive, "leave": NEVER,
        "sixth": False, "group": np.where(incomer & (rng.random(m) >= 0.17), NO_SEN, SEN_SUPPORT),
        "lo": ages[0], "hi": ages[1], "upn_la": la, "upn_estab": estab, "upn_yy": r % 100})


def _add_made_upns(made: pd.DataFrame, pupils: dict, persons: pd.DataFrame) -> None:
    """UPNs for the people made here, after every serial the census and the council gave."""
    taken = np.concatenate([_upn_keys(pupils["upn_la"], pupils["upn_estab"], pupils["upn_yy"]),
                            _upn_keys(persons["upn_la"], persons["upn_estab"], persons["upn_yy"])])
    serials = np.concatenate([pupils["serial"], persons["serial"]]).astype(np.int64)
    keys = _upn_keys(made["upn_la"], made["upn_estab"], made["upn_yy"])
    made["upn"] = upn_strings(made["upn_la"], made["upn_estab"], made["upn_yy"], _new_serials(taken, serials, keys))


def _add_details(youth: pd.DataFrame, seed: int, neet_scale: float) -> None:
    """ULNs, names, postcodes, LA, blanks and NEET shares of everyone not from the council."""
    key = youth["key"].to_numpy()
    h = {name: unit_hash(key, salt_for(seed, "ccis_" + name)) for name in
         ("surname", "forename", "postcode", "sector", "la", "sen", "upn")}
    own = youth["source"].to_numpy() != COUNCIL
    names = {k: np.array(v, dtype=object) for k, v in NAMES.items()}
    boy, girl = (names[k][(h["forename"] * len(names[k])).astype(int)] for k in ("boy", "girl"))
    youth["uln"] = np.where(own, ulns(key, salt_for(seed, "uln")), youth["uln"])
    youth["surname"] = np.where(own, names["surname"][(h["surname"] * len(names["surname"])).astype(int)],
                                youth["surname"])
    youth["forename"] = np.where(own, np.where(youth["male"], boy, girl), youth["forename"])
    youth["postcode"] = np.where(own, _postcodes(h["postcode"], h["sector"]), youth["postcode"])
    group = youth["group"].to_numpy()
    other_plan = (youth["source"].to_numpy() == PUPIL) & (group == EHCP)
    neighbour = own & ((h["la"] < 0.003) | (other_plan & (h["la"] < 0.5)))
    youth["la_code"] = np.where(neighbour, np.array(NEIGHBOUR_LAS)[(h["sector"] * len(NEIGHBOUR_LAS)).astype(int)],
                                calibration.LA_CODE)
    youth["group"] = np.where(h["sen"] < np.where(own, 0.01, 0.005), BLANK, group)
    youth["upn"] = np.where((youth["source"].to_numpy() == MADE) & (h["upn"] < 0.1), "", youth["upn"])
    for age, column in ((0, "neet16"), (1, "neet17")):
        share = np.array([NCCIS_NEET[str(s)][age] for s in SEN_STATUS]) * neet_scale
        young = np.where(youth["sixth"].to_numpy(), 0.0, share[youth["group"].to_numpy()])
        youth[column] = np.where(youth["lo"].to_numpy() >= 18, NCCIS_ADULT_NEET, young)


def _postcodes(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Made-up Blackpool-area postcodes (FY1..FY8) from two hashes."""
    letters = np.array(list("ABDEFGHJLNPQRSTUWXYZ"), dtype=object)
    district = (1 + (u * 8).astype(int)).astype(str).astype(object)
    sector = (1 + (v * 9).astype(int)).astype(str).astype(object)
    return "FY" + district + " " + sector + letters[(u * 400).astype(int) % 20] + letters[(v * 400).astype(int) % 20]


def build_youth(seed: int, timeline: Timeline, scale: float, pupils: dict, council: Council) -> pd.DataFrame:
    """Every young person the council's CCIS system tracks at some time in the timeline (``key`` order)."""
    rng = rng_for(seed, "nccis")
    first = academic_year_of(timeline.period_end(0))
    last = academic_year_of(timeline.period_end(len(timeline.extracts) - 1))
    made = pd.concat([_made_people(rng, council.estate, range(first - 13, last - 11), scaled(NCCIS_INCOMERS, scale),
                                   (16, 17), 0.7),
                      _made_people(rng, council.estate, range(first - 21, last - 13), scaled(NCCIS_SEND_ADULTS, scale),
                                   (18, 24), 0.1)], ignore_index=True)
    _add_made_upns(made, pupils, council.persons)
    made["ref"] = np.arange(len(made))
    youth = pd.concat([_council_people(council), _pupil_people(pupils, first, last),
                       made.drop(columns=["upn_la", "upn_estab", "upn_yy"])], ignore_index=True)
    offset = np.array([len(council.persons), 0, len(council.persons) + len(pupils["r"])])  # PUPIL, COUNCIL, MADE
    youth["key"] = youth["ref"].to_numpy() + offset[youth["source"].to_numpy()]
    youth["birth_ay"] = reception_year(youth["dob"].to_numpy()) - 4
    _add_details(youth, seed, 1 / (1 - float(pupils["sixth"].mean())))
    return youth


# ---------------------------------------------------------------------------------------
# Activities and one month's snapshot
# ---------------------------------------------------------------------------------------
def ehcp_settings(council: Council, day: int) -> tuple[np.ndarray, np.ndarray]:
    """For each council person on ``day``: the category of their main SEN2 setting (-1 when their plan in
    force names none, -2 when no plan is in force) and the day they entered it."""
    plans, pl = council.plans, council.placements
    cat = np.full(len(council.persons), -2, dtype=np.int64)
    entry = np.full(len(council.persons), ALWAYS, dtype=np.int64)
    live = (plans["start"].to_numpy() <= day) & (plans["cease"].to_numpy() > day)
    pid = plans["pid"].to_numpy()
    cat[pid[live]] = -1
    plan = pl["plan"].to_numpy()
    on = (pl["rank"].to_numpy() == 1) & (pl["entry"].to_numpy() <= day) & (pl["leave"].to_numpy() > day) & live[plan]
    cat[pid[plan[on]]] = pl["cat"].to_numpy()[on]
    entry[pid[plan[on]]] = pl["entry"].to_numpy()[on]
    return cat, entry


def _ident(rows: pd.DataFrame, ay: int) -> np.ndarray:
    """One integer per young person and academic year, for hashing."""
    return rows["key"].to_numpy() * 128 + ay % 128


def _setting_codes(cat: np.ndarray, adult: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Activity codes of young people with an EHC plan, from their SEN2 setting (810 when it names none), where
    CCIS knows better (see ``NCCIS_EHCP_NEET``): some NEET-like settings are not NEET, some education ones are."""
    code = np.full(len(cat), 810, dtype=np.int64)
    for c, table in enumerate(SETTING_TABLES):
        code[cat == c] = _pick(table, v[cat == c])
    neet_codes = np.where(adult, _pick(NEET_ADULT, v), _pick(NEET_YOUNG, v))
    code = np.where(cat == C["NEET"], neet_codes, code)
    neet_like, education = np.isin(cat, [C["NEET"], C["NIEO"], C["NIEC"]]), (code >= 210) & (code < 300)
    young = (cat >= 0) & ~adult
    neet_share, education_share = (float(m[young].mean()) if young.any() else 0.0 for m in (neet_like, education))
    keep = min(1.0, NCCIS_EHCP_NEET / neet_share) if neet_share else 1.0
    leave = max(0.0, NCCIS_EHCP_NEET - neet_share) / education_share if education_share else 0.0
    code = np.where(neet_like & (u >= np.where(adult, NCCIS_EHCP_ADULT[0], keep)), _pick(CASUAL, v), code)
    return np.where(education & (u < np.where(adult, NCCIS_EHCP_ADULT[1], leave)), neet_codes, code)


def _codes(rows: pd.DataFrame, ay: int, tag: str, seed: int) -> np.ndarray:
    """Each young person's activity code in academic year ``ay`` (``tag`` names one of a year's two draws)."""
    ident = _ident(rows, ay)
    u, v = (unit_hash(ident, salt_for(seed, name + tag)) for name in ("status", "code"))
    age = ay - rows["birth_ay"].to_numpy()
    adult, group = age >= 18, rows["group"].to_numpy()
    eet = np.where(adult, _pick(EET_ADULT, v), np.where(group == SEN_SUPPORT, _pick(EET_SEN, v), _pick(EET_YOUNG, v)))
    eet = np.where(rows["sixth"].to_numpy() & ~adult, 210, eet)
    neet = np.where(adult, _pick(NEET_ADULT, v), _pick(NEET_YOUNG, v))
    other = np.where(adult, _pick(OTHER_ADULT, v), _pick(OTHER_YOUNG, v))
    p_neet = np.where(age <= 16, rows["neet16"].to_numpy(), rows["neet17"].to_numpy())
    code = np.select([u < p_neet, u > 1 - NCCIS_OTHER], [neet, other], eet)
    council = rows["source"].to_numpy() == COUNCIL
    setting = _setting_codes(rows["cat"].to_numpy(), adult, u, v)
    return np.where(council, setting, code)


def _activity(rows: pd.DataFrame, ay: int, month: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Activity code and start day at ``month`` (0 = September) of academic year ``ay``: a year's first
    activity, or for some (not the council's) a second one from a month between October and June."""
    ident, september = _ident(rows, ay), int(sep1(np.array([ay]))[0])
    council = rows["source"].to_numpy() == COUNCIL
    u = unit_hash(ident, salt_for(seed, "start"))
    switch = np.where(unit_hash(ident, salt_for(seed, "switch")) < NCCIS_SWITCH,
                      1 + (unit_hash(ident, salt_for(seed, "month")) * 9).astype(np.int64), 99)
    switched = (month >= switch) & ~council
    first, second = _codes(rows, ay, "a", seed), _codes(rows, ay, "b", seed)
    adult = ay - rows["birth_ay"].to_numpy() >= 18
    earlier = adult & (first >= 300)  # work and training may have begun in an earlier year
    start = september + np.where(earlier, -(u * 330), u * 20).astype(np.int64)
    month_start = (np.datetime64(f"{ay}-09") + np.minimum(switch, 11)).astype("datetime64[D]").astype(np.int64)
    start = np.where(switched, month_start + (u * 27).astype(np.int64), start)
    sixteen = sep1(rows["birth_ay"].to_numpy() + 16)
    start = np.where(council, np.maximum(rows["entry"].to_numpy(), sixteen), start)
    return np.where(switched, second, first), start


def _shown(rows: pd.DataFrame, ay: int, month: int, pe: int, seed: int
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Activity code, start day and currency lapsed as CCIS shows them at the period end ``pe``."""
    code, start = _activity(rows, ay, month, seed)
    prior_code, prior_start = _activity(rows, ay - 1, 11, seed)
    ident, september = _ident(rows, ay), int(sep1(np.array([ay]))[0])
    young = ay - rows["birth_ay"].to_numpy() <= 16
    unconfirmed = (unit_hash(ident, salt_for(seed, "confirm"))
                   < np.where(young, *NCCIS_UNCONFIRMED) * NCCIS_CONFIRM_DECAY ** month)
    u = unit_hash(ident, salt_for(seed, "unconfirmed"))
    unknown, pupil = unconfirmed & young & (u < 0.7), unconfirmed & young & (u >= 0.7) & (u < 0.72)
    older = unconfirmed & ~young
    code = np.select([unknown, pupil, older], [810, 110, prior_code], code)
    start = np.select([unknown | pupil, older], [september, prior_start], start)
    lapse = unit_hash(rows["key"].to_numpy() * 2048 + (ay * 12 + month) % 2048, salt_for(seed, "lapse")) < NCCIS_LAPSE
    lapsed = (unconfirmed & ~unknown & ~pupil) | lapse
    lost = unit_hash(ident, salt_for(seed, "lost")) < NCCIS_LOST
    code = np.where(lost, _pick(NOT_KNOWN, u), code)
    start = np.where(lost, september - (u * 200).astype(np.int64), start)
    agreed = np.isin(code, (615, 616)) & (u < 0.5)  # the agreed start of the next activity: after the extract
    start = np.where(agreed, pe + 10 + (u * 60).astype(np.int64), start)
    return code, start, lapsed & ~lost


def _present(youth: pd.DataFrame, cat: np.ndarray, pe: int, ay: int, month: int, seed: int) -> np.ndarray:
    """Who is in the caseload at ``pe``: of their source's ages, arrived and not left, the council's with a
    plan in force; a few 25-year-olds stay until their record closes in October."""
    age = ay - youth["birth_ay"].to_numpy()
    lo, hi = youth["lo"].to_numpy(), youth["hi"].to_numpy()
    closing = (youth["source"].to_numpy() == MADE) & (hi == 24) & (age == 25) & (month <= 1)
    closing &= unit_hash(youth["key"].to_numpy(), salt_for(seed, "close")) < 0.3
    tracked = ((age >= lo) & (age <= hi)) | closing
    here = (youth["arrive"].to_numpy() <= pe) & (youth["leave"].to_numpy() > pe)
    council = youth["source"].to_numpy() == COUNCIL
    plan = np.zeros(len(youth), dtype=bool)
    plan[council] = cat[youth["ref"].to_numpy()[council]] > -2
    return tracked & here & (~council | plan)


def caseload_snapshot(youth: pd.DataFrame, council: Council, pe: int, seed: int) -> dict[str, np.ndarray]:
    """The caseload at period end ``pe`` as the CCIS export shows it (columns in FEEDS.md order)."""
    ay, month = academic_year_of(pe), (as_date(pe).month - 9) % 12
    cat, entry = ehcp_settings(council, pe)
    rows = youth[_present(youth, cat, pe, ay, month, seed)].copy()
    council_rows = rows["source"].to_numpy() == COUNCIL
    ref = np.where(council_rows, rows["ref"].to_numpy(), 0)
    rows["cat"], rows["entry"] = np.where(council_rows, cat[ref], -1), np.where(council_rows, entry[ref], ALWAYS)
    code, start, lapsed = _shown(rows, ay, month, pe, seed)
    key = rows["key"].to_numpy()
    h = {name: unit_hash(key, salt_for(seed, "ccis_" + name)) for name in ("uln", "stray")}
    blank = unit_hash(key * 16 + month, salt_for(seed, "ccis_blank")) < 0.03
    age = ay - rows["birth_ay"].to_numpy()
    no_uln = h["uln"] < np.where(rows["source"].to_numpy() == COUNCIL, 0.03, np.where(age <= 16, 0.1, 0.04))
    group = rows["group"].to_numpy()

    def dates(column: str, days: np.ndarray) -> np.ndarray:
        return fmt_dates(days, date_styles(key, salt_for(seed, "ccis_" + column), DATE_MIX))

    return {"person_id": "YP" + (1_000_000 + key).astype(str).astype(object),
            "upn": rows["upn"].to_numpy(), "uln": np.where(no_uln, "", rows["uln"].to_numpy()),
            "surname": rows["surname"].to_numpy(), "forename": rows["forename"].to_numpy(),
            "postcode": rows["postcode"].to_numpy(), "date_of_birth": dates("dob", rows["dob"].to_numpy()),
            "la_code": rows["la_code"].to_numpy(),
            "sen_status": np.where(h["stray"] < 0.02, SEN_STRAY[group], SEN_STATUS[group]),
            "activity_code": code, "activity_start_date": dates("start", start),
            "currency_lapsed": np.where(lapsed, "Y", np.where(blank, "", "N"))}


def write_nccis(youth: pd.DataFrame, council: Council, timeline: Timeline, seed: int, folder: Path) -> int:
    """Monthly ``ccis_caseload_<DD-MM-YYYY>.csv`` snapshots (Windows-1252, CRLF)."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = 0
    for k, extract in enumerate(timeline.extracts):
        table = pd.DataFrame(caseload_snapshot(youth, council, timeline.period_end(k), seed)).rename(columns=HEADER)
        table.to_csv(folder / f"ccis_caseload_{as_date(extract):%d-%m-%Y}.csv", index=False, encoding="cp1252",
                     lineterminator="\r\n")
        rows += len(table)
    return rows
