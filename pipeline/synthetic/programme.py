"""Synthetic programme files for the demo: the shipped plan, and a tracker, risks, evidence
and feedback that look like a programme office's at the end of the demo period.

Deterministic (the same seed gives the same bytes).  Most milestones are complete (some
late), some were revised to later dates and are in progress, a few are overdue or blocked;
recurring reports are up to date except one.  The texts of risks, evidence and feedback are
plausible but invented for the demo, and say so.
"""
from __future__ import annotations

import csv
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

from pipeline.definitions.plan import PLAN_PATH, load_plan, occurrences

RISKS = [
    ("Therapy workforce vacancies lengthen waits for speech and language therapy", "4.2.1", 4, 4, 2, 3),
    ("Rising requests for assessment outpace the council's capacity to meet 20 weeks", "1.1.3", 4, 3, 2, 2),
    ("Partners' data arrive late for the monthly board pack", "1.2.3", 3, 3, 1, 2),
    ("Preparing-for-adulthood pathway lacks agreed post-19 measures", "2.1.3", 3, 4, 2, 3),
    ("Parent carer forum capacity to co-produce every workstream", "3.2.1", 3, 3, 2, 2),
    ("Local offer website content falls out of date", "3.3.1", 2, 3, 1, 2),
    ("Funding for the graduated approach training ends before schools complete it", "4.1.4", 3, 5, 2, 3),
    ("Independent special school placements grow faster than planned", "1.1.2", 3, 4, 2, 3),
]
EVIDENCE = [
    ("SEND strategy launch: board minutes and strategy document", "1.1.1", "minutes"),
    ("Performance data dashboard, monthly board pack", "1.2.3", "report"),
    ("Preparing for adulthood skills audit summary", "2.1.1", "report"),
    ("Communication plan and newsletter archive", "3.1.1", "document"),
    ("Co-production charter signed by partners", "3.2.1", "document"),
    ("Local offer website review findings", "3.3.1", "report"),
    ("Therapies data dashboard specification", "4.1.3", "document"),
    ("SPC report on speech and language therapy waits", "4.1.3", "report"),
    ("Therapy workforce review and skills ladder", "4.2.1", "report"),
    ("Deep dive stocktake of services with long waits", "4.1.5", "report"),
]
FEEDBACK = [
    ("Communication", "We didn't know who to contact about our child's plan.",
     "Every family now has a named SEND officer in the plan's covering letter.",
     "Named officers since spring.", "3.1.1"),
    ("Therapies", "We waited months for speech and language therapy with no news.",
     "Families on the waiting list get a letter every three months with advice.", "", "4.1.5"),
    ("Local offer", "The local offer website was hard to search.",
     "The website is being rebuilt with parents testing each page.", "", "3.3.1"),
    ("Preparing for adulthood", "Young people want to hear about jobs and college earlier.",
     "Year 9 reviews now include a preparing-for-adulthood conversation.", "Guidance issued to schools.", "2.1.2"),
    ("Co-production", "Parents want to be involved before decisions are made.",
     "The parent carer forum sits on every workstream.", "Forum members on all four workstreams.", "3.2.1"),
]
NOTE = "(synthetic demo data)"


def write_programme(out: Path, seed: int, end: date) -> dict[str, int]:
    """Write plan.yaml, tracker.csv, risks.csv, evidence.csv and feedback.csv into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PLAN_PATH, out / "plan.yaml")
    rng = random.Random(seed * 7919 + 5)
    tracker = [_tracker_row(milestone, rng, end) for _, milestone in load_plan(PLAN_PATH).milestones()]
    _write(out / "tracker.csv", ["milestone_id", "status", "revised_due_date", "update_note", "updated_on",
                                 "updated_by_role"], tracker)
    risks = [{"risk_id": f"R{n:02d}", "title": f"{title} {NOTE}", "owner_role": "Programme lead",
              "likelihood": likelihood, "impact": impact, "target_likelihood": tl, "target_impact": ti,
              "mitigation": "Actions in the linked plan refs; reviewed monthly at the SEND operations group.",
              "linked_refs": ref, "status": "open",
              "reviewed_on": (end - timedelta(days=rng.randint(3, 40))).isoformat()}
             for n, (title, ref, likelihood, impact, tl, ti) in enumerate(RISKS, 1)]
    _write(out / "risks.csv", list(risks[0]), risks)
    evidence = [{"evidence_id": f"E{n:02d}", "title": f"{title} {NOTE}", "linked_refs": ref, "kind": kind,
                 "location": "SEND partnership shared drive", "added_on": (end - timedelta(days=20 * n)).isoformat()}
                for n, (title, ref, kind) in enumerate(EVIDENCE, 1)]
    _write(out / "evidence.csv", list(evidence[0]), evidence)
    feedback = [{"id": f"F{n:02d}", "received_on": (end - timedelta(days=45 * n)).isoformat(), "theme": theme,
                 "you_said": f"{said} {NOTE}", "we_are_doing": doing, "we_did": did,
                 "status": "done" if did else "in_progress", "linked_refs": ref}
                for n, (theme, said, doing, did, ref) in enumerate(FEEDBACK, 1)]
    _write(out / "feedback.csv", list(feedback[0]), feedback)
    return {"plan": len(tracker), "tracker": len(tracker), "risks": len(risks), "evidence": len(evidence),
            "feedback": len(feedback)}


def _tracker_row(milestone, rng: random.Random, end: date) -> dict:
    row = {"milestone_id": milestone.id, "status": "in_progress", "revised_due_date": "", "update_note": "",
           "updated_on": (end - timedelta(days=rng.randint(1, 25))).isoformat(), "updated_by_role": "Programme officer"}
    past = occurrences(milestone, end) if milestone.every is not None else []
    if past:
        latest = past[-1]
        missed = milestone.id.endswith(".3")  # one recurring report is behind
        row["updated_on"] = (latest - timedelta(days=40 if missed else 0)).isoformat()
        row["update_note"] = "Reported to the board as planned." if not missed else "Last two reports not made."
        return row
    draw = rng.random()
    if milestone.due is None or draw < 0.72:
        late = rng.random() < 0.2 and milestone.due is not None
        done = (milestone.due or end - timedelta(days=400)) + timedelta(days=rng.randint(10, 60) if late else
                                                                       -rng.randint(0, 20))
        return {**row, "status": "complete", "updated_on": min(done, end).isoformat(),
                "update_note": "Completed late; agreed by the board." if late else "Completed."}
    if draw < 0.87:  # revised to a later date and in progress
        revised = end + timedelta(days=rng.choice([20, 45, 90, 150]))
        return {**row, "revised_due_date": revised.isoformat(), "update_note": "Revised date agreed by the board."}
    if draw < 0.95:
        return {**row, "update_note": "Delayed: waiting on partner capacity."}  # overdue, in progress
    return {**row, "status": "blocked", "update_note": "Blocked: funding decision awaited."}


def _write(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
