"""The quarterly stocktake: per area of concern, every action and milestone over the quarter,
the area's measures with their charts, risks, evidence added and "You said, we're doing, we
did" — as an accessible PDF beside the monthly pack of the quarter's last month.

``render_stocktake(engine, period, ...)`` takes the quarter's last month (``2026-09`` for
July to September 2026) and writes ``<packs>/<period>/SEND-quarterly-stocktake-<YYYY>-Q<n>.pdf``.
"""
from __future__ import annotations

import logging
import time
from datetime import date
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from pipeline.analysis.oba import CONFIG_PATH as OBA_CONFIG_PATH, load_oba_settings
from pipeline.definitions.registry import registry_by_id
from pipeline.files import write_text_atomic
from pipeline.periods import ends_quarter, month_range, parse_period, period_start, shift_period
from pipeline.reports.formatting import date_label, format_value, period_label
from pipeline.reports.history import read_history
from pipeline.reports.pdf import render_html, write_pdf
from pipeline.reports.programme_pack import STATUS_CSS, read_statuses
from pipeline.reports.spc_pack import CONFIG_PATH as SPC_CONFIG_PATH, load_spc_settings, spc_section
from pipeline.warehouse.db import read_sql_frame

log = logging.getLogger(__name__)


class StocktakeError(ValueError):
    """The stocktake cannot be made for that month; the message says why."""


def quarter_of(period: str) -> tuple[int, int]:
    """The (year, quarter) a quarter's last month ends; raises unless ``period`` ends a quarter."""
    if not ends_quarter(period):
        raise StocktakeError(f"{period} does not end a quarter: a stocktake is made for March, June, September "
                             "or December.")
    year, month = parse_period(period)
    return year, month // 3


def stocktake_name(period: str) -> str:
    """``SEND-quarterly-stocktake-2026-Q3.pdf`` for ``2026-09``."""
    year, quarter = quarter_of(period)
    return f"SEND-quarterly-stocktake-{year}-Q{quarter}.pdf"


def _refs_of(text: object) -> list[str]:
    return [r.strip() for r in str(text or "").replace(",", ";").split(";") if r.strip()]


def _in_area(refs: list[str], area_ref: str) -> bool:
    return any(r == area_ref or r.startswith(f"{area_ref}.") for r in refs)


def _milestones(now: pd.DataFrame, before: pd.DataFrame, area_ref: str) -> dict:
    earlier = dict(zip(before["milestone_id"], before["status"]))
    rows = []
    for r in now[now["area_ref"] == area_ref].itertuples():
        was = earlier.get(r.milestone_id, "not in the plan")
        moved = "no change" if was == r.status else f"was {was}"
        due = date_label(pd.Timestamp(r.due_date).date()) if pd.notna(r.due_date) else "no date"
        rows.append({"header": r.milestone_id, "badge": "", "cells": [
            {"text": r.milestone_text, "css": ""}, {"text": due, "css": ""},
            {"text": r.status, "css": f"status {STATUS_CSS[r.status]}"}, {"text": moved, "css": ""}]})
    return {"caption": "Every milestone: its status at the quarter's end and at the end of the quarter before",
            "css": "exceptions", "note": "",
            "columns": ["Milestone", "What", "Due", "Status", "Since last quarter"], "rows": rows}


def _actions(now: pd.DataFrame, area_ref: str) -> dict:
    mine = now[now["area_ref"] == area_ref].drop_duplicates("action_ref")
    rows = [{"header": r.action_ref, "badge": "", "cells": [
        {"text": r.action_title, "css": ""}, {"text": r.action_leads or "lead not named in the plan", "css": ""}]}
        for r in mine.itertuples()]
    return {"caption": "The area's actions and their leads (milestone ids start with the action's ref)",
            "css": "exceptions", "note": "", "columns": ["Action", "What we said we would do", "Lead"],
            "rows": rows}


def _linked(frame: pd.DataFrame, area_ref: str) -> pd.DataFrame:
    if frame.empty:
        return frame
    return frame[[_in_area(_refs_of(v), area_ref) for v in frame["linked_refs"]]]


def _risks(risks: pd.DataFrame, area_ref: str) -> list[dict]:
    return [{"header": r.risk_id, "badge": "", "cells": [
        {"text": r.title, "css": ""}, {"text": r.owner_role or "", "css": ""},
        {"text": f"{int(r.likelihood) * int(r.impact)}", "css": "num"},
        {"text": f"{int(r.target_likelihood) * int(r.target_impact)}", "css": "num"},
        {"text": r.mitigation or "", "css": ""}]} for r in _linked(risks, area_ref).itertuples()]


