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
from datetime import date, timedelta

import pandas as pd
import sqlalchemy as sa

from pipeline.definitions.plan import Milestone, occurrences

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


# --------------------------------------------------------------------------- a period's statuses


STATUS_COLUMNS = ["period", "milestone_id", "action_ref", "area_ref", "status", "due_date", "original_due_date",
                  "days_late", "completed_on_time", "update_note"]


def status_date(period: str) -> date:
    """The day a period's statuses are judged on: the day after it ends, when its pack is made."""
    from pipeline.periods import period_end

    return period_end(period) + timedelta(days=1)


def period_statuses(plan: pd.DataFrame, tracker: pd.DataFrame, period: str) -> pd.DataFrame:
    """Every milestone's status for ``period`` from the loaded plan and tracker rows."""
    as_at = status_date(period)
    updates = {row.milestone_id: row for row in tracker.itertuples()}
    rows = []
    for m in plan.itertuples():
        milestone = Milestone(m.milestone_id, m.milestone_text, _day(m.due_date),
                              str(m.recurrence).lower() if isinstance(m.recurrence, str) else None)
        tracked = updates.get(m.milestone_id)
        update = None if tracked is None else Update(
            m.milestone_id, str(tracked.status).lower(), _day(tracked.revised_due_date),
            tracked.update_note if isinstance(tracked.update_note, str) else "", _day(tracked.updated_on))
        status = milestone_status(milestone, update, as_at)
        rows.append({"period": period, "milestone_id": m.milestone_id, "action_ref": m.action_ref,
                     "area_ref": m.area_ref, "status": status.word, "due_date": status.due,
                     "original_due_date": milestone.due, "days_late": status.days_late,
                     "completed_on_time": status.completed_on_time,
                     "update_note": update.update_note if update else ""})
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)


def _day(value: object) -> date | None:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def write_statuses(conn: sa.Connection, period: str) -> int:
    """Replace the period's rows of ``programme_status`` (inside the caller's transaction)."""
    from pipeline.warehouse import db

    plan = db.read_sql_frame(conn, "select * from src_programme__plan")
    tracker = db.read_sql_frame(conn, "select * from src_programme__tracker")
    frame = period_statuses(plan, tracker, period)
    db.replace_rows(conn, "programme_status", frame, {"period": period})
    return len(frame)
