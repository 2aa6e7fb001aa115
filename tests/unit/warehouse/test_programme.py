"""Milestone status words at their boundaries (MEASURES.md), worked by hand."""
from __future__ import annotations

from datetime import date

import pytest

from pipeline.definitions.plan import Milestone
from pipeline.warehouse.programme import AT_RISK, COMPLETE, NOT_STARTED, ON_TRACK, OVERDUE, Update, milestone_status

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


def test_the_exception_report_names_action_lead_slip_and_update(tmp_path):
    import pandas as pd

    from pipeline.warehouse import db, programme
    from pipeline.reports.programme_pack import programme_section

    engine = db.get_engine(f"duckdb:///{tmp_path / 'w.duckdb'}")
    db.ensure_schema(engine)
    plan = pd.DataFrame([
        {"milestone_id": "4.1.5.1", "action_ref": "4.1.5", "focus_area_ref": "4.1", "area_ref": "4",
         "milestone_text": "Set a baseline", "due_date": date(2026, 9, 30), "recurrence": None,
         "action_title": "Strengthen pathways", "action_leads": "Head of Children's Community Services",
         "area_title": "The long waiting times for some therapies"},
        {"milestone_id": "4.1.5.2", "action_ref": "4.1.5", "focus_area_ref": "4.1", "area_ref": "4",
         "milestone_text": "Deep dive", "due_date": date(2026, 8, 31), "recurrence": None,
         "action_title": "Strengthen pathways", "action_leads": "Head of Children's Community Services",
         "area_title": "The long waiting times for some therapies"}])
    tracker = pd.DataFrame([
        {"milestone_id": "4.1.5.1", "status": "IN_PROGRESS", "revised_due_date": None,
         "update_note": "Waiting for the data", "updated_on": date(2026, 10, 20), "updated_by_role": "officer"},
        {"milestone_id": "4.1.5.2", "status": "COMPLETE", "revised_due_date": None, "update_note": "Done",
         "updated_on": date(2026, 8, 30), "updated_by_role": "officer"}])
    risks = pd.DataFrame([{"risk_id": "R1", "title": "Therapy vacancies", "owner_role": "ICB lead", "likelihood": 3,
                           "impact": 5, "target_likelihood": 2, "target_impact": 2, "mitigation": "",
                           "linked_refs": "4.2.1", "status": "OPEN", "reviewed_on": date(2026, 10, 1)}])
    db.replace_rows(engine, "src_programme__plan", plan, {})
    db.replace_rows(engine, "src_programme__tracker", tracker, {})
    db.replace_rows(engine, "src_programme__risks", risks, {})
    with engine.begin() as conn:
        assert programme.write_statuses(conn, "2026-10") == 2
    section = programme_section(engine, "2026-10", {"summary": []}, [])
    engine.dispose()
    summary, = section["summary"]["rows"]
    assert [c["text"] for c in summary["cells"]] == ["1", "0", "0", "0", "1", "2"]  # complete ... overdue, all
    row, = section["milestones"]["rows"]
    assert row["header"] == "4.1.5.1"
    assert [c["text"] for c in row["cells"]] == [
        "overdue", "Set a baseline", "4.1.5 Strengthen pathways", "Head of Children's Community Services",
        "32 days late", "Waiting for the data"]  # judged 1 November: 30 Sep + 32 days
    risk, = section["risks"]["rows"]
    assert risk["cells"][2]["text"] == "15 (3 × 5)" and risk["cells"][3]["text"] == "4"


def test_a_measure_of_an_area_getting_worse_or_failing_its_target_is_an_exception():
    from pipeline.analysis.oba import Area
    from pipeline.reports.programme_pack import _measure_exceptions
    from pipeline.reports.spc_chart import ASSURANCE_SHORT, VARIATION_SHORT

    def row(title, measure_id, variation, assurance):
        return {"header": title, "measure_id": measure_id, "variation": variation, "assurance": assurance,
                "cells": [{"text": "166"}, {}, {}, {}, {"text": VARIATION_SHORT[variation]},
                          {"text": ASSURANCE_SHORT[assurance]}]}

    spc = {"summary": [row("Children waiting: speech and language therapy", "therapy_waiting", "concern_high", None),
                       row("New EHC plans issued within 20 weeks (%)", "ehcp_20wk_6m", "common_cause",
                           "consistently_failing"),
                       row("Children waiting: occupational therapy", "therapy_waiting", "improvement_low",
                           "hit_and_miss")]}
    areas = [Area("4", "The long waiting times for some therapies", ("therapy_waiting",)),
             Area("1", "Strategy", ("ehcp_20wk_6m",))]
    rows = _measure_exceptions(spc, areas)
    assert [(r["header"], r["cells"][0]["text"]) for r in rows] == [
        ("Children waiting: speech and language therapy", "4. The long waiting times for some therapies"),
        ("New EHC plans issued within 20 weeks (%)", "1. Strategy")]


def test_a_broken_tracker_is_refused_with_its_line_and_column(tmp_path):
    from pipeline.feeds.land import Landed
    from pipeline.warehouse.load import check_delivery

    path = tmp_path / "tracker.csv"
    path.write_text("milestone_id,status,revised_due_date,update_note,updated_on,updated_by_role\n"
                    "1.1.1.1,complete,,Done,2026-10-01,Officer\n"
                    "1.1.1.2,finished,,Done,2026-10-02,Officer\n", encoding="utf-8")
    landed = Landed("programme", "tracker", 1, {"tracker": path}, {}, changed=True)
    frames, findings = check_delivery(landed, b"key")
    blocking = [f for f in findings if f.blocking]
    assert blocking and blocking[0].column == "status" and blocking[0].sample_rows == [3]
    assert "status outside its code list" in blocking[0].sentence
