"""The synthetic workforce feed: the council's SEND training log, every completed place on its SEND courses,
re-delivered whole as ``senco_training.csv``.

The area's state-funded mainstream schools (the ``senco_trained`` denominator: its LA, GIAS types 1 2 3 5 28 34
35 40 41) have their SENCO trained in the graduated approach in a random order: ``SENCO_TRAINED[0]`` of them by
the first period end, then evenly more up to ``SENCO_TRAINED[1]`` at the last, on term-time weekdays. Around
them: second SENCOs and assistant SENCOs on the same course (a school counts once, an assistant not at all),
SENCOs on other courses, teachers, TAs and others on every course at the LA's schools, and the SENCOs of a
special school and an independent school (neither in the denominator). The log starts ``LOG_MONTHS`` before
the first period end. It is UTF-8 with a BOM (a spreadsheet's "CSV UTF-8"), its dates in two forms, and a few
roles and courses are written in other case.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.synthetic import calibration
from pipeline.synthetic.calibration import (ASSISTANT_SENCO, NEVER, SECOND_SENCO, SENCO_OTHER_COURSE,
                                            SENCO_TRAINED, STAFF_PLACES_A_YEAR)
from pipeline.synthetic.common import (EPOCH, Prefixed, Timeline, add_months, as_date, date_styles, fmt_dates, rng_for,
                                       salt_for, unit_hash, write_table)

MAINSTREAM = (1, 2, 3, 5, 28, 34, 35, 40, 41)  # GIAS types of state-funded mainstream schools
COURSES = ("GRADUATED_APPROACH", "AUTISM_AWARE", "SEND_LAW", "ADHD_BASICS", "ELKLAN", "EMOTION_COACHING")
COURSES_P = (0.3, 0.22, 0.12, 0.14, 0.12, 0.1)
SENCO, ASSISTANT, TEACHER, TA, OTHER = range(5)
ROLES = np.array(["SENCO", "assistant_SENCO", "teacher", "TA", "other"], dtype=object)
STAFF_ROLES_P = (0.45, 0.45, 0.1)  # teacher, TA, other
LOG_MONTHS = 18
DATE_MIX = (0.0, 0.5, 0.5)


def _term_days(days: np.ndarray) -> np.ndarray:
    """Course days: August moves to 20 July and a weekend to the Friday before (``NEVER`` stays)."""
    days = np.asarray(days, dtype=np.int64)
    month = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12 + 1
    july = (days.astype("datetime64[D]").astype("datetime64[Y]").astype("datetime64[M]")
            + 6).astype("datetime64[D]").astype(np.int64) + 19
    days = np.where(month == 8, july, days)
    weekday = (days + 3) % 7  # Monday is 0
    moved = days - np.where(weekday == 5, 1, np.where(weekday == 6, 2, 0))
    return np.where(days >= NEVER - 2, NEVER, moved)


def _senco_days(rng: np.random.Generator, n: int, start: int, first_pe: int, last_pe: int) -> np.ndarray:
    """The day each of ``n`` schools first has a SENCO trained in the graduated approach (``NEVER`` for none)."""
    n0, n1 = (int(round(share * n)) for share in SENCO_TRAINED)
    early = rng.integers(start, first_pe + 1, n0)
    later = first_pe + np.ceil(np.arange(1, n1 - n0 + 1) * (last_pe - first_pe) / max(n1 - n0, 1)).astype(np.int64)
    days = np.full(n, NEVER, dtype=np.int64)
    days[rng.permutation(n)[:n1]] = np.r_[early, later]
    return _term_days(days)


def _places(school: np.ndarray, role: np.ndarray | int, course: np.ndarray | int, day: np.ndarray,
            staff: np.ndarray | int) -> pd.DataFrame:
    """Rows of the log (estate index, role, course index, day, staff number), scalars repeated."""
    n = len(school)
    return pd.DataFrame({"school": school, "role": np.broadcast_to(role, n), "course": np.broadcast_to(course, n),
                         "day": day, "staff": np.broadcast_to(staff, n)})


def _senco_places(rng: np.random.Generator, schools: np.ndarray, start: int, first_pe: int, last_pe: int
                  ) -> list[pd.DataFrame]:
    """SENCOs (first and second) and assistant SENCOs on the graduated approach, SENCOs on other courses."""
    n = len(schools)
    first = _senco_days(rng, n, start, first_pe, last_pe)
    trained = first < NEVER
    second = trained & (rng.random(n) < SECOND_SENCO)
    second_day = _term_days(first + rng.integers(40, 500, n))
    second &= second_day <= last_pe
    assistant = rng.random(n) < ASSISTANT_SENCO
    other = rng.random(n) < SENCO_OTHER_COURSE
    anyday = _term_days(rng.integers(start, last_pe + 1, n))
    return [_places(schools[trained], SENCO, 0, first[trained], 1),
            _places(schools[second], SENCO, 0, second_day[second], 2),
            _places(schools[assistant], ASSISTANT, 0, anyday[assistant], 3),
            _places(schools[other], SENCO, rng.integers(1, len(COURSES), n)[other], anyday[other], 1)]


def build_training_log(seed: int, estate: pd.DataFrame, timeline: Timeline) -> pd.DataFrame:
    """Every completed place, oldest first: estate index, role, course index, day and staff number."""
    rng = rng_for(seed, "workforce")
    first_pe, last_pe = timeline.period_end(0), timeline.period_end(len(timeline.extracts) - 1)
    start = add_months(as_date(first_pe).replace(day=1), -LOG_MONTHS).toordinal() - EPOCH
    la = estate["la_code"].to_numpy() == calibration.LA_CODE
    schools = np.flatnonzero(la & estate["type"].isin(MAINSTREAM).to_numpy())
    staffed = np.flatnonzero(la & estate["kind"].isin(["primary", "secondary", "all_through", "special", "pru"]))
    count = rng.poisson(STAFF_PLACES_A_YEAR * (last_pe - start) / 365.25, len(staffed))
    staff_school = np.repeat(staffed, count)
    m = len(staff_school)
    outside = [np.flatnonzero(la & (estate["kind"] == "special").to_numpy())[:1],
               np.flatnonzero(estate["type"].isin([11, 6]).to_numpy())[:1]]
    places = pd.concat(_senco_places(rng, schools, start, first_pe, last_pe) + [
        _places(staff_school, 2 + rng.choice(3, m, p=STAFF_ROLES_P), rng.choice(len(COURSES), m, p=COURSES_P),
                _term_days(rng.integers(start, last_pe + 1, m)), rng.integers(10, 200, m)),
        _places(np.concatenate(outside), SENCO, 0, _term_days(rng.integers(start, last_pe + 1, 2)), 1)],
        ignore_index=True)
    return places.sort_values(["day", "school", "role"], kind="stable").reset_index(drop=True)


def write_workforce(estate: pd.DataFrame, timeline: Timeline, seed: int, folder: Path) -> int:
    """``senco_training.csv``: the whole log (UTF-8 with a BOM)."""
    folder.mkdir(parents=True, exist_ok=True)
    log = build_training_log(seed, estate, timeline)
    ids = np.arange(len(log), dtype=np.int64)
    stray = unit_hash(ids, salt_for(seed, "training_case"))
    role = ROLES[log["role"].to_numpy()]
    course = np.array(COURSES, dtype=object)[log["course"].to_numpy()]
    table = {"record_id": Prefixed("TR", 10_001 + ids), "urn": estate["urn"].to_numpy()[log["school"].to_numpy()],
             "role": np.where(stray < 0.03, [r.lower() for r in role], role),
             "course": np.where((stray > 0.98) & (stray < 0.995), [c.lower() for c in course], course),
             "completed_on": fmt_dates(log["day"].to_numpy(), date_styles(ids, salt_for(seed, "completed"), DATE_MIX)),
             "staff_ref": Prefixed("ST", 1000 + log["staff"].to_numpy().astype(np.int64))}
    return write_table(folder / "senco_training.csv", table, bom=True)
