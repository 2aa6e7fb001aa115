"""Milestone status words at their boundaries (MEASURES.md), worked by hand."""
from __future__ import annotations

from datetime import date

import pytest

from pipeline.plan import Milestone
from pipeline.programme import (AT_RISK, COMPLETE, NOT_STARTED, ON_TRACK, OVERDUE, Update, milestone_status)

DUE = date(2026, 10, 31)
ONCE = Milestone("1.1.1.1", "Launch the strategy", DUE)
MONTHLY = Milestone("1.1.2.1", "Report to the board", date(2026, 6, 30), "month")


def update(status, **more):
    return Update("1.1.1.1", status, **more)


@pytest.mark.parametrize("as_at, tracker, word, days_late", [
    (date(2026, 10, 31), None, AT_RISK, 0),                         # due today, not started: not yet overdue
    (date(2026, 11, 1), None, OVERDUE, 1),                          # the day after: overdue by one day
    (date(2026, 10, 1), None, AT_RISK, 0),                          # due in exactly 30 days, not started
    (date(2026, 9, 30), None, NOT_STARTED, 0),                      # due in 31 days
    (date(2026, 9, 30), update("in_progress"), ON_TRACK, 0),
    (date(2026, 10, 31), update("in_progress"), ON_TRACK, 0),       # in progress on the day it is due
    (date(2026, 9, 1), update("blocked"), AT_RISK, 0),              # blocked, however far off
    (date(2026, 11, 15), update("blocked"), OVERDUE, 15),           # blocked and past due: overdue
    (date(2026, 11, 15), update("in_progress", revised_due_date=date(2026, 12, 31)), ON_TRACK, 0),
    (date(2027, 1, 2), update("in_progress", revised_due_date=date(2026, 12, 31)), OVERDUE, 2),
])
def test_status_words_at_the_boundaries(as_at, tracker, word, days_late):
    got = milestone_status(ONCE, tracker, as_at)
    assert (got.word, got.days_late) == (word, days_late)


def test_a_revised_date_is_judged_on_but_the_original_decides_on_time():
    on_time = milestone_status(ONCE, update("complete", updated_on=date(2026, 10, 31)), date(2026, 12, 1))
    late = milestone_status(ONCE, update("complete", updated_on=date(2026, 11, 20),
                                         revised_due_date=date(2026, 11, 30)), date(2026, 12, 1))
    assert (on_time.word, on_time.completed_on_time) == (COMPLETE, True)
    assert (late.word, late.completed_on_time, late.due) == (COMPLETE, False, date(2026, 11, 30))


def test_a_recurring_milestone_is_met_when_updated_since_its_latest_occurrence():
    as_at = date(2026, 10, 15)  # latest occurrence 30 September
    met = milestone_status(MONTHLY, Update("1.1.2.1", "in_progress", updated_on=date(2026, 9, 30)), as_at)
    missed = milestone_status(MONTHLY, Update("1.1.2.1", "in_progress", updated_on=date(2026, 8, 31)), as_at)
    assert (met.word, met.due) == (ON_TRACK, date(2026, 9, 30))
    assert (missed.word, missed.days_late) == (OVERDUE, 15)
    first_not_yet = milestone_status(MONTHLY, None, date(2026, 5, 1))  # first occurrence in 60 days
    assert first_not_yet.word == NOT_STARTED


def test_an_unknown_tracker_status_is_refused():
    with pytest.raises(ValueError, match="tracker status 'done' is not one of"):
        milestone_status(ONCE, update("done"), DUE)
