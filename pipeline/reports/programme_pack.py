"""The programme half of the monthly pack: the summary by area of concern, and the exception
report (reporting by exception, as the board asks).

An exception is raised automatically for a milestone that is overdue or at risk, an open
risk scoring 15 or more, and a measure of an area of concern whose SPC chart shows special
cause concern or fails its target (assurance).  Each names what it belongs to, its lead,
how long it has slipped and the latest update note.
"""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from pipeline.analysis.oba import Area
from pipeline.analysis.spc import CONCERN, FAIL
from pipeline.reports.formatting import date_label, period_label
from pipeline.warehouse.db import read_sql_frame
from pipeline.warehouse.programme import AT_RISK, COMPLETE, NOT_STARTED, ON_TRACK, OVERDUE

STATUS_ORDER = (COMPLETE, ON_TRACK, NOT_STARTED, AT_RISK, OVERDUE)
STATUS_CSS = {COMPLETE: "status-ok", ON_TRACK: "status-ok", NOT_STARTED: "", AT_RISK: "status-warn",
              OVERDUE: "status-bad"}
RISK_APPETITE = 15


def read_statuses(engine: sa.Engine, period: str) -> pd.DataFrame:
    """The period's milestone statuses with their plan entries."""
    return read_sql_frame(engine, """
        select s.milestone_id, s.action_ref, s.area_ref, s.status, s.due_date, s.days_late, s.update_note,
               p.milestone_text, p.action_title, p.action_leads, p.area_title
        from programme_status s
        join src_programme__plan p on p.milestone_id = s.milestone_id
        where s.period = :p
        order by s.milestone_id""", {"p": period})


def _cell(text: object, css: str = "") -> dict:
    return {"text": "" if text is None else str(text), "css": css}


def _summary(statuses: pd.DataFrame, period: str) -> dict:
    rows = []
    for (area_ref, title), group in statuses.groupby(["area_ref", "area_title"], sort=True):
        counts = group["status"].value_counts()
        rows.append({"header": f"{area_ref}. {title}", "badge": "", "cells": [
            _cell(int(counts.get(word, 0)), "num") for word in STATUS_ORDER] + [_cell(len(group), "num")]})
    return {"caption": f"Milestones by status and area of concern, judged on the day after {period_label(period)} "
                       "ended", "css": "summary", "note": "",
            "columns": ["Area of concern", *[w.capitalize() for w in STATUS_ORDER], "All"], "rows": rows}


def _milestone_exceptions(statuses: pd.DataFrame) -> list[dict]:
    late = statuses[statuses["status"].isin([OVERDUE, AT_RISK])].copy()
    late["rank"] = late["status"].map({OVERDUE: 0, AT_RISK: 1})
    rows = []
    for r in late.sort_values(["rank", "days_late"], ascending=[True, False]).itertuples():
        due = pd.Timestamp(r.due_date).date() if pd.notna(r.due_date) else None
        slipped = f"{int(r.days_late)} days late" if r.status == OVERDUE else f"due {date_label(due)}" if due else "-"
        rows.append({"header": f"{r.milestone_id}", "badge": "", "cells": [
            _cell(r.status, f"status {STATUS_CSS[r.status]}"), _cell(r.milestone_text),
            _cell(f"{r.action_ref} {r.action_title}"), _cell(r.action_leads or "lead not named in the plan"),
            _cell(slipped), _cell(r.update_note or "no update recorded")]})
    return rows


BOARD_EXCEPTIONS = 10  # the board PDF lists the worst milestones; the annex and the HTML twin list every one


def _board_exceptions(rows: list[dict]) -> dict:
    """The worst milestone exceptions in fewer columns (id, status, what, lead, slipped) for the board PDF."""
    shown = [{**row, "cells": [row["cells"][i] for i in (0, 1, 3, 4)]} for row in rows[:BOARD_EXCEPTIONS]]
    more = len(rows) - len(shown)
    note = (f"And {more} more overdue or at risk: the annex lists every one with its action and latest update."
            if more > 0 else "The annex adds each milestone's action and latest update.")
    return {"caption": f"Milestones overdue or at risk ({len(rows)}; the most overdue first)", "css": "exceptions",
            "note": note, "columns": ["Milestone", "Status", "What", "Lead", "Slipped"], "rows": shown}


def _risk_exceptions(engine: sa.Engine) -> list[dict]:
    risks = read_sql_frame(engine, "select risk_id, title, owner_role, likelihood, impact, target_likelihood, "
                                   "target_impact, linked_refs from src_programme__risks where status = 'OPEN' "
                                   "order by likelihood * impact desc, risk_id")
    rows = []
    for r in risks.itertuples():
        score = int(r.likelihood) * int(r.impact)
        if score >= RISK_APPETITE:
            rows.append({"header": r.risk_id, "badge": "", "cells": [
                _cell(r.title), _cell(r.owner_role), _cell(f"{score} ({int(r.likelihood)} × {int(r.impact)})", "num"),
                _cell(int(r.target_likelihood) * int(r.target_impact), "num"), _cell(r.linked_refs or "-")]})
    return rows


def _measure_exceptions(spc: dict, areas: list[Area]) -> list[dict]:
    rows = []
    for summary in spc["summary"]:
        if not ((summary["variation"] or "").startswith(CONCERN) or summary["assurance"] == FAIL):
            continue
        linked = [f"{a.ref}. {a.title}" for a in areas if summary["measure_id"] in a.measures] or [
            "not linked to an area"]
        variation, assurance = summary["cells"][4]["text"], summary["cells"][5]["text"]
        rows.append({"header": summary["header"], "badge": "", "cells": [
            _cell("; ".join(linked)), _cell(variation), _cell(assurance), _cell(summary["cells"][0]["text"], "num")]})
    return rows


def programme_section(engine: sa.Engine, period: str, spc: dict, areas: list[Area]) -> dict:
    """The programme summary and the exception report, as template context."""
    statuses = read_statuses(engine, period)
    if statuses.empty:
        return {"available": False}
    milestones = _milestone_exceptions(statuses)
    return {
        "available": True,
        "summary": _summary(statuses, period),
        "milestones": {"caption": "Milestones overdue or at risk", "css": "exceptions", "note": "",
                       "columns": ["Milestone", "Status", "What", "Action", "Lead", "Slipped", "Latest update"],
                       "rows": milestones},
        "milestones_board": _board_exceptions(milestones),
        "risks": {"caption": f"Open risks scoring {RISK_APPETITE} or more (likelihood × impact)", "css": "exceptions",
                  "note": "", "columns": ["Risk", "Title", "Owner", "Score now", "Target score", "Plan actions"],
                  "rows": _risk_exceptions(engine)},
        "measures": {"caption": "Measures showing a real change for the worse, or failing their target",
                     "css": "exceptions", "note": "",
                     "columns": ["Measure", "Area of concern", "Variation", "Assurance", "Latest"],
                     "rows": _measure_exceptions(spc, areas)},
    }
