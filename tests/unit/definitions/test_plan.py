"""The plan as data: the shipped Blackpool plan is complete, recurrences expand, and a broken
plan file is refused naming its line."""
from __future__ import annotations

from datetime import date

import pytest

from pipeline.definitions.plan import PLAN_PATH, Milestone, PlanError, load_plan, occurrences


@pytest.fixture(scope="module")
def plan():
    return load_plan()


def test_the_shipped_plan_has_every_area_focus_area_action_and_milestone(plan):
    assert plan.kind_words == "Written Statement of Action" and plan.area == "Blackpool"
    assert [a.ref for a in plan.areas] == ["1", "2", "3", "4"]
    assert [f.ref for a in plan.areas for f in a.focus_areas] == [
        "1.1", "1.2", "2.1", "3.1", "3.2", "3.3", "4.1", "4.2"]
    refs = [a.ref for a in plan.actions()]
    assert len(refs) == 30 and refs[0] == "1.1.1" and refs[-1] == "4.2.4"
    assert refs == sorted(refs, key=lambda r: tuple(int(p) for p in r.split(".")))
    assert len(plan.milestones()) == 91
    assert plan.areas[3].title == "The long waiting times for some therapies"


@pytest.mark.parametrize("milestone_id, due, every", [
    ("1.1.1.1", date(2022, 10, 31), None),
    ("1.1.2.1", date(2022, 10, 31), "month"),  # "31/10/22 and then monthly"
    ("4.1.3.4", date(2023, 7, 31), None),  # introduce statistical process control
    ("4.1.2.2", None, None),  # completion date blank in the plan
])
def test_a_sample_of_milestones_and_their_dates(plan, milestone_id, due, every):
    milestone = next(m for _, m in plan.milestones() if m.id == milestone_id)
    assert (milestone.due, milestone.every) == (due, every)


def test_the_plan_holds_roles_not_names(plan):
    text = PLAN_PATH.read_text(encoding="utf-8")
    for surname in ("Gent", "O'Brien", "Barnsley", "Camplin", "Chew", "Gascoyne"):
        assert surname not in text
    assert plan.areas[0].leads and all("," in lead for lead in plan.areas[0].leads)


def test_the_measures_of_success_are_registry_ids(plan):
    focus = {f.ref: f for a in plan.areas for f in a.focus_areas}
    assert "ehcp_20wk_6m" in focus["1.1"].measure_ids and "therapy_over_18w" in focus["4.1"].measure_ids
    assert focus["2.1"].measures_in_development


def test_monthly_and_quarterly_milestones_fall_at_month_ends():
    monthly = Milestone("1.1.2.1", "report", date(2022, 10, 31), "month")
    assert occurrences(monthly, date(2023, 3, 1)) == [date(2022, 10, 31), date(2022, 11, 30), date(2022, 12, 31),
                                                      date(2023, 1, 31), date(2023, 2, 28)]
    quarterly = Milestone("1.2.2.4", "report", date(2022, 11, 30), "quarter")
    assert occurrences(quarterly, date(2023, 9, 1)) == [date(2022, 11, 30), date(2023, 2, 28), date(2023, 5, 31),
                                                        date(2023, 8, 31)]
    mid_month = Milestone("x", "report", date(2023, 1, 15), "month")
    assert occurrences(mid_month, date(2023, 3, 15)) == [date(2023, 1, 15), date(2023, 2, 15), date(2023, 3, 15)]
    assert occurrences(Milestone("y", "once", date(2023, 5, 1)), date(2023, 4, 30)) == []


GOOD = """plan: {name: Test plan, kind: priority_action_plan, area: Testshire}
areas_of_concern:
  - ref: "1"
    title: Waits
    focus_areas:
      - ref: "1.1"
        title: Therapy waits
        measures: [{text: waits, measure_id: therapy_waiting}]
        actions:
          - ref: "1.1.1"
            title: Triage
            leads: [Head of therapies]
            milestones:
              - {id: "1.1.1.1", text: Start, due: 2026-01-31}
"""


def test_a_small_plan_loads_as_a_priority_action_plan(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(GOOD, encoding="utf-8")
    plan = load_plan(path)
    assert plan.kind_words == "priority action plan"
    assert plan.milestones()[0][1].due == date(2026, 1, 31)


@pytest.mark.parametrize("old, new, message", [
    ("kind: priority_action_plan", "kind: improvement_plan", "line 1: kind 'improvement_plan' is not one of"),
    ("due: 2026-01-31", "due: 31/01/26", "line 14: due '31/01/26' is not a date written YYYY-MM-DD"),
    ('{id: "1.1.1.1"', '{id: "1.1.1.2"', "line 14: milestone 1.1.1.2 should be 1.1.1.1"),
    ('ref: "1.1.1"', 'ref: "1.2.1"', "line 10: action 1.2.1 is not numbered under focus area 1.1"),
    ("measure_id: therapy_waiting", "measure_id: waits", "line 8: measure 'waits' is not in the measure registry"),
    ("    title: Waits\n", "", "line 3: An area of concern lacks title"),
    ("title: Triage", "title: Triage\n            owner: Someone", "line 10: An action has unknown key(s) owner"),
    ("due: 2026-01-31}", "due: 2026-01-31, recurrence: {every: fortnight, from: 2026-01-31}}",
     "line 14: recurrence must be {every: month|quarter"),
    ("areas_of_concern:", "areas_of_concern: [", "is not valid YAML"),
])
def test_a_broken_plan_is_refused_naming_the_line(tmp_path, old, new, message):
    path = tmp_path / "plan.yaml"
    assert old in GOOD
    path.write_text(GOOD.replace(old, new), encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    assert message in str(caught.value) and str(path) in str(caught.value)


def test_the_plan_stages_as_one_row_a_milestone_and_a_broken_one_is_refused_whole(tmp_path):
    from pipeline.feeds.contracts import get_table
    from pipeline.feeds.reading import UnreadableFile
    from pipeline.feeds.stage.programme import stage_programme

    table = get_table("programme", "plan")
    frame, notes = stage_programme(PLAN_PATH, table, b"key")
    assert len(frame) == 91 and notes == [] and frame["milestone_id"].is_unique
    monthly = frame.set_index("milestone_id").loc["1.1.2.1"]
    assert (monthly["recurrence"], str(monthly["due_date"].date())) == ("MONTH", "2022-10-31")
    broken = tmp_path / "plan.yaml"
    broken.write_text(GOOD.replace("due: 2026-01-31", "due: 31/01/26"), encoding="utf-8")
    with pytest.raises(UnreadableFile) as caught:
        stage_programme(broken, table, b"key")
    finding = caught.value.finding
    assert finding.blocking and finding.file == "plan.yaml"
    assert "line 14: due '31/01/26' is not a date" in finding.sentence and "Nothing of the plan" in finding.sentence
