"""Programme tracking: a milestone's status word on a given day (MEASURES.md, "Status words").

:func:`milestone_status` is the one definition of the five words: **complete**, **overdue**
(past its due date and not complete), **at risk** (due within 30 days and not started, or
marked blocked), **not started** and **on track** (in progress and not due yet).  The due
date is the revised one when the tracker gives one (the original stays on the plan), and
for a recurring milestone the latest occurrence on or before the day: it is met when the
tracker was updated on or after that occurrence.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pipeline.plan import Milestone, occurrences

COMPLETE, OVERDUE, AT_RISK, NOT_STARTED, ON_TRACK = "complete", "overdue", "at risk", "not started", "on track"
TRACKER_STATUSES = ("not_started", "in_progress", "complete", "blocked")
AT_RISK_DAYS = 30


@dataclass(frozen=True)
class Update:
    """A milestone's latest row of ``tracker.csv``."""

    milestone_id: str
    status: str  # not_started | in_progress | complete | blocked
    revised_due_date: date | None = None
    update_note: str = ""
    updated_on: date | None = None


@dataclass(frozen=True)
class Status:
    """A milestone's standing on a day."""

    word: str
    due: date | None  # the date it is judged against (revised, or the latest occurrence)
    days_late: int  # days past the due date (0 when not late)
    completed_on_time: bool | None  # None until complete


def milestone_status(milestone: Milestone, update: Update | None, as_at: date) -> Status:
    """The status word of a milestone on ``as_at`` from its plan entry and its tracker update."""
    state = update.status if update else "not_started"
    if state not in TRACKER_STATUSES:
        raise ValueError(f"tracker status {state!r} is not one of {', '.join(TRACKER_STATUSES)}")
    due = _due(milestone, update, as_at)
    if milestone.every is not None and due is not None and due <= as_at and state != "complete":
        updated = update.updated_on if update else None
        if updated is not None and updated >= due and state != "blocked":  # reported since the latest occurrence
            return Status(ON_TRACK, due, 0, None)
    if state == "complete":
        done = update.updated_on if update else None
        on_time = None if done is None or milestone.due is None else done <= milestone.due
        return Status(COMPLETE, due, 0, on_time)
    if due is not None and due < as_at:
        return Status(OVERDUE, due, (as_at - due).days, None)
    if state == "blocked" or (state == "not_started" and due is not None and (due - as_at).days <= AT_RISK_DAYS):
        return Status(AT_RISK, due, 0, None)
    return Status(NOT_STARTED if state == "not_started" else ON_TRACK, due, 0, None)


def _due(milestone: Milestone, update: Update | None, as_at: date) -> date | None:
    if update is not None and update.revised_due_date is not None:
        return update.revised_due_date
    if milestone.every is not None:
        past = occurrences(milestone, as_at)
        return past[-1] if past else milestone.due
    return milestone.due
