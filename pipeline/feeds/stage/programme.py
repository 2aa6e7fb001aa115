"""Stage the programme feed: the plan (YAML, one row a milestone) and its CSV files.

The plan is read and checked by :func:`pipeline.definitions.plan.load_plan`; a plan it refuses is
refused whole, with its sentence (file, line, what to write).  Its milestones are then typed
like any CSV column, so the Great Expectations suite ``programme.plan`` checks them too.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.definitions.plan import PlanError, load_plan
from pipeline.feeds.contracts import Finding, Table
from pipeline.feeds.reading import UnreadableFile
from pipeline.feeds.stage import stage_file, stage_frame


def plan_text_frame(path: Path, table: Table) -> pd.DataFrame:
    """The plan's milestones as text columns (index = position in the plan, from 1)."""
    try:
        plan = load_plan(path)
    except PlanError as exc:
        raise UnreadableFile(Finding(table.feed, path.name, "", "the plan reads", "blocking", None, [],
                                     f"{exc} Nothing of the plan was loaded.")) from exc
    rows = []
    for area in plan.areas:
        for focus in area.focus_areas:
            for action in focus.actions:
                for milestone in action.milestones:
                    rows.append({"milestone_id": milestone.id, "action_ref": action.ref,
                                 "focus_area_ref": focus.ref, "area_ref": area.ref, "milestone_text": milestone.text,
                                 "due_date": milestone.due.isoformat() if milestone.due else None,
                                 "recurrence": milestone.every, "action_title": action.title,
                                 "action_leads": "; ".join(action.leads) or None, "area_title": area.title})
    frame = pd.DataFrame(rows, columns=[c.name for c in table.columns], dtype="str")
    frame.index = range(1, len(frame) + 1)
    return frame


def stage_programme(path: Path, table: Table, key: bytes) -> tuple[pd.DataFrame, list[Finding]]:
    """Stage one programme file: the plan from YAML, the others as CSV."""
    if table.name == "plan":
        return stage_frame(plan_text_frame(path, table), table, key, None), []
    return stage_file(path, table, key, None)
