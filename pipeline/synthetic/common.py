"""What every synthetic feed shares: seeded random streams, day numbers, values as text, chunked CSV writing,
identifiers (UPN, ULN, NHS number) and the timeline of monthly extracts.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np

from pipeline.feeds.identifiers import UPN_ALPHABET, nhs_check_digit, upn_check_letter
from pipeline.synthetic.calibration import ALWAYS, C, CHUNK_ROWS, EXTRACT_DAY, HISTORY_MONTHS, NEVER

# ---------------------------------------------------------------------------------------
# Small utilities
# ---------------------------------------------------------------------------------------
EPOCH = date(1970, 1, 1).toordinal()
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_M64 = (1 << 64) - 1


def day_number(y: int, m: int, d: int) -> int:
    """Day number (days since 1970-01-01) of a calendar date."""
    return date(y, m, d).toordinal() - EPOCH


def as_date(day: int) -> date:
    """Calendar date of a day number."""
    return date.fromordinal(int(day) + EPOCH)


def add_months(d: date, months: int) -> date:
    """``d`` moved by whole months (day of month kept; these callers use day 5 or 1)."""
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return date(y, m + 1, d.day)


def rng_for(seed: int, *names: str) -> np.random.Generator:
    """An independent random stream for one named component of the simulation."""
    return np.random.default_rng([seed] + [zlib.crc32(n.encode()) for n in names])


def salt_for(seed: int, name: str) -> int:
    """A 64-bit salt for :func:`unit_hash`, from the seed and a column name."""
    return (seed * 0x9E3779B97F4A7C15 + zlib.crc32(name.encode()) * 0xD1B54A32D192ED03) & _M64


def unit_hash(ids: np.ndarray, salt: int) -> np.ndarray:
    """A stable pseudo-random number in [0, 1) for each integer id (splitmix64)."""
    z = np.asarray(ids).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(salt)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def scaled(value: float, scale: float) -> int:
    """A count multiplied by ``scale`` and rounded."""
    return int(round(value * scale))


def annual(table: dict[int, float], year: int, growth: float) -> float:
    """A yearly figure from ``table``, extended geometrically before and after it."""
    lo, hi = min(table), max(table)
    if year < lo:
        return table[lo] / growth ** (lo - year)
    if year > hi:
        return table[hi] * growth ** (year - hi)
    return table[year]


def choice(rng: np.random.Generator, weights: dict | tuple, n: int) -> np.ndarray:
    """``n`` draws from category weights (a dict of name to weight gives category ids)."""
    if isinstance(weights, dict):
        keys = np.array([C[k] for k in weights], dtype=np.int8)
        p = np.array(list(weights.values()), dtype=float)
        return keys[rng.choice(len(keys), size=n, p=p / p.sum())]
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def exact_flags(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    """Exactly ``round(n * share)`` True values in random positions."""
    flags = np.zeros(n, dtype=bool)
    flags[rng.permutation(n)[: int(round(n * share))]] = True
    return flags


def ages_to_dob(rng: np.random.Generator, at: np.ndarray, weights: tuple) -> np.ndarray:
    """Birth days for people whose whole-year age at day ``at`` follows ``weights``."""
    years = choice(rng, weights, len(at)) + rng.random(len(at))
    return (np.asarray(at) - np.floor(years * 365.25)).astype(np.int64)


def days_in_year(rng: np.random.Generator, year: int, n: int) -> np.ndarray:
    """``n`` days spread over a calendar year, quieter in August and late December."""
    first, last = day_number(year, 1, 1), day_number(year + 1, 1, 1)
    days = np.arange(first, last)
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(int) % 12
    weights = np.where(months == 7, 0.6, np.where(months == 11, 0.8, 1.0))
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
    weights = weights * np.where(weekday >= 5, 0.08, 1.0)
    return rng.choice(days, size=n, p=weights / weights.sum())


def year_of(days: np.ndarray) -> np.ndarray:
    """Calendar year of each day number."""
    return np.asarray(days).astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970


def _month_of(days: np.ndarray) -> np.ndarray:
    """Calendar month (1..12) of each day number."""
    return np.asarray(days).astype("datetime64[D]").astype("datetime64[M]").astype(int) % 12 + 1


def sep1(years: np.ndarray) -> np.ndarray:
    """Day number of 1 September of each year."""
    months = (np.asarray(years, dtype=np.int64) - 1970) * 12 + 8
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def reception_year(dob: np.ndarray) -> np.ndarray:
    """The year a child born on ``dob`` starts reception (the September after turning 4)."""
    return year_of(dob) + 4 + (_month_of(dob) >= 9)


def academic_year_of(day: int) -> int:
    """The calendar year in which the academic year containing ``day`` started."""
    d = as_date(day)
    return d.year if d.month >= 9 else d.year - 1


# ---------------------------------------------------------------------------------------
# Dates as text: the three accepted forms, looked up from one table
# ---------------------------------------------------------------------------------------
BLADE, ISO, DMY = 0, 1, 2
_TABLE_LO, TABLE_HI = day_number(1975, 1, 1), day_number(2075, 12, 31)


@lru_cache(maxsize=1)
def _date_table() -> np.ndarray:
    """Every day 1975..2075 as text in Blade, ISO and DMY form, then the blank string."""
    days = [date.fromordinal(d + EPOCH) for d in range(_TABLE_LO, TABLE_HI + 1)]
    blade = [f"{d.year:04d}-{MONTH_ABBR[d.month - 1]}-{d.day:02d} 00:00:00" for d in days]
    iso = [d.isoformat() for d in days]
    dmy = [f"{d.day:02d}/{d.month:02d}/{d.year:04d}" for d in days]
    return np.array(blade + iso + dmy + [""], dtype=object)


def date_styles(ids: np.ndarray, salt: int, mix: tuple[float, float, float]) -> np.ndarray:
    """A date form for each value: stable for a record and column, mixed in proportion."""
    u = unit_hash(ids, salt)
    return np.where(u < mix[0], BLADE, np.where(u < mix[0] + mix[1], ISO, DMY))


def fmt_dates(days: np.ndarray, style: int | np.ndarray) -> np.ndarray:
    """Day numbers as date strings; ``NEVER`` and ``ALWAYS`` become blank."""
    days = np.asarray(days, dtype=np.int64)
    table = _date_table()
    n = TABLE_HI - _TABLE_LO + 1
    blank = (days == NEVER) | (days == ALWAYS)
    if not blank.all():
        live = days[~blank]
        if live.min() < _TABLE_LO or live.max() > TABLE_HI:
            raise ValueError("a synthetic date fell outside 1975-2075")
    idx = np.asarray(style, dtype=np.int64) * n + (days - _TABLE_LO)
    return table[np.where(blank, 3 * n, idx)]


def show_planned(days: np.ndarray, ids: np.ndarray, extract: int, ahead: int,
                  share: float, salt: int) -> np.ndarray:
    """Dates as known on ``extract``: past ones, and some planned ones up to ``ahead`` days."""
    planned = (days > extract) & (days != NEVER) & (days <= extract + ahead)
    planned &= unit_hash(ids, salt) < share
    return np.where((days <= extract) | planned, days, NEVER)


def flag_text(values: np.ndarray, ids: np.ndarray, salt: int, words_share: float = 0.0
               ) -> np.ndarray:
    """0/1 flags as text, some records using ``true``/``false`` (both forms are accepted)."""
    words = unit_hash(ids, salt) < words_share
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
# Identifiers: UPN, ULN and NHS number, vectorised (checked against pipeline.feeds.identifiers)
# ---------------------------------------------------------------------------------------
def upn_strings(la: np.ndarray, estab: np.ndarray, yy: np.ndarray, serial: np.ndarray
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


def nhs_numbers(n: int, salt: int) -> np.ndarray:
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


def ulns(ids: np.ndarray, salt: int) -> np.ndarray:
    """Unique learner numbers: ten digits, the last ``10 - (weighted sum mod 11)``."""
    body = 100_000_000 + (np.asarray(ids, np.int64) * 87_109 + salt % 10**8) % 800_000_000
    for _ in range(3):  # a remainder of 0 has no check digit: step to the next body
        body = np.where(_mod11_total(body) % 11 == 0, body + 1, body)
    return (body * 10 + (10 - _mod11_total(body) % 11) % 10).astype(str).astype(object)


def assign_serials(la: np.ndarray, estab: np.ndarray, yy: np.ndarray,
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
        return as_date(self.windows[0]).year

    @property
    def last_year(self) -> int:
        """The calendar year of the newest extract."""
        return as_date(self.extracts[-1]).year

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
    last = add_months(date(y, m, EXTRACT_DAY), 1)
    extracts = [add_months(last, -k) for k in range(months - 1, -1, -1)]
    return Timeline(
        periods=tuple(f"{add_months(e, -1):%Y-%m}" for e in extracts),
        extracts=tuple(e.toordinal() - EPOCH for e in extracts),
        windows=tuple(add_months(e, -HISTORY_MONTHS).toordinal() - EPOCH for e in extracts),
    )


def census_days(year: int) -> dict[str, int]:
    """Census days of a calendar year: SPR third Thursday of January, SUM third Thursday
    of May, AUT first Thursday of October."""
    def nth_thursday(month: int, n: int) -> int:
        first = date(year, month, 1)
        return (first + timedelta(days=(3 - first.weekday()) % 7 + 7 * (n - 1))).toordinal()
    return {"SPR": nth_thursday(1, 3) - EPOCH, "SUM": nth_thursday(5, 3) - EPOCH,
            "AUT": nth_thursday(10, 1) - EPOCH}


Table = dict[str, object]  # column name -> array (or one value for every row)
