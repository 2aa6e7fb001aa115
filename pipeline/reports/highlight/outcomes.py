"""The highlight report's outcomes page: KS2 and KS4 results and attendance by SEN group.
"""
from __future__ import annotations

from pipeline.reports.formatting import MISSING, period_label
from pipeline.reports.highlight.blocks import (ReportData, direction_cell, num_cell, polarity_text, table_block,
                                               table_row, text_cell)

GROUP_LABELS = {
    "all": "All pupils",
    "EHCP": "Pupils with an EHC plan",
    "SEN_support": "Pupils on SEN support",
    "no_SEN": "Pupils with no SEN",
}


# --------------------------------------------------------------------------- outcomes


OUTCOME_MEASURES = (
    ("absence_rate", "Overall absence"),
    ("persistent_absence", "Persistent absence (missing 10% or more of sessions)"),
    ("ks2_rwm_expected", "Key stage 2: reading, writing and maths at the expected standard"),
    ("ks4_attainment8", "Key stage 4: average Attainment 8 score"),
    ("pupils_sen_share", "Pupils with an EHC plan or on SEN support"),
)


def outcomes_section(data: ReportData, sources: dict[str, str]) -> dict:
    blocks = []
    for measure_id, heading in OUTCOME_MEASURES:
        measure = data.registry[measure_id]
        rows = []
        for breakdown in measure.expected_breakdowns():
            group = breakdown.split("=", 1)[-1]
            rows.append(table_row(GROUP_LABELS[group], [
                num_cell(data.text(measure_id, breakdown)),
                num_cell(data.text(measure_id, breakdown, data.last_year)),
                text_cell(polarity_text(measure, breakdown)),
                direction_cell(data.direction(measure_id, breakdown, data.last_year)),
            ]))
        columns = ["Group", period_label(data.period), period_label(data.last_year), "Better when",
                   f"Direction of travel since {period_label(data.last_year)}"]
        blocks.append({"heading": heading, "badge": data.stale_badge(measure_id),
                       "table": table_block(measure.title, columns, rows)})
    return {"blocks": blocks, "census": sources.get("school_census", MISSING),
            "ks2": sources.get("ks2", MISSING), "ks4": sources.get("ks4", MISSING)}
