"""Waiting for a month's deliveries: the cut-off, the snapshot window, and the trigger."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest

from pipeline.orchestration import waiting


def test_the_cutoff_is_the_seventh_working_day_at_six(monkeypatch):
    monkeypatch.delenv("SEND_FEED_CUTOFF_WORKING_DAY", raising=False)
    # November 2026: 1 Dec is a Tuesday; working days 1,2,3,4,7,8,9 -> Wednesday 9 December
    assert waiting.cutoff("2026-11") == datetime(2026, 12, 9, 6, tzinfo=timezone.utc)
    # October 2026: 1 Nov is a Sunday; 2,3,4,5,6,9,10 -> Tuesday 10 November
    assert waiting.cutoff("2026-10") == datetime(2026, 11, 10, 6, tzinfo=timezone.utc)
    monkeypatch.setenv("SEND_FEED_CUTOFF_WORKING_DAY", "1")
    assert waiting.cutoff("2026-10") == datetime(2026, 11, 2, 6, tzinfo=timezone.utc)


def _inbox(tmp_path, *names):
    folder = tmp_path / "therapies"
    folder.mkdir(parents=True)
    for name in names:
        (folder / name).write_text("x\n")
    return tmp_path


def test_a_delivery_counts_only_inside_the_months_window(tmp_path):
    inbox = _inbox(tmp_path, "therapy_referrals_05-10-2026.csv", "therapy_referrals_02-12-2026.csv")
    assert not waiting.arrived("therapies", "2026-10", inbox)  # 5 Oct is before the end; 2 Dec is 32 days after
    (inbox / "therapies" / "therapy_referrals_31-10-2026.csv").write_text("x\n")
    assert waiting.arrived("therapies", "2026-10", inbox)  # the period's last day counts


def test_the_decision_waits_until_the_cutoff_and_never_for_undated_feeds(tmp_path):
    inbox = _inbox(tmp_path)
    before = datetime(2026, 11, 10, 5, 59, tzinfo=timezone.utc)
    assert waiting.decision("therapies", "2026-10", inbox, before) == "wait"
    assert waiting.decision("therapies", "2026-10", inbox, datetime(2026, 11, 10, 6, tzinfo=timezone.utc)) == "cutoff"
    assert waiting.decision("school_census", "2026-10", inbox, before) == "arrived"


def test_the_trigger_fires_when_the_file_arrives(tmp_path):
    inbox = _inbox(tmp_path)
    trigger = waiting.InboxTrigger("therapies", "2030-10", str(inbox), poll_seconds=0.05)
    assert trigger.serialize()[0] == "pipeline.orchestration.waiting.InboxTrigger"

    async def first_event():
        runner = trigger.run().__aiter__()
        task = asyncio.ensure_future(runner.__anext__())
        await asyncio.sleep(0.2)
        assert not task.done()  # still waiting: nothing in the window, the cut-off far ahead
        (inbox / "therapies" / "therapy_referrals_05-11-2030.csv").write_text("x\n")
        return await asyncio.wait_for(task, 5)

    event = asyncio.run(first_event())
    assert event.payload == {"feed": "therapies", "period": "2030-10", "status": "arrived"}


def test_a_zero_working_day_is_refused(monkeypatch):
    monkeypatch.setenv("SEND_FEED_CUTOFF_WORKING_DAY", "0")
    with pytest.raises(ValueError, match="1 or more"):
        waiting.cutoff("2026-10")
