"""Waiting for a month's deliveries before building its pack.

A month's snapshots are dated from its last day to 31 days later, so at 06:00 on the 1st
they have usually not arrived. The monthly DAG's sensors wait for each dated feed's
delivery for the month (council SEND and therapies) until a cut-off: the ``N``th working
day (Monday to Friday) of the next month at 06:00 UTC, ``N`` from
``SEND_FEED_CUTOFF_WORKING_DAY`` (default 7). They wait in the triggerer through
:class:`InboxTrigger`, holding no worker slot; after the cut-off the month is built with
what has arrived and the missing feed is marked stale, as before.
"""
from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

from pipeline.feeds.land import discover_deliveries
from pipeline.periods import parse_period, period_end

log = logging.getLogger(__name__)

WAITED_FEEDS = ("council_send", "therapies", "nccis")  # the dated monthly snapshots (FEEDS.md, "Snapshots")
WINDOW_DAYS = 31
DEFAULT_WORKING_DAY = 7
POLL_SECONDS = 60


def cutoff(period: str, working_day: int | None = None) -> datetime:
    """06:00 UTC on the ``working_day``th Monday-to-Friday of the month after ``period``."""
    n = working_day or int(os.environ.get("SEND_FEED_CUTOFF_WORKING_DAY", DEFAULT_WORKING_DAY))
    if n < 1:
        raise ValueError(f"SEND_FEED_CUTOFF_WORKING_DAY must be 1 or more, not {n}")
    day = period_end(period) + timedelta(days=1)
    count = 0
    while True:
        if day.weekday() < 5:
            count += 1
            if count == n:
                return datetime.combine(day, time(6), tzinfo=timezone.utc)
        day += timedelta(days=1)


def arrived(feed: str, period: str, inbox: Path) -> bool:
    """True when the inbox holds a delivery of ``feed`` dated in the month's snapshot window."""
    parse_period(period)
    end = period_end(period)
    deliveries, _ = discover_deliveries(Path(inbox), (feed,))
    return any(_in_window(d.extract_date, end) for d in deliveries)


def _in_window(extract: date | None, end: date) -> bool:
    return extract is not None and 0 <= (extract - end).days <= WINDOW_DAYS


def decision(feed: str, period: str, inbox: Path, now: datetime) -> str:
    """``arrived``, ``cutoff`` (stop waiting: build without it) or ``wait``."""
    if feed not in WAITED_FEEDS or arrived(feed, period, inbox):
        return "arrived"
    return "cutoff" if now >= cutoff(period) else "wait"


class InboxTrigger(BaseTrigger):
    """Polls a feed's inbox folder until the month's delivery is there or the cut-off passes."""

    def __init__(self, feed: str, period: str, inbox: str, poll_seconds: float = POLL_SECONDS) -> None:
        super().__init__()
        self.feed, self.period, self.inbox, self.poll_seconds = feed, period, inbox, poll_seconds

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (f"{__name__}.InboxTrigger",
                {"feed": self.feed, "period": self.period, "inbox": self.inbox, "poll_seconds": self.poll_seconds})

    async def run(self) -> AsyncIterator[TriggerEvent]:
        while True:
            now = datetime.now(timezone.utc)
            state = await asyncio.to_thread(decision, self.feed, self.period, Path(self.inbox), now)
            if state != "wait":
                yield TriggerEvent({"feed": self.feed, "period": self.period, "status": state})
                return
            await asyncio.sleep(self.poll_seconds)


def wait_or_trigger(feed: str, period: str, inbox: Path) -> InboxTrigger | None:
    """None when the task need not wait (arrived, not a waited feed, or past the cut-off); else a trigger."""
    state = decision(feed, period, inbox, datetime.now(timezone.utc))
    if state == "wait":
        log.info("%s: no delivery for %s yet; waiting in the triggerer until %s", feed, period,
                 cutoff(period).isoformat())
        poll = float(os.environ.get("SEND_INBOX_POLL_SECONDS", POLL_SECONDS))
        return InboxTrigger(feed, period, str(inbox), poll)
    log.info("%s for %s: %s", feed, period, "arrived" if state == "arrived" else
             "not arrived by the cut-off; the month is built without it (marked stale)")
    return None


def report(event: dict | None) -> str:
    """The log line for a trigger's event."""
    event = event or {}
    if event.get("status") == "arrived":
        return f"{event.get('feed')}: the delivery for {event.get('period')} arrived"
    return (f"{event.get('feed')}: no delivery for {event.get('period')} by the cut-off; "
            "the month is built without it and the pack marks it stale")
