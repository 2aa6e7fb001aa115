"""The measures as the public pages show them: suppressed once, the same on every page.

A breakdown (service, SEN group, setting, primary need) and its total form a table that adds
up; :class:`PublicFigures` works out, for each such table and month, which cells are hidden
(:mod:`pipeline.reports.public.disclosure`: primary, then secondary suppression), and every
page asks it for its numbers. So the home page's "all services" figure, the therapies page's
table and the month-by-month tables of each service always agree on what is hidden.

Which figures add up (conservatively, even where a total also counts people in no part):

- counts: the parts' values add up to the total's (children waiting by service);
- percentages, rates, means: their numerators add up (over 18 weeks, plans, weeks waited),
  and so do their denominators (children waiting, pupils); a figure is hidden when its
  denominator is hidden where the denominators are shown as counts (``DENOMINATOR_OF``);
- medians: nothing adds up, but a median of a hidden number of children is hidden;
- a rate per 10,000 by setting adds up to the area's rate (``EXTERNAL_TOTALS``), since the
  plans are rate × the (published) population.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from pipeline.definitions.registry import BREAKDOWN_VALUES, Measure
from pipeline.reports.history import MeasureHistory
from pipeline.reports.public import disclosure

Key = tuple[str, str]  # (measure id, breakdown)

DIMENSIONS = ("service", "group", "setting", "need")
EXTERNAL_TOTALS = {"ehcp_rate_by_setting": ("ehcp_rate", "all")}
DENOMINATOR_OF = {  # a figure whose denominator is another measure shown as a count
    "therapy_over_18w": "therapy_waiting",
    "therapy_wait_mean_weeks": "therapy_waiting",
    "therapy_wait_median_weeks": "therapy_waiting",
}


def dimension_of(breakdown: str) -> str | None:
    """``service`` of ``service=SLT``; None for ``all``."""
    return breakdown.split("=", 1)[0] if "=" in breakdown else None


class PublicFigures:
    """Measure rows of a window of months, as the public pages may show them."""

    def __init__(self, history: MeasureHistory, registry: dict[str, Measure]) -> None:
        self.history = history
        self.registry = registry
        self._hidden: dict[tuple[str, str, str], frozenset[Key]] = {}

    # ----------------------------------------------------------------- which cells are hidden

    def parts(self, measure_id: str, dimension: str) -> list[Key]:
        """The cells of a breakdown, in the registry's order."""
        return [(measure_id, f"{dimension}={value}") for value in BREAKDOWN_VALUES[dimension]]

    def total_of(self, measure_id: str, dimension: str) -> Key | None:
        """The cell a breakdown adds up to: the measure's ``all`` row, or another measure's."""
        if "all" in self.registry[measure_id].breakdowns:
            return (measure_id, "all")
        return EXTERNAL_TOTALS.get(measure_id)

    def _row(self, key: Key, period: str) -> dict | None:
        return self.history.row(key[0], key[1], period)

    def _field(self, key: Key, period: str, name: str) -> float | None:
        row = self._row(key, period)
        return None if row is None else row.get(name)

    def group_hidden(self, measure_id: str, dimension: str, period: str) -> frozenset[Key]:
        """The hidden cells of a breakdown and its total in a month (cached)."""
        cache = (measure_id, dimension, period)
        if cache not in self._hidden:
            self._hidden[cache] = self._compute(measure_id, dimension, period)
        return self._hidden[cache]

    def _compute(self, measure_id: str, dimension: str, period: str) -> frozenset[Key]:
        measure = self.registry[measure_id]
        parts, total = self.parts(measure_id, dimension), self.total_of(measure_id, dimension)
        cells = [*parts, *([total] if total else [])]
        unit = measure.unit or "count"
        primary = {k for k in cells if self._value(k, period) is not None
                   and disclosure.row_suppressed(self._row(k, period), self._unit(k))}
        if total is None:
            return frozenset(primary)
        sums = disclosure.one_way(total, parts)
        if unit == "count":
            values = {k: self._value(k, period) for k in cells}
            return disclosure.secondary_suppression(values, sums, primary)
        numerators = {k: self._field(k, period, "numerator") for k in cells}
        denominators = {k: self._field(k, period, "denominator") for k in cells}
        hidden_denominators = None
        if measure_id in DENOMINATOR_OF:
            counted = self.group_hidden(DENOMINATOR_OF[measure_id], dimension, period)
            hidden_denominators = {(measure_id, b) for _, b in counted}
        elif unit == "per_10000":  # the denominator is the population: not a count of children
            hidden_denominators = set()
        _, hidden = disclosure.suppress_rates(numerators, denominators, sums, unit=unit,
                                              hidden_denominators=hidden_denominators)
        return frozenset(hidden | primary)

    def _value(self, key: Key, period: str) -> float | None:
        return self._field(key, period, "value")

    def _unit(self, key: Key) -> str:
        return self.registry[key[0]].unit or "count"

    def groups_holding(self, measure_id: str, breakdown: str) -> list[tuple[str, str]]:
        """(measure, dimension) of every breakdown table the cell is a part or the total of."""
        measure = self.registry[measure_id]
        dimension = dimension_of(breakdown)
        if dimension is not None:
            return [(measure_id, dimension)]
        held = [(measure_id, d) for d in measure.breakdowns if d in DIMENSIONS]
        held += [(m, d) for m, total in EXTERNAL_TOTALS.items() if total == (measure_id, breakdown)
                 for d in self.registry[m].breakdowns if d in DIMENSIONS]
        return held

    def is_hidden(self, measure_id: str, breakdown: str, period: str) -> bool:
        """True when the cell is shown as ``c`` (primary or secondary suppression)."""
        key = (measure_id, breakdown)
        if disclosure.row_suppressed(self._row(key, period), self._unit(key)):
            return True
        return any(key in self.group_hidden(m, d, period) for m, d in self.groups_holding(measure_id, breakdown))

    # ----------------------------------------------------------------- what a page shows

    def row(self, measure_id: str, breakdown: str, period: str) -> dict | None:
        """The measures row (unrounded, unsuppressed): never print it, only ask for its text."""
        return self.history.row(measure_id, breakdown, period)

    def text(self, measure_id: str, breakdown: str, period: str) -> str:
        """The cell as shown: ``no data``, ``c`` or the rounded figure."""
        row = self.row(measure_id, breakdown, period)
        return disclosure.public_value(row, self._unit((measure_id, breakdown)),
                                       hidden=row is not None and self.is_hidden(measure_id, breakdown, period))

    def number(self, measure_id: str, breakdown: str, period: str) -> Decimal | None:
        """The cell as the number shown (for charts and comparisons); None for ``c`` and ``no data``."""
        row = self.row(measure_id, breakdown, period)
        return disclosure.public_row_number(row, self._unit((measure_id, breakdown)),
                                            hidden=row is not None and self.is_hidden(measure_id, breakdown, period))

    def series(self, measure_id: str, breakdown: str, months: Iterable[str]) -> tuple[list[float | None], list[str]]:
        """Numbers (None for a gap) and texts of a cell over ``months``."""
        months = list(months)
        numbers = [self.number(measure_id, breakdown, m) for m in months]
        return [None if n is None else float(n) for n in numbers], [self.text(measure_id, breakdown, m)
                                                                     for m in months]

    def has_any(self, measure_id: str, breakdown: str, months: Iterable[str]) -> bool:
        """True when any of the months has a row for the cell."""
        return any(self.row(measure_id, breakdown, m) is not None for m in months)
