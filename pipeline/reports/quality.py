"""The validation report a person reads: one row a problem, in plain words.

Written per run as ``validation-report.csv`` (for machines) and ``validation-report.md``
(for people): each delivery's outcome, then each finding with its file, column, rule,
rows affected, sample line numbers and a sentence.  It never shows row values, so it
cannot leak an identifier.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from pipeline.feeds.contracts import Finding
from pipeline.files import write_text_atomic
from pipeline.warehouse.load import Outcome

REPORT_COLUMNS = ("feed", "delivery", "status", "file", "column", "rule", "severity", "rows_affected",
                  "sample_rows", "sentence")


def report_rows(outcomes: list[Outcome], loose: list[Finding] = ()) -> list[dict]:
    """Flatten outcomes and their findings into report rows (deliveries in order).

    A delivery loaded by an earlier run is reported as loaded, with the findings of
    when it was checked, so re-running a month gives the same report.
    """
    rows = []
    for outcome in outcomes:
        status = "loaded" if outcome.status == "unchanged" else outcome.status
        base = {"feed": outcome.feed, "delivery": outcome.delivery, "status": status}
        if not outcome.findings:
            rows.append({**base, "sentence": f"{status}: no problems found"})
        for f in outcome.findings:
            rows.append({**base, **_finding_cells(f)})
    for f in loose:
        rows.append({"feed": f.feed, "delivery": "", "status": "not read", **_finding_cells(f)})
    return rows


def _finding_cells(f: Finding) -> dict:
    return {"file": f.file, "column": f.column, "rule": f.rule, "severity": f.severity,
            "rows_affected": "" if f.rows_affected is None else f.rows_affected,
            "sample_rows": " ".join(map(str, f.sample_rows)), "sentence": f.sentence}


def render_markdown(rows: list[dict], title: str) -> str:
    """The report for people: refused deliveries first, then warnings, then the rest."""
    lines = [f"# {title}", ""]
    refused = [r for r in rows if r.get("severity") == "blocking"]
    warnings = [r for r in rows if r.get("severity") == "warning"]
    lines += [f"{len(refused)} blocking problem(s), {len(warnings)} warning(s).", ""]
    for heading, group in (("Refused: blocking problems", refused), ("Warnings", warnings)):
        if group:
            lines += [f"## {heading}", ""]
            lines += [f"- **{r['feed']} {r['delivery']}**, {r['file']}, column `{r['column'] or '-'}`, "
                      f"rule *{r['rule']}*: {r['sentence']}" for r in group]
            lines.append("")
    lines += ["## Deliveries", "", "| feed | delivery | status |", "|---|---|---|"]
    seen = set()
    for r in rows:
        if (r["feed"], r["delivery"]) not in seen and r["delivery"]:
            seen.add((r["feed"], r["delivery"]))
            lines.append(f"| {r['feed']} | {r['delivery']} | {r['status']} |")
    return "\n".join(lines) + "\n"


def write_report(rows: list[dict], folder: Path, title: str) -> Path:
    """Write ``validation-report.csv`` and ``.md`` into ``folder``; returns the .md path."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REPORT_COLUMNS, restval="")
    writer.writeheader()
    writer.writerows(rows)
    write_text_atomic(folder / "validation-report.csv", buffer.getvalue())
    write_text_atomic(folder / "validation-report.md", render_markdown(rows, title))
    return folder / "validation-report.md"
