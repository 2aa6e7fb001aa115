"""The highlight report's EHC plans pages: plans, timeliness, settings and primary needs.
"""
from __future__ import annotations

from pipeline.definitions.registry import BREAKDOWN_VALUES
from pipeline.reports import charts
from pipeline.reports.formatting import MISSING, count_text, displayed_number, format_value, period_label
from pipeline.reports.highlight.blocks import (SETTING_LABELS, ReportData, chart_block, direction_cell, num_cell,
                                               polarity_text, table_block, table_row, text_cell, trend_block)

SETTING_SHORT = {
    "mainstream": "Mainstream", "special_state": "State special", "special_independent": "Independent special",
    "alternative_provision": "Alternative provision", "post16": "Post-16", "elsewhere": "Elsewhere",
    "not_recorded": "Not recorded",
}
NEED_LABELS = {
    "SPLD": "Specific learning difficulty", "MLD": "Moderate learning difficulty",
    "SLD": "Severe learning difficulty", "PMLD": "Profound and multiple learning difficulty",
    "SEMH": "Social, emotional and mental health", "SLCN": "Speech, language and communication needs",
    "HI": "Hearing impairment", "VI": "Visual impairment", "MSI": "Multi-sensory impairment",
    "PD": "Physical disability", "ASD": "Autism", "DS": "Down syndrome", "OTH": "Other difficulty or disability",
    "not_recorded": "Primary need not recorded",
}


# --------------------------------------------------------------------------- EHC plans


def ehcp_section(data: ReportData, population_year: int | None) -> dict:
    trend = trend_block(data, [
        ("ehcp_rate", "all", "EHC plans per 10,000 aged 0-25"),
        ("ehcp_new_12m", "all", "New EHC plans, last 12 months"),
        ("ehcp_new_rate_12m", "all", "New EHC plans per 10,000, last 12 months"),
        ("ehcp_20wk_6m", "all", "New plans within 20 weeks, last 6 months (%)"),
    ], "ehcp", "EHC plans month by month (newest first)")
    population = data.row("ehcp_rate")
    return {
        "in_force": data.text("ehcp_in_force"),
        "rate": data.text("ehcp_rate"),
        "new_12m": data.text("ehcp_new_12m"),
        "within_20": data.text("ehcp_20wk_6m"),
        "within_20_all": data.text("ehcp_20wk_6m_all"),
        "within_20_year": data.text("ehcp_20wk_calendar_year"),
        "population": f"{population['denominator']:,.0f}" if population and population["denominator"] else MISSING,
        "population_year": str(population_year) if population_year else MISSING,
        "trend": trend,
        "settings": _settings(data),
        "needs": _needs(data),
    }


def _settings(data: ReportData) -> dict:
    measure_id, labels, values, shown, rows = "ehcp_rate_by_setting", [], [], [], []
    measure = data.registry[measure_id]
    for setting in BREAKDOWN_VALUES["setting"]:
        breakdown = f"setting={setting}"
        row = data.row(measure_id, breakdown)
        number = displayed_number(row, measure.unit)
        labels.append(SETTING_SHORT[setting])
        values.append(None if number is None else float(number))
        shown.append(format_value(row, measure.unit))
        rows.append(table_row(SETTING_LABELS[setting], [
            num_cell(count_text(row["numerator"]) if row else MISSING),
            num_cell(shown[-1]),
            num_cell(data.text(measure_id, breakdown, data.previous)),
            text_cell(polarity_text(measure, breakdown)),
            direction_cell(data.direction(measure_id, breakdown, data.previous)),
        ]))
    svg = charts.bar_chart("EHC plans per 10,000 aged 0-25 by setting", labels, values,
                           chart_id="chart-settings", display=shown)
    columns = ["Setting", "Plans", "Per 10,000 aged 0-25", f"Per 10,000, {period_label(data.previous)}",
               "Better when", "Direction of travel since last month"]
    return {"chart": chart_block(svg, "EHC plans per 10,000 aged 0-25 by main setting"),
            "table": table_block("EHC plans by main setting", columns, rows)}


def _needs(data: ReportData) -> dict:
    measure_id = "ehcp_primary_need"
    unit = data.registry[measure_id].unit
    needs = list(BREAKDOWN_VALUES["need"])
    rows_by_need = {n: data.row(measure_id, f"need={n}") for n in needs}

    def order(need: str) -> tuple:  # by the shown share: a suppressed one reveals no order
        shown_share = displayed_number(rows_by_need[need], unit)
        return (need == "not_recorded", shown_share is None, -(shown_share or 0), needs.index(need))

    labels, values, shown, rows = [], [], [], []
    for need in sorted(needs, key=order):
        row = rows_by_need[need]
        number = displayed_number(row, unit)
        labels.append(NEED_LABELS[need])
        values.append(None if number is None else float(number))
        shown.append(format_value(row, unit))
        rows.append(table_row(f"{NEED_LABELS[need]} ({need})" if need != "not_recorded" else NEED_LABELS[need], [
            num_cell(count_text(row["numerator"]) if row else MISSING), num_cell(shown[-1]),
            num_cell(data.text(measure_id, f"need={need}", data.last_year)),
        ]))
    svg = charts.bar_chart("Share of EHC plans by primary need (%)", labels, values,
                           chart_id="chart-needs", display=shown)
    columns = ["Primary need", "Plans", "Share of plans", f"Share, {period_label(data.last_year)}"]
    return {"chart": chart_block(svg, "Share of EHC plans in force by primary need"),
            "table": table_block("EHC plans in force by primary need (largest first)", columns, rows)}
