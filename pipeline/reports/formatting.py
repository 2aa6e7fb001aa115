"""Numbers, periods and dates as a board pack shows them.

:func:`format_value` is the one place a measure's value becomes text: rounding by unit
(half up, at the displayed precision), thousands separators, and small-number
suppression (counts 1-4, and values worked out from 1-4 children, shown as ``c``).
:func:`direction_of_travel` judges a change at that same displayed precision, with the
measure's polarity.  The PDF, the stocktake and the tests all use these, so a number
reads the same everywhere.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from pipeline.periods import parse_period

MISSING = "no data"
SUPPRESSED = "c"
SMALL_NUMBERS = (1, 4)  # counts from 1 to 4 are never shown
SUPPRESSION_NOTE = (
    "To protect children's privacy, numbers from 1 to 4 are shown as c. A percentage, rate, "
    "average or median worked out from 1 to 4 children is also shown as c, and so are the "
    "charts' points for those months. Zero is shown as 0."
)
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")


# --------------------------------------------------------------------------- periods and dates


def period_label(period: str, short: bool = False) -> str:
    """``2026-10`` as "October 2026" (or "Oct 2026"), whatever the process's locale."""
    year, month = parse_period(period)
    name = MONTH_NAMES[month - 1]
    return f"{name[:3] if short else name} {year}"


def date_label(value: date) -> str:
    """A date as "5 November 2026"."""
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


def is_true(value: object) -> bool:
    """A nullable boolean from the warehouse: NULL (None, NA, NaN) is False."""
    return False if value is None or pd.isna(value) else bool(value)


def as_date(value: object) -> date | None:
    """A date from the warehouse (date, timestamp or text); NULL is None."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    return value if isinstance(value, date) else pd.Timestamp(value).date()


# --------------------------------------------------------------------------- numbers as displayed


def as_number(value: object) -> float | None:
    """A float from the warehouse; NULL (None, NA, NaT, NaN) is None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _field(row: object, name: str) -> object:
    if isinstance(row, Mapping | pd.Series):
        return row.get(name)
    return getattr(row, name, None)


def _small(number: float | None) -> bool:
    return number is not None and SMALL_NUMBERS[0] <= number <= SMALL_NUMBERS[1]


def is_suppressed(row: object, unit: str | None = None) -> bool:
    """True when a measure row must be shown as ``c`` (small-number suppression).

    A count of 1 to 4; a percentage whose numerator or denominator is 1 to 4; a rate per
    10,000 whose count (numerator) is 1 to 4; a mean or median (weeks, points) of 1 to 4
    children (denominator). Zero and missing values are never suppressed.
    """
    if row is None or as_number(_field(row, "value")) is None:
        return False
    unit = unit or str(_field(row, "unit"))
    numerator, denominator = as_number(_field(row, "numerator")), as_number(_field(row, "denominator"))
    if unit == "count":
        return _small(as_number(_field(row, "value")))
    if unit == "percent":
        return _small(numerator) or _small(denominator)
    if unit == "per_10000":
        return _small(numerator)
    return _small(denominator)


def displayed_number(row: object, unit: str | None = None) -> Decimal | None:
    """The value rounded as the report shows it; None when missing or suppressed.

    Counts are whole numbers; rates, percentages, weeks and points have one decimal place,
    rounded half up (12.25 shows as 12.3).
    """
    if row is None or is_suppressed(row, unit):
        return None
    value = as_number(_field(row, "value"))
    if value is None:
        return None
    unit = unit or str(_field(row, "unit"))
    places = Decimal("1") if unit == "count" else Decimal("0.1")
    rounded = Decimal(repr(value)).quantize(places, rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded


def format_value(row: object, unit: str | None = None) -> str:
    """A measure row's value exactly as the report displays it.

    Parameters
    ----------
    row
        A measure row (a mapping, a pandas Series or a named tuple with ``value``,
        ``numerator``, ``denominator`` and ``unit``), or None when there is no row.
    unit
        ``count``, ``percent``, ``per_10000``, ``weeks`` or ``points``; defaults to the row's.

    Returns
    -------
    str
        ``"no data"`` when there is no row or no value, ``"c"`` when suppressed, a whole
        number with thousands separators for counts ("1,670"), one decimal place
        otherwise, with ``%`` for percentages ("61.7%").
    """
    if row is None or as_number(_field(row, "value")) is None:
        return MISSING
    if is_suppressed(row, unit):
        return SUPPRESSED
    unit = unit or str(_field(row, "unit"))
    shown = displayed_number(row, unit)
    if unit == "count":
        return f"{shown:,.0f}"
    return f"{shown:,.1f}%" if unit == "percent" else f"{shown:,.1f}"


def count_text(count: object) -> str:
    """A plain count (e.g. plans behind a rate) as displayed: suppressed when 1 to 4."""
    return format_value({"value": as_number(count), "numerator": as_number(count), "unit": "count"}, "count")


@dataclass(frozen=True)
class Direction:
    """A direction of travel: a word, an arrow for the way the number moved, a style."""

    word: str
    arrow: str
    css: str

    @property
    def text(self) -> str:
        """The word and the arrow, e.g. "improving ↓"."""
        return f"{self.word} {self.arrow}".strip()


def direction_of_travel(latest: object, earlier: object, polarity: str | None, unit: str | None = None) -> Direction:
    """Whether a measure improved, judged with its polarity at display precision.

    The arrow shows which way the number moved (↑ higher, ↓ lower, → the same as
    displayed); the word judges it: "improving" or "worsening" for polarity ``up`` or
    ``down``, "not judged" for ``neutral``. No comparison is made with a missing or a
    suppressed figure.
    """
    now, then = displayed_number(latest, unit), displayed_number(earlier, unit)
    if format_value(latest, unit) == MISSING:
        return Direction(MISSING, "", "none")
    if format_value(earlier, unit) == MISSING:
        return Direction("no earlier figure", "", "none")
    if now is None or then is None:
        return Direction("not judged (small numbers)", "", "none")
    if now == then:
        return Direction("no change", "→", "same")
    arrow = "↑" if now > then else "↓"
    if polarity not in ("up", "down"):
        return Direction("not judged", arrow, "neutral")
    better = (now > then) == (polarity == "up")
    return Direction("improving", arrow, "improving") if better else Direction("worsening", arrow, "worsening")
