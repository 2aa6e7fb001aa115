"""A window of measure rows from the warehouse, looked up by measure, breakdown and period.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa

from pipeline.periods import shift_period
from pipeline.reports.formatting import as_number
from pipeline.warehouse import db
from pipeline.warehouse.measures import MEASURE_COLUMNS

# --------------------------------------------------------------------------- reading the warehouse


class MeasureHistory:
    """The measure rows of a window of periods, looked up by measure, breakdown and period."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._rows: dict[tuple[str, str, str], dict[str, Any]] = {}
        for row in frame.to_dict("records"):
            clean = {**row, **{c: as_number(row[c]) for c in ("numerator", "denominator", "value")}}
            self._rows[(row["measure_id"], row["breakdown"], row["period"])] = clean

    def row(self, measure_id: str, breakdown: str, period: str) -> dict[str, Any] | None:
        """The row, or None when the warehouse has none (a gap)."""
        return self._rows.get((measure_id, breakdown, period))

    def has_period(self, measure_ids: list[str], period: str) -> bool:
        """True when any of the measures has a row in ``period``."""
        return any(key[0] in measure_ids and key[2] == period for key in self._rows)


def read_history(engine: sa.Engine | sa.Connection, period: str, months: int) -> MeasureHistory:
    """Every measure row of the ``months`` periods ending with ``period``."""
    first = shift_period(period, -(months - 1))
    sql = f"select {', '.join(MEASURE_COLUMNS)} from measures where period >= :first and period <= :last"
    return MeasureHistory(db.read_sql_frame(engine, sql, {"first": first, "last": period}))
