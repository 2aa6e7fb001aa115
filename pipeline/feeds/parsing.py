"""Type text columns: dates in the accepted forms, whole numbers, flags and codes.

Every typing function returns the typed values and a boolean "ok" series.  A value that
is present but cannot be typed is not silently nulled: its ``ok`` is False and the
validation suite (``<column>__ok`` in ``[True]``) refuses the delivery, naming the row.
"""
from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable

import numpy as np
import pandas as pd

# The forms FEEDS.md accepts, each tried on every value on its own.
DATE_FORMS = (
    (r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d"),
    (r"^\d{1,2}/\d{1,2}/\d{4}$", "%d/%m/%Y"),
    (r"^\d{4}-[A-Za-z]{3}-\d{1,2} 00:00:00$", "%Y-%b-%d %H:%M:%S"),
    (r"^\d{4}-[A-Za-z]{3}-\d{1,2}$", "%Y-%b-%d"),
)
TIMESTAMP_FORMS = (
    (r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}$", "ISO8601"),
    (r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}(:\d{2})?$", "mixed"),
    (r"^\d{4}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2}$", "%Y-%b-%d %H:%M:%S"),
) + DATE_FORMS
TRUE_WORDS = {"1", "TRUE", "Y", "YES"}
FALSE_WORDS = {"0", "FALSE", "N", "NO"}


def by_distinct(func: Callable) -> Callable:
    """Run a column function once per distinct value, then spread the result to every row.

    Feed columns repeat a few values many times (codes, dates), so this is much faster
    than working row by row; the result is the same.
    """
    @functools.wraps(func)
    def wrapper(values: pd.Series):
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        if len(uniques) * 2 > len(values):
            return func(values)
        codes = np.where(codes < 0, len(uniques), codes)
        distinct = pd.Series(list(uniques) + [None], dtype=values.dtype)
        result = func(distinct)

        def spread(series: pd.Series) -> pd.Series:
            return pd.Series(series.array.take(codes), index=values.index)

        return tuple(spread(r) for r in result) if isinstance(result, tuple) else spread(result)

    return wrapper


def _parse_forms(values: pd.Series, forms) -> tuple[pd.Series, pd.Series]:
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    present = values.notna()
    text = values.where(present, "")
    for pattern, fmt in forms:
        mask = present & text.str.match(pattern) & parsed.isna()
        if mask.any():
            kwargs = {"format": fmt} if fmt != "mixed" else {"format": "mixed", "dayfirst": True}
            parsed[mask] = pd.to_datetime(text[mask], errors="coerce", **kwargs).astype("datetime64[us]")
    return parsed, ~present | parsed.notna()


@by_distinct
def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates in ``YYYY-MM-DD``, ``DD/MM/YYYY`` or Blade ``2022-Sep-28 00:00:00`` form.

    Returns (datetime64 series with NaT for blanks and failures, ok flags).  An
    impossible date such as 31/02/2025 is not ok.
    """
    return _parse_forms(values, DATE_FORMS)


@by_distinct
def parse_timestamps(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Date-times (ISO or ``DD/MM/YYYY HH:MM``) or any accepted date form."""
    return _parse_forms(values, TIMESTAMP_FORMS)


@by_distinct
def parse_integers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers; ``3.0`` is accepted as 3, ``3.5`` and ``x`` are not ok."""
    numbers = pd.to_numeric(values, errors="coerce")
    whole = numbers.notna() & (numbers == numbers.round())
    ok = values.isna() | whole
    return numbers.where(whole).astype("Int64"), ok


def _text_id(text: str) -> int:
    return -(int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big") >> 2) - 1


def parse_ids(values: pd.Series) -> pd.Series:
    """Table ids: whole numbers as COLLECT writes them.

    A key written as other text (``P001``) is not refused: it becomes a stable negative
    number, the same in every module, so parent and child rows still link.
    """
    numbers = pd.to_numeric(values, errors="coerce")
    whole = numbers.notna() & (numbers == numbers.round())
    ids = numbers.where(whole).astype("Int64")
    other = values.notna() & ~whole
    if other.any():
        ids[other] = values[other].map(_text_id).astype("Int64")
    return ids


@by_distinct
def parse_floats(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Decimal numbers; text that is not a number is not ok."""
    numbers = pd.to_numeric(values, errors="coerce")
    return numbers.astype("Float64"), values.isna() | numbers.notna()


@by_distinct
def parse_flags(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``1/0``, ``true/false`` (any case) and ``Y/N`` to booleans; blank stays missing."""
    upper = values.str.upper()
    flags = pd.Series(pd.NA, index=values.index, dtype="boolean")
    flags[upper.isin(TRUE_WORDS)] = True
    flags[upper.isin(FALSE_WORDS)] = False
    return flags, values.isna() | flags.notna()


@by_distinct
def normalise_codes(values: pd.Series) -> pd.Series:
    """Codes are compared in upper case (``y`` is ``Y``); whole numbers lose a ``.0``."""
    upper = values.str.upper()
    return upper.str.replace(r"^(\d+)\.0$", r"\1", regex=True)


def year_month(dates: pd.Series) -> pd.Series:
    """A date reduced to ``YYYY-MM`` text (date of birth is kept no finer than this)."""
    return dates.dt.strftime("%Y-%m").where(dates.notna(), None)
