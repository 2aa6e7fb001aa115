"""Typing text columns: date forms, impossible dates, whole numbers, flags, codes."""
import pandas as pd

from pipeline.feeds.parsing import normalise_codes, parse_dates, parse_flags, parse_integers, year_month


def _s(*values):
    return pd.Series(list(values), dtype=object)


def test_each_accepted_date_form_is_read_on_its_own():
    dates, ok = parse_dates(_s("2025-01-31", "31/01/2025", "2025-Jan-31 00:00:00", None))
    assert list(dates[:3].dt.date.astype(str)) == ["2025-01-31"] * 3
    assert pd.isna(dates[3]) and ok.all()


def test_impossible_and_unaccepted_dates_are_not_ok():
    _, ok = parse_dates(_s("31/02/2025", "2025-13-01", "20250131", "Jan 31 2025", "2025-02-29"))
    assert not ok.any()


def test_integers_and_flags():
    numbers, ok = parse_integers(_s("3", "3.0", "3.5", "x", None))
    assert list(ok) == [True, True, False, False, True]
    assert numbers[1] == 3
    flags, ok = parse_flags(_s("1", "0", "TRUE", "false", None, "maybe"))
    assert list(flags[:4]) == [True, False, True, False] and list(ok) == [True] * 5 + [False]


def test_codes_and_year_month():
    assert list(normalise_codes(_s("y", "1.0", "SLT"))) == ["Y", "1", "SLT"]
    dates, _ = parse_dates(_s("2014-03-09"))
    assert year_month(dates)[0] == "2014-03"
