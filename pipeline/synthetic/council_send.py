"""The synthetic council feed: requests, assessments, EHC plans, people, needs and placements simulated
over the whole horizon, and each month's SEN2 snapshot as nine Blade CSV modules.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.synthetic import calibration
from pipeline.synthetic.calibration import (ALWAYS, ASSESS_NOT_ISSUED_PER_PLAN, ASSESS_WITHDRAWN_PER_PLAN, BOYS, C,
                                            CASELOAD_AGE, CAT_IN_LA, CAT_TYPES, CATS, ETHNICITY, ETHNICITY_P,
                                            EXCEPTION_SHARE, GIRLS, MALE_SHARE_PLANS, NEED_CODES, NEED_COUNTS,
                                            NEVER, NEW_PLAN_AGE, NEW_PLANS, OTHER_LAS, PHASE_TABLE, PLANS_JAN,
                                            PROVIDERS_WITHOUT_URN, REQ_NOT_ASSESS_SHARE, REQ_WITHDRAWN_SHARE,
                                            REQ_WITHIN_6WK, REQUEST_AGE, REQUESTS, SENSETTING, SURNAMES, TRACK_BY_NEED,
                                            V12_FROM, WITHIN_20WK_PC)
from pipeline.synthetic.common import (BLADE, MONTH_ABBR, Prefixed, Table, Timeline, ages_to_dob, annual, as_date,
                                       choice, date_styles, day_number, days_in_year, exact_flags, flag_text,
                                       fmt_dates, reception_year, rng_for, salt_for, scaled, sep1, show_planned, ulns,
                                       unit_hash, write_table)
from pipeline.synthetic.reference import pick_from, pick_schools, upn_home_of

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
    jan = day_number(year, 1, 1)
    dob = ages_to_dob(rng, np.full(n, jan), CASELOAD_AGE)
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
    exception = exact_flags(rng, n, EXCEPTION_SHARE)
    within = np.zeros(n, dtype=bool)
    others = np.flatnonzero(~exception)
    within[others] = exact_flags(rng, len(others), within_pc / 100)
    fast = 140 - np.abs(rng.normal(0, 18, n)).clip(0, 56)
    slow = 141 + rng.gamma(1.6, 36, n).clip(0, 220)
    days = np.where(within, fast, slow)
    return np.where(exception, 130 + rng.gamma(2.0, 45, n), days).astype(np.int64), exception


def _new_plans(rng: np.random.Generator, year: int, n: int) -> pd.DataFrame:
    """New plans issued in a calendar year (assessment outcome Y)."""
    issue = days_in_year(rng, year, n)
    duration, exception = _issue_durations(rng, n, annual(WITHIN_20WK_PC, year, 1.0))
    received = issue - duration
    dob = np.minimum(ages_to_dob(rng, issue, NEW_PLAN_AGE), received - 30)
    return _requests(KIND_NEW, n, dob=dob, male=rng.random(n) < MALE_SHARE_PLANS,
                     received=received, req_date=received + _decision_days(rng, n),
                     ass_date=issue, start=issue, week20=exception)


def _transfer_plans(rng: np.random.Generator, year: int, n_h: int, n_s: int) -> pd.DataFrame:
    """Plans transferred in from another LA (H) and issued after its assessment (S)."""
    moved = days_in_year(rng, year, n_h)
    dob = ages_to_dob(rng, moved, CASELOAD_AGE)
    received = np.clip(moved - rng.integers(200, 2500, n_h), dob + 30, moved - 170)
    la = np.array(OTHER_LAS)[rng.integers(0, len(OTHER_LAS), n_h)]
    h = _requests(KIND_TRANSFER, n_h, dob=dob, male=rng.random(n_h) < MALE_SHARE_PLANS,
                  received=received, req_date=received + 30, ass_date=received + 140,
                  start=moved, transfer_la=la)
    issue = days_in_year(rng, year, n_s)
    received = issue - rng.integers(120, 260, n_s)
    dob = np.minimum(ages_to_dob(rng, issue, NEW_PLAN_AGE), received - 30)
    s = _requests(KIND_S, n_s, dob=dob, male=rng.random(n_s) < MALE_SHARE_PLANS,
                  received=received, req_date=received + _decision_days(rng, n_s),
                  ass_date=issue, start=issue)
    return pd.concat([h, s], ignore_index=True)


def _pool(plans: pd.DataFrame, year: int) -> tuple[np.ndarray, np.ndarray]:
    """Plans in force on 1 January of ``year`` and the age of each child then."""
    jan = day_number(year, 1, 1)
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
    young = choice(rng, (0, 0.45, 0, 0, 0.38, 0, 0.08, 0.02, 0.07), len(age)) + 1
    teen = choice(rng, (0, 0.2, 0, 0.1, 0.25, 0.3, 0.05, 0, 0.1), len(age)) + 1
    adult = choice(rng, (0.25, 0.1, 0.1, 0.17, 0.1, 0.23, 0.0, 0.0, 0.05), len(age)) + 1
    return np.where(age >= 24.5, 1, np.where(age >= 19, adult, np.where(age >= 16, teen, young)))


def _cease_plans(rng: np.random.Generator, plans: pd.DataFrame, year: int, n: int) -> None:
    """End ``n`` of the plans in force on 1 January of ``year``, older ones more likely."""
    pool, age = _pool(plans, year)
    weight = np.select([age >= 25, age >= 19, age >= 16, age >= 5], [1e9, 6.0, 2.5, 0.6], 0.35)
    pick = np.argsort(rng.exponential(size=len(pool)) / weight, kind="stable")[:n]
    chosen, age = pool[pick], age[pick]
    days = days_in_year(rng, year, len(chosen))
    days = np.where(age >= 24.5, day_number(year, 7, 31), days)
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
    plans = _legacy_plans(rng, y0, scaled(annual(PLANS_JAN, y0, 1.08), scale))
    for year in range(y0, timeline.last_year + 1):
        n_new = scaled(annual(NEW_PLANS, year, 1.05), scale)
        target = scaled(annual(PLANS_JAN, year + 1, 1.08), scale)
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
        total = annual(REQUESTS, year, 1.05) * scale
        new = annual(NEW_PLANS, year, 1.05) * scale
        counts = [round(total * REQ_NOT_ASSESS_SHARE), round(total * REQ_WITHDRAWN_SHARE),
                  round(new * ASSESS_NOT_ISSUED_PER_PLAN), round(new * ASSESS_WITHDRAWN_PER_PLAN)]
        kinds = np.repeat([KIND_REQ_N, KIND_REQ_W, KIND_ASS_N, KIND_ASS_W], counts)
        n = len(kinds)
        received = days_in_year(rng, year, n)
        assess = np.where(kinds == KIND_ASS_N, rng.integers(100, 181, n), rng.integers(50, 151, n))
        frame = _requests(KIND_REQ_N, n, dob=ages_to_dob(rng, received, REQUEST_AGE),
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
    rng = rng_for(seed, "council")
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
    school = pick_schools(rng, estate, ("primary", "all_through"), n)
    return upn_home_of(rng, estate, school, moved_in)


def build_persons(seed: int, req: pd.DataFrame, estate: pd.DataFrame) -> pd.DataFrame:
    """One row a child or young person known to the council (``pid`` order)."""
    rng = rng_for(seed, "persons")
    first = req.drop_duplicates("pid").sort_values("pid")
    n = len(first)
    dob = first["dob"].to_numpy()
    male = first["male"].to_numpy() == 1
    persons = pd.DataFrame({"pid": np.arange(n), "dob": dob,
                            "sex": np.array(["F", "M"], dtype=object)[male.astype(int)]})
    persons["ethnicity"] = np.array(ETHNICITY, dtype=object)[choice(rng, ETHNICITY_P, n)]
    persons["surname"] = np.array(SURNAMES, dtype=object)[rng.integers(0, len(SURNAMES), n)]
    boy = np.array(BOYS, dtype=object)[rng.integers(0, len(BOYS), n)]
    girl = np.array(GIRLS, dtype=object)[rng.integers(0, len(GIRLS), n)]
    persons["forename"] = np.where(male, boy, girl)
    persons["postcode"] = _postcodes(rng, n)
    persons["r"] = reception_year(dob)
    moved_in = first["kind"].to_numpy() == KIND_TRANSFER
    persons["upn_la"], persons["upn_estab"] = _upn_home(rng, estate, n, moved_in)
    persons["upn_yy"] = persons["r"] % 100
    persons["uln"] = ulns(persons["pid"].to_numpy(), salt_for(seed, "uln"))
    gap = rng.random(n) < 0.015
    persons["upn_gap"] = np.where(gap, rng.integers(2, 11, n), 0)
    persons["absence"] = rng.beta(1.4, 19.0, n) * 1.7
    return persons


def build_plans(seed: int, req: pd.DataFrame) -> pd.DataFrame:
    """One row a plan (``plan`` order = request order), with its needs and its track."""
    rng = rng_for(seed, "needs")
    plans = req[req["kind"] <= KIND_S][["rid", "pid", "kind", "dob", "start", "cease",
                                        "reason", "transfer_la"]]
    plans = plans.reset_index(drop=True)
    n = len(plans)
    need1 = choice(rng, NEED_COUNTS, n)
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
    r = reception_year(plans["dob"].to_numpy())
    n = len(plans)
    bounds = np.stack([np.full(n, ALWAYS, np.int64), sep1(r), sep1(r + 7), sep1(r + 12),
                       sep1(r + 15), np.full(n, NEVER, np.int64)], axis=1)
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
            cat[m] = choice(rng, weights, int(m.sum()))
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
            use_in = unit_hash(key[m], salt_for(seed, "in" + name)) < CAT_IN_LA.get(name, 0.0)
            use_in = (use_in & (len(inside) > 0)) | (len(outside) == 0)
            pick = unit_hash(key[m], salt_for(seed, "at" + name))
            est[m] = np.where(use_in, pick_from(inside, pick), pick_from(outside, pick))
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
    rng = rng_for(seed, "placements")
    track = plans["track"].to_numpy()
    rows = _phase_rows(plans)
    rows["cat"] = _draw_categories(rng, rows, track)
    rows = _split_rows(rng, rows, plans, track, end)
    rows["est"] = _assign_establishments(rows, estate, seed)
    rows = _merge_runs(rows)
    unknown = unit_hash(rows["plan"].to_numpy(), salt_for(seed, "unknown")) < 0.002
    rows = rows[~unknown]
    rows["rank"] = 1
    rows = pd.concat([rows, _second_placements(rng, rows, estate, end)], ignore_index=True)
    rows = rows.sort_values(["plan", "entry", "rank"], kind="stable").reset_index(drop=True)
    rows["plid"] = np.arange(len(rows))
    rows["provider"] = (unit_hash(rows["plan"].to_numpy(), salt_for(seed, "provider"))
                        * PROVIDERS_WITHOUT_URN).astype(np.int8)
    return rows.astype({"plan": np.int32, "est": np.int32, "rank": np.int8, "plid": np.int32})


# ---------------------------------------------------------------------------------------
# Council: one monthly snapshot, nine Blade CSV modules
# ---------------------------------------------------------------------------------------
MODULES = ("sen2", "person", "requests", "assessment", "namedplan", "plandetail",
           "activeplans", "placementdetail", "senneed")
COUNCIL_DATE_MIX = (0.9, 0.05, 0.05)  # Blade, ISO, DMY


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
        return as_date(self.extract) >= V12_FROM

    def dates(self, days: np.ndarray, ids: np.ndarray, column: str) -> np.ndarray:
        """Dates as text, each value in one of the three forms."""
        return fmt_dates(days, date_styles(ids, salt_for(self.seed, column), COUNCIL_DATE_MIX))


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
    d = as_date(snap.extract)
    stamp = f"{d.year:04d}-{MONTH_ABBR[d.month - 1]}-{d.day:02d} 06:15:00"
    cols = _keys("sen2", np.array([1]), None, None, "SEN2-")
    cols.update({"collection": ["SEN2"], "year": [d.year + (d.month >= 9)],
                 "referencedate": fmt_dates(np.array([snap.extract]), BLADE),
                 "sourcelevel": ["L"], "lea": [calibration.LA_CODE], "softwarecode": ["SYNTH-EHCP"],
                 "release": ["1.4" if snap.v12 else "1.1"], "serialno": [serial],
                 "datetime": [stamp]})
    return cols


def _person_module(snap: Snapshot, persons: pd.DataFrame) -> Table:
    """Children and young people with a request or plan in the snapshot."""
    p = persons[persons["pid"].isin(snap.req["pid"])]
    ids = p["pid"].to_numpy() + 1
    has_upn = (snap.extract >= sep1(p["r"].to_numpy() - 1)) & (p["upn_gap"].to_numpy() == 0)
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
    week20 = flag_text(req["week20"].to_numpy(), ids, salt_for(snap.seed, "week20"), 0.05)
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
    cease = show_planned(plans["cease"].to_numpy(), ids, e, 31, 0.4, salt_for(snap.seed, "cease"))
    reason = np.where(cease == NEVER, "", plans["reason"].astype(str))
    budget = unit_hash(ids, salt_for(snap.seed, "pb")) < 0.12
    cols = _keys("namedplan", ids, "assessmenttableid", aid_of_rid[plans["rid"]] + 1, "NP-")
    cols.update({"startdate": snap.dates(plans["start"].to_numpy(), ids, "startdate"),
                 "planres": "", "planwbp": "", "pb": budget.astype(int),
                 "oa": np.where(budget, (unit_hash(ids, 7) < 0.6).astype(int).astype(str), ""),
                 "dp": np.where(budget, (unit_hash(ids, 8) < 0.5).astype(int).astype(str), ""),
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
    ukprn_only = post16 & (unit_hash(plan, salt_for(seed, "ukprn_only")) < 0.3)
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
    leave = show_planned(rows["leave"].to_numpy(), ids, snap.extract, 92, 0.5,
                          salt_for(snap.seed, "leave"))
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
        stamp = f"{as_date(extract):%d-%m-%Y}"
        for module, table in council_snapshot(council, extract, window, seed, serial=k + 1):
            rows[module] += write_table(folder / f"Blade-Export_{stamp}_{module}.csv", table,
                                        free_text=("surname", "forename", "sensettingother"))
    return rows