def _measures(row_of, registry: dict, area, period: str) -> dict:
    """The area's measures (every row of each) now, a quarter before and a year before."""
    earlier = (period, shift_period(period, -3), shift_period(period, -12))
    rows = []
    for measure_id in area.measures if area else ():
        measure = registry[measure_id]
        if measure.kind != "value":
            continue
        for breakdown in measure.expected_breakdowns():
            label = measure.title if breakdown == "all" else f"{measure.title}: {breakdown.split('=', 1)[1]}"
            cells = [{"text": format_value(row_of(measure_id, breakdown, p), measure.unit)
                      if measure.is_computed else "in development", "css": "num"} for p in earlier]
            rows.append({"header": label, "badge": "", "cells": cells})
    return {"caption": "The area's measures from its plan's \"how we will measure success\"", "css": "exceptions",
            "note": "c: a small number (1 to 4), not shown; no data: not available for that month.",
            "columns": ["Measure", *(period_label(p) for p in earlier)], "rows": rows}


def build_stocktake_context(engine: sa.Engine, period: str, *, area_name: str, produced_on: date,
                            spc_config: Path | None = None, oba_config: Path | None = None) -> dict:
    """Everything the stocktake shows, as text (its layout is ``report_templates/stocktake.html``).

    ``spc_config``, ``oba_config``: the area's settings (None: ``partnership/spc.yaml``, ``oba.yaml``).
    """
    year, quarter = quarter_of(period)
    first = shift_period(period, -2)
    now, before = read_statuses(engine, period), read_statuses(engine, shift_period(period, -3))
    if now.empty:
        raise StocktakeError(f"No programme statuses for {period}: load the plan and tracker and build the "
                             f"measures of {period} first (`python -m pipeline run --period {period} ...`).")
    registry = registry_by_id()
    areas = load_oba_settings(registry, oba_config or OBA_CONFIG_PATH)
    months = month_range(shift_period(period, -23), period)
    history = read_history(engine, period, 24)
    spc = spc_section(history.row, registry, months, load_spc_settings(registry, spc_config or SPC_CONFIG_PATH))
    risks = read_sql_frame(engine, "select * from src_programme__risks where status = 'OPEN' "
                                   "order by likelihood * impact desc, risk_id")
    start, end = period_start(first), pd.Timestamp(period_start(period)) + pd.offsets.MonthEnd(0)
    evidence = read_sql_frame(engine, "select * from src_programme__evidence where added_on >= :s and added_on <= :e "
                                      "order by added_on", {"s": start, "e": end.date()})
    feedback = read_sql_frame(engine, "select * from src_programme__feedback order by received_on desc")
    blocks = []
    for area_ref, title in now.groupby("area_ref")["area_title"].first().items():
        area = next((a for a in areas if a.ref == area_ref), None)
        charts = [b for b in spc["blocks"] if area and b["measure_id"] in area.measures]
        blocks.append({
            "ref": area_ref, "title": title, "actions": _actions(now, area_ref),
            "milestones": _milestones(now, before, area_ref), "charts": charts,
            "measures": _measures(history.row, registry, area, period),
            "risks": {"caption": "Open risks linked to this area's actions", "css": "exceptions", "note": "",
                      "columns": ["Risk", "Title", "Owner", "Score now", "Target score", "Mitigation"],
                      "rows": _risks(risks, area_ref)},
            "evidence": [f"{date_label(pd.Timestamp(r.added_on).date())}: {r.title} ({r.linked_refs})"
                         for r in _linked(evidence, area_ref).itertuples()],
            "feedback": [{"you_said": r.you_said, "doing": r.we_are_doing or "-", "did": r.we_did or "not yet"}
                         for r in _linked(feedback, area_ref).itertuples()],
        })
    label = f"{period_label(first).split()[0]} to {period_label(period)} (Q{quarter})"
    return {
        "doc": {"title": f"SEND quarterly stocktake, {year} Q{quarter}: {area_name}",
                "author": f"{area_name} SEND partnership",
                "description": f"Quarterly stocktake of the Written Statement of Action for {label}.",
                "created": produced_on.isoformat()},
        "area": area_name, "quarter": label, "produced": date_label(produced_on), "areas": blocks,
        "spc_footnote": spc["footnote"], "period": f"{year} Q{quarter}",
    }


def render_stocktake(engine: sa.Engine, period: str, out_dir: Path, *, area_name: str, produced_on: date,
                     spc_config: Path | None = None, oba_config: Path | None = None) -> Path:
    """Render the quarter's stocktake PDF into ``out_dir``, and its HTML twin beside it (both written atomically)."""
    started = time.perf_counter()
    context = build_stocktake_context(engine, period, area_name=area_name, produced_on=produced_on,
                                      spc_config=spc_config, oba_config=oba_config)
    path = write_pdf(render_html(context, template="stocktake.html"), Path(out_dir) / stocktake_name(period))
    write_text_atomic(path.with_suffix(".html"), render_html({**context, "twin": True}, template="stocktake.html"))
    log.info("rendered %s and its HTML twin in %.1f s", path, time.perf_counter() - started)
    return path
