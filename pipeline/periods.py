"""Reporting periods: a period is a calendar month ``YYYY-MM``; PE is its last day."""
from __future__ import annotations

import calendar
import re
from datetime import date


class PeriodError(ValueError):
    """A period that is not a calendar month written ``YYYY-MM``."""


def parse_period(period: str) -> tuple[int, int]:
    """Year and month of ``YYYY-MM``; raises ``PeriodError`` with what to type instead."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", period or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise PeriodError(f"period '{period}' is not a month written YYYY-MM, e.g. 2026-10")
    return int(match.group(1)), int(match.group(2))


def ends_quarter(period: str) -> bool:
    """Whether ``period`` is a quarter's last month (March, June, September, December)."""
    return parse_period(period)[1] % 3 == 0


def shift_period(period: str, months: int) -> str:
    """The month ``months`` after (or, when negative, before) ``period``."""
    year, month = parse_period(period)
    index = year * 12 + month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive; raises ``PeriodError`` when ``first`` is later."""
    first_year, first_month = parse_period(first)
    last_year, last_month = parse_period(last)
    count = (last_year - first_year) * 12 + last_month - first_month
    if count < 0:
        raise PeriodError(f"the first month {first} is after the last month {last}")
    return [shift_period(first, n) for n in range(count + 1)]


def period_start(period: str) -> date:
    """The first day of the period."""
    year, month = parse_period(period)
    return date(year, month, 1)


def period_end(period: str) -> date:
    """PE: the last day of the period."""
    year, month = parse_period(period)
    return date(year, month, calendar.monthrange(year, month)[1])
