"""The synthetic reference feed: the estate (a GIAS subset), the population (ONS mid-year estimates),
and choosing schools from the estate.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.synthetic import calibration
from pipeline.synthetic.calibration import ESTATE, OTHER_LAS
from pipeline.synthetic.common import Timeline, rng_for, salt_for, unit_hash

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
    has_ukprn = (unit_hash(idx, salt_for(seed, "ukprn")) < 0.8) | est["kind"].isin(["fe"])
    est["ukprn"] = np.where(has_ukprn, 10_000_000 + 13 * idx + 1, 0)
    la = np.array(OTHER_LAS)[(unit_hash(idx, salt_for(seed, "la")) * len(OTHER_LAS)).astype(int)]
    est["la_code"] = np.where(est["in_la"], calibration.LA_CODE, la)
    est["name"] = [_estate_name(k, t, j, i) for k, t, j, i in
                   zip(est["kind"], est["type"], est["j"], est["in_la"])]
    _add_laestab(est)
    est["sixth"] = (est["kind"].eq("all_through") | est["kind"].eq("special")
                    | (est["kind"].eq("secondary") & (est["j"] % 3 == 0)))
    est["nursery"] = (est["kind"].isin(["all_through", "special"])
                      | (est["kind"].eq("primary") & (est["j"] % 10 < 7)))
    est["size"] = np.exp(rng_for(seed, "estate").normal(0, 0.3, len(est)))
    return est


def _add_laestab(est: pd.DataFrame) -> None:
    """LA number and establishment number; big scales spill into made-up LA numbers."""
    start = est["kind"].map(lambda k: KIND_ESTAB.get(k, (0, 1))[0]).to_numpy()
    cap = est["kind"].map(lambda k: KIND_ESTAB.get(k, (0, 1))[1]).to_numpy()
    block = est["j"].to_numpy() // cap
    la3 = np.where(est["in_la"], np.where(block == 0, calibration.LA_CODE, 100 + block), est["la_code"])
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
    """``population.csv`` for the area (890) and, to prove filtering, Lancashire (888; Blackpool when the
    area is 888)."""
    years = range(min(timeline.first_year - 1, timeline.last_year - 3), timeline.last_year)
    frames = []
    other = (888, 8.7) if calibration.LA_CODE != 888 else (890, 1.0)
    for la, factor in ((calibration.LA_CODE, scale), other):
        for year in years:
            ages = np.arange(91)
            noise = 1 + 0.02 * (unit_hash(ages * 10_000 + year * 10 + la % 7, seed) - 0.5)
            pop = _population_shape() * factor * (1 + 0.003 * (year - 2023)) * noise
            frames.append(pd.DataFrame({"la_code": la, "year": year, "age": ages,
                                        "population": np.round(pop).astype(int)}))
    out = pd.concat(frames, ignore_index=True)
    out.to_csv(path, index=False, lineterminator="\n")
    return len(out)


def pick_from(candidates: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The candidate at fraction ``u`` of the list (-1 when there is none)."""
    if not len(candidates):
        return np.full(len(u), -1, dtype=np.int64)
    return candidates[np.minimum((u * len(candidates)).astype(np.int64), len(candidates) - 1)]


def pick_schools(rng: np.random.Generator, estate: pd.DataFrame, kinds: tuple[str, ...],
                  n: int) -> np.ndarray:
    """Estate indices of LA schools of the given kinds, chosen in proportion to size."""
    pool = np.flatnonzero(estate["in_la"].to_numpy() & estate["kind"].isin(kinds).to_numpy())
    weights = estate["size"].to_numpy()[pool]
    return pool[rng.choice(len(pool), size=n, p=weights / weights.sum())].astype(np.int32)


def upn_home_of(rng: np.random.Generator, estate: pd.DataFrame, school: np.ndarray,
                 moved_in: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """UPN LA and establishment numbers: the first school's, or another LA's for movers."""
    n = len(school)
    other = np.array(OTHER_LAS)[rng.integers(0, len(OTHER_LAS), n)]
    la = np.where(moved_in, other, estate["la3"].to_numpy()[school])
    estab = np.where(moved_in, rng.integers(2000, 4000, n), estate["estab"].to_numpy()[school])
    return la.astype(np.int16), estab.astype(np.int16)
