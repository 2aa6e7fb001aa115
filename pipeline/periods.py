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


def period_start(period: str) -> date:
    """The first day of the period."""
    year, month = parse_period(period)
    return date(year, month, 1)


def period_end(period: str) -> date:
    """PE: the last day of the period."""
    year, month = parse_period(period)
    return date(year, month, calendar.monthrange(year, month)[1])
