"""The highlight report's "Preparing for adulthood" page: young people's activities and SENCO training.

From the CCIS caseload (NCCIS): 16-17 year olds in education, employment or training (EET) and
not (NEET) or not known, by SEN group, with trends and the comparison with England, the region
and statistical neighbours that DfE publishes (December-February mean); 19-24 year olds with
an EHC plan in EET. From the training log: schools whose SENCO is trained in the graduated
approach, against the plan's target.
"""
from __future__ import annotations

from collections.abc import Callable

from pipeline.reports.formatting import MISSING, format_value, period_label
from pipeline.reports.highlight.blocks import (ReportData, direction_cell, num_cell, table_block, table_row,
                                               text_cell, trend_block)

YOUNG_GROUPS = {
    "all": "All 16-17 year olds",
    "EHCP": "With an EHC plan",
    "SEN_support": "On SEN support",
    "no_SEN": "With no SEN",
}
TRENDS = (
    ("post16_neet_nk", "all", "NEET or not known (%), all 16-17 year olds"),
    ("post16_neet_nk", "group=EHCP", "NEET or not known (%), with an EHC plan"),
    ("post16_neet_nk", "group=SEN_support", "NEET or not known (%), on SEN support"),
    ("post16_eet", "all", "In education, employment or training (%), all 16-17 year olds"),
    ("post19_eet", "all", "19-24 year olds with an EHC plan in education, employment or training (%)"),
    ("senco_trained", "all", "Schools whose SENCO is trained in the graduated approach (%)"),
)


def _groups_table(data: ReportData) -> dict:
    rows = []
    for group, label in YOUNG_GROUPS.items():
        breakdown = "all" if group == "all" else f"group={group}"
        row = data.row("post16_eet", breakdown)
        count = row and {"value": row["denominator"], "numerator": row["denominator"], "denominator": None}
        rows.append(table_row(label, [
            num_cell(format_value(count, "count")),
            num_cell(data.text("post16_eet", breakdown)),
            num_cell(data.text("post16_neet_nk", breakdown)),
            num_cell(data.text("post16_neet_nk", breakdown, data.last_year)),
            direction_cell(data.direction("post16_neet_nk", breakdown, data.last_year)),
        ]))
    columns = ["Group", "Young people (16-17)", "In education, employment or training (%)",
               "NEET or not known (%)", f"NEET or not known, {period_label(data.last_year)} (%)",
               f"Direction of travel since {period_label(data.last_year)}"]
    note = ("The rest of each group (the two percentages do not add to 100) are on a gap year, re-engaging with "
            "learning, or otherwise neither: they count in the total only. Young people in custody are left out, "
            "as DfE does.")
    return table_block(f"16-17 year olds by what they are doing, end of {period_label(data.period)}", columns, rows,
                       note)


def _training_text(data: ReportData) -> str:
    measure = data.registry["senco_trained"]
    row = data.row("senco_trained")
    if row is None:
        return "No SENCO training log has been delivered yet."
    shown = data.text("senco_trained")
    schools = int(row["denominator"]) if row.get("denominator") else 0
    target = f"{measure.target:g}%" if measure.target is not None else "none set"
    return (f"{shown} of the area's {schools:,} state-funded mainstream schools have a SENCO trained in the "
            f"graduated approach by the end of {period_label(data.period)}; the plan's target is {target}. "
            "The statistical process control chart of this measure, with its assurance icon, is in the charts "
            "section.")


def comparison_table(comparison: dict) -> dict:
    """DfE's December-February figures for 16-17 year olds NEET or not known beside England, region and neighbours.

    Which years the figures are for goes in the caption when every row shares them, else in a column.
    """
    years = {row["years"] for row in comparison["rows"]}
    one_span = len(years) == 1
    rows = []
    for row in comparison["rows"]:
        group = row["breakdown"].split("=", 1)[-1]
        own = {"value": row["value"], "numerator": row["numerator"], "denominator": row["denominator"]}
        area = format_value(own, "percent") if row["value"] is not None else row.get("reason") or MISSING
        published = [f"{row[k]:.1f}%" if row[k] is not None else "not published"
                     for k in ("england", "region", "neighbours")]
        rank = (f"{row['rank']} of {row['ranked_out_of']} (quartile {row['quartile']})" if row["rank"] else "-")
        cells = [num_cell(area), *map(num_cell, published), text_cell(rank)]
        rows.append(table_row(YOUNG_GROUPS[group], cells if one_span else [*cells, text_cell(row["years"])]))
    columns = ["Group", f"Area, {comparison['label']}", "England", "Region", "Statistical neighbours (average)",
               "Rank among areas (1 = fewest)", *([] if one_span else ["Which years"])]
    caption = "16-17 year olds NEET or not known: how the area compares" + (f" ({years.pop()})" if one_span else "")
    note = ("DfE counts NEET and not known as the average of December, January and February, so the area's figure "
            "here is the average of its own December, January and February counts, not this month's. England, the "
            "region and the neighbours are DfE's published figures (Participation in education, training and NEET "
            "age 16 to 17 by local authority, NCCIS): the latest published year, which may be an earlier winter.")
    return table_block(caption, columns, rows, note)


def adulthood_section(data: ReportData, comparison: Callable[[], dict] | None = None) -> dict:
    """The page's content: the groups table, the post-19 and training sentences, trends and the comparison."""
    has_rows = data.row("post16_eet") is not None
    trend = trend_block(data, list(TRENDS), "adulthood", "Preparing for adulthood: month by month (newest first)")
    return {
        "groups": _groups_table(data) if has_rows else None,
        "post19": (f"{data.text('post19_eet')} of 19-24 year olds with an EHC plan known to the council were in "
                   f"education, employment or training at the end of {period_label(data.period)} "
                   f"({data.text('post19_eet', period=data.last_year)} a year before)."
                   if data.row("post19_eet") else MISSING),
        "training": _training_text(data),
        "trend": trend,
        "comparison": comparison_table(comparison()) if comparison and has_rows else None,
        "badge": data.stale_badge("post16_eet"),
    }
