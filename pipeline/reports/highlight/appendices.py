"""The highlight report's appendices: data quality (from the validation report) and the data dictionary.
"""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from pipeline.definitions.registry import Measure
from pipeline.reports.formatting import date_label
from pipeline.reports.highlight.blocks import (FEED_LABELS, POLARITY_WORDS, SETTING_LABELS, polarity_text, table_block,
                                               table_row, text_cell)

MAX_FINDINGS = 30
SOURCE_LABELS = {
    "council_send": "Council SEND records (SEN2 extract)",
    "school_census": "School census and exam results",
    "therapies": "Children's therapy services' waiting lists",
    "nccis": "NCCIS records of young people's activity",
    "workforce": "Workforce training records",
    "programme": "The programme's plan and tracker",
}
UNIT_WORDS = {
    "count": "a number", "percent": "a percentage (0 to 100)", "per_10000": "a rate per 10,000 aged 0 to 25",
    "weeks": "weeks", "points": "points",
}
STATUS_WORDS = {"computed": "in this report", "not_yet_computed": "not yet computed",
                "in_development": "in development: not yet in this report"}
DICTIONARY_SECTIONS = {
    "council_send": "EHC plans (council SEND records)", "school_census": "School census and results",
    "therapies": "Children's therapies", "preparing_for_adulthood": "Preparing for adulthood and the workforce",
    "programme": "Programme delivery",
}
DELIVERY_STATUS = {"loaded": ("loaded", "ok"), "refused": ("refused", "bad"), "unchanged": ("loaded", "ok"),
                   "valid": ("valid", "ok"), "not read": ("not read", "warn")}


def read_validation_rows(path: Path | None) -> list[dict[str, str]] | None:
    """The rows of a ``validation-report.csv``, or None when there is no report."""
    if path is None or not Path(path).is_file():
        return None
    with Path(path).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --------------------------------------------------------------------------- appendices


def _delivery_text(delivery: str) -> str:
    try:
        return f"extract of {date_label(date.fromisoformat(delivery))}"
    except ValueError:
        return delivery


def _finding_text(row: dict[str, str]) -> str:
    where = ", ".join(part for part in (
        f"file {row['file']}" if row.get("file") else "",
        f"column {row['column']}" if row.get("column") else "",
        f"{row['rows_affected']} row{'' if row['rows_affected'] == '1' else 's'}" if row.get("rows_affected") else "",
        f"for example lines {', '.join(row['sample_rows'].split())}" if row.get("sample_rows") else "",
    ) if part)
    source = FEED_LABELS.get(row["feed"], row["feed"])
    delivery = f", {_delivery_text(row['delivery'])}" if row.get("delivery") else ""
    return f"{source}{delivery}: {row['sentence']}" + (f" ({where})" if where else "")


def _capped(rows: list[dict[str, str]]) -> dict:
    more = len(rows) - MAX_FINDINGS
    return {"lines": [_finding_text(r) for r in rows[:MAX_FINDINGS]],
            "more": f"… and {more} more: see the validation report beside this PDF." if more > 0 else ""}


def quality_section(rows: list[dict[str, str]] | None) -> dict:
    if rows is None:
        return {"available": False}
    deliveries: dict[tuple[str, str], str] = {}
    for row in rows:
        if row.get("delivery"):
            deliveries.setdefault((row["feed"], row["delivery"]), row["status"])
    table_rows = []
    for (feed, delivery), status in deliveries.items():
        word, css = DELIVERY_STATUS.get(status, (status, ""))
        table_rows.append(table_row(FEED_LABELS.get(feed, feed), [
            text_cell(_delivery_text(delivery)), text_cell(word, f"status status-{css}")]))
    counts = {word: sum(1 for s in deliveries.values() if DELIVERY_STATUS.get(s, (s,))[0] == word)
              for word in ("loaded", "refused")}
    return {
        "available": True,
        "checked": len(deliveries),
        "loaded": counts["loaded"], "refused": counts["refused"],
        "blocking": _capped([r for r in rows if r.get("severity") == "blocking"]),
        "warnings": _capped([r for r in rows if r.get("severity") == "warning" and r.get("status") != "not read"]),
        "not_read": _capped([r for r in rows if r.get("status") == "not read"]),
        "table": table_block("Every delivery this month's figures rest on", ["Source", "Delivery", "Outcome"],
                             table_rows),
    }


def dictionary_section(registry: dict[str, Measure]) -> list[dict]:
    sections = []
    for section, heading in DICTIONARY_SECTIONS.items():
        entries = []
        for m in (m for m in registry.values() if m.section == section):
            better = polarity_text(m) if m.polarity else "not applicable"
            if m.polarity == "neutral":
                better = "neither higher nor lower (changes are not judged)"
            if m.breakdown_polarity:
                parts = "; ".join(f"{SETTING_LABELS.get(b.split('=', 1)[1], b)}: {POLARITY_WORDS[p]}"
                                  for b, p in m.breakdown_polarity.items())
                better = f"{better} overall; {parts}"
            entries.append({
                "title": m.title, "code": m.id, "definition": m.definition,
                "unit": UNIT_WORDS.get(m.unit or "", "a list, not a number"), "better": better,
                "source": SOURCE_LABELS.get(m.source, m.source), "owner": m.owner,
                "status": STATUS_WORDS.get(m.status, m.status), "aim": m.aim or "",
            })
        sections.append({"heading": heading, "entries": entries})
    return sections
