"""The highlight report's therapies page: waiting times by service, with trends.
"""
from __future__ import annotations

from pipeline.definitions.registry import BREAKDOWN_VALUES
from pipeline.reports.formatting import period_label
from pipeline.reports.highlight.blocks import ReportData, num_cell, table_block, table_row, trend_block

SERVICE_LABELS = {
    "all": "All services",
    "SLT": "Speech and language therapy",
    "OT": "Occupational therapy",
    "PHYSIO": "Physiotherapy",
    "CDS": "Child development service (community paediatrics)",
    "ND": "Neurodevelopmental pathway",
}


# --------------------------------------------------------------------------- therapies


THERAPY_COLUMNS = (
    ("therapy_waiting", "Children waiting"),
    ("therapy_wait_mean_weeks", "Average wait (weeks)"),
    ("therapy_wait_median_weeks", "Median wait (weeks)"),
    ("therapy_over_18w", "Waiting over 18 weeks (%)"),
    ("therapy_over_52w", "Waiting over 52 weeks"),
    ("therapy_referrals", "Referrals in the month"),
    ("therapy_seen_wait_median_weeks", "Median wait of those first seen (weeks)"),
)
THERAPY_TRENDS = THERAPY_COLUMNS[:5]


def therapies_section(data: ReportData) -> dict:
    services = ["all", *BREAKDOWN_VALUES["service"]]
    rows = []
    for service in services:
        breakdown = "all" if service == "all" else f"service={service}"
        rows.append(table_row(SERVICE_LABELS[service], [num_cell(data.text(m, breakdown)) for m, _ in THERAPY_COLUMNS]))
    overview = table_block(f"Therapy waits at the end of {period_label(data.period)}",
                      ["Service", *[title for _, title in THERAPY_COLUMNS]], rows, css="wide")
    blocks = []
    for service in services:
        breakdown = "all" if service == "all" else f"service={service}"
        label = SERVICE_LABELS[service]
        series = [(m, breakdown, f"{title}, {label}") for m, title in THERAPY_TRENDS]
        trend = trend_block(data, series, f"therapy-{service.lower()}", f"{label}: month by month (newest first)",
                       [title for _, title in THERAPY_TRENDS])
        blocks.append({"heading": label, "trend": trend})
    return {"overview": overview, "blocks": blocks, "badge": data.stale_badge("therapy_waiting")}
