"""Public disclosure rules: what a number on the public site (and the Easy Read page) may show.

Stricter than the board pack's (:mod:`pipeline.reports.formatting`), because anyone can read
these pages and put them beside other published figures. ``docs/public_disclosure.md`` says
the same in words; the rules, in order:

1. **Primary suppression.** No count from 1 to 4 is shown, and no rate, percentage, mean or
   median whose numerator or denominator is 1 to 4 (:func:`primary_suppressed`). It is shown
   as :data:`SUPPRESSED` (``c``, DfE's symbol) and every page that shows one explains it
   with :data:`EXPLANATION`. Zero is shown as 0: there is nobody to identify.
2. **Secondary suppression.** Where cells add up to a total that is also shown (waits by
   service and all services; EHCP, SEN support, no SEN and all pupils), a hidden cell must
   not be recoverable by subtraction. :func:`secondary_suppression` hides the fewest extra
   cells (the smallest, and parts before totals) so that :func:`recoverable` finds no hidden
   cell whose value the shown cells fix, and no line's hidden cells add up to a figure from 1
   to 4 that the line's total gives away. For rates and percentages the numerators are
   protected the same way, since a numerator is recoverable as rate × denominator
   (:func:`suppress_rates`).
3. **Rounding.** Counts of 5 or more are rounded to the nearest 5 (half up: 7 shows as 5,
   8 as 10, 1,672 as 1,670); so totals may not equal the sum of their parts as shown.
   Percentages, rates, means and medians are worked out from the unrounded numbers and shown
   to one decimal place (half up).

Nothing here knows about pages: the public site and the Easy Read page call these functions
for every number they print: :func:`public_count`, :func:`public_percent`, :func:`public_rate`
for loose numbers, :func:`public_value` / :func:`public_row_number` for a measures row, with
``hidden=True`` for a cell that secondary suppression hides.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

SUPPRESSED = "c"
MISSING = "no data"
SMALL = (1, 4)  # counts from 1 to 4 are never shown
ROUND_TO = 5  # counts of 5 or more are rounded to the nearest 5
EXPLANATION = (
    "c means a number we do not show to protect children's privacy: it is 1, 2, 3 or 4, is worked "
    "out from 1 to 4 children, or could be used with the other numbers to work out one that is."
)
ROUNDING_NOTE = (
    "Numbers of children are rounded to the nearest 5 (so 7 is shown as 5 and 1,672 as 1,670), "
    "and totals may not add up exactly. Percentages and averages are worked out before rounding."
)
MAX_EXTRA = 4  # exhaustive search for the fewest extra cells up to this many; greedy after that

Key = Hashable


# --------------------------------------------------------------------------- one number


def _number(value: object) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def is_small(value: object) -> bool:
    """True for a count from 1 to 4 (0 and missing are not small)."""
    number = _number(value)
    return number is not None and SMALL[0] <= number <= SMALL[1]


def primary_suppressed(numerator: object, denominator: object = None) -> bool:
    """True when a figure may not be shown whatever else is on the page.

    A count is its own ``numerator`` (give no ``denominator``): hidden when it is 1 to 4. A
    rate, percentage, mean or median is hidden when its numerator or its denominator is 1 to
    4 (a missing numerator or denominator is not small).
    """
    return is_small(numerator) or is_small(denominator)


def rounded_count(value: object) -> int | None:
    """A count as the public pages show it: 0 stays 0, 5 or more to the nearest 5 (half up).

    None for a missing or a small (1 to 4) count: those are never shown.
    """
    number = _number(value)
    if number is None or is_small(number):
        return None
    whole = int(Decimal(repr(number)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    if whole == 0:
        return 0
    if 0 < whole < ROUND_TO:  # 0.5 to 4.99 rounds to a small count: hidden as well
        return None
    return max(ROUND_TO, int((Decimal(whole) / ROUND_TO).quantize(Decimal("1"), rounding=ROUND_HALF_UP)) * ROUND_TO)


def public_count(value: object, *, hidden: bool = False) -> str:
    """A count as shown: ``"no data"``, ``"c"`` (1 to 4, or ``hidden``) or e.g. ``"1,670"``."""
    if _number(value) is None:
        return MISSING
    shown = None if hidden else rounded_count(value)
    return SUPPRESSED if shown is None else f"{shown:,}"


def rounded_decimal(value: object, places: int = 1) -> Decimal | None:
    """A value rounded half up to ``places`` decimal places (minus zero as zero); None if missing."""
    number = _number(value)
    if number is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    shown = Decimal(repr(number)).quantize(quantum, rounding=ROUND_HALF_UP)
    return abs(shown) if shown == 0 else shown


def public_percent(numerator: object, denominator: object, *, hidden: bool = False, places: int = 1) -> str:
    """``numerator / denominator`` as a percentage ("61.7%"), or ``c`` / ``no data``.

    Hidden when the numerator or the denominator is 1 to 4 (or ``hidden``, e.g. by secondary
    suppression); ``no data`` when either is missing or the denominator is 0.
    """
    top, bottom = _number(numerator), _number(denominator)
    if top is None or bottom is None or bottom == 0:
        return MISSING
    if hidden or primary_suppressed(top, bottom):
        return SUPPRESSED
    return f"{rounded_decimal(100 * top / bottom, places):,.{places}f}%"


def unit_suppressed(numerator: object, denominator: object, unit: str) -> bool:
    """The primary rule for a figure of ``unit``, as the board pack applies it, for the public.

    ``count``: the count (``numerator``) is 1 to 4. ``percent``: its numerator or its
    denominator is 1 to 4. ``per_10000``: its numerator (plans; the denominator is the
    population) is 1 to 4. ``weeks`` and ``points`` (means and medians): the number of
    children they are worked out from (``denominator``) is 1 to 4.
    """
    if unit in ("count", "per_10000"):
        return is_small(numerator)
    if unit == "percent":
        return primary_suppressed(numerator, denominator)
    return is_small(denominator)


def public_rate(value: object, numerator: object = None, denominator: object = None, *, unit: str = "percent",
                hidden: bool = False, places: int = 1) -> str:
    """A figure of ``unit`` (count, percent, per_10000, weeks, points) from its value, as shown.

    ``c`` when :func:`unit_suppressed` or ``hidden`` (e.g. by secondary suppression); ``no
    data`` when the value is missing. A ``count`` is rounded (:func:`public_count`); the
    others have one decimal place, a percentage with ``%``.
    """
    if unit == "count":
        return public_count(value, hidden=hidden or is_small(value))
    if _number(value) is None:
        return MISSING
    if hidden or unit_suppressed(numerator, denominator, unit):
        return SUPPRESSED
    shown = rounded_decimal(value, places)
    return f"{shown:,.{places}f}%" if unit == "percent" else f"{shown:,.{places}f}"


def public_number(value: object, numerator: object = None, denominator: object = None, *, unit: str = "count",
                  hidden: bool = False, places: int = 1) -> Decimal | None:
    """The number a public page shows (for charts and direction of travel); None if not shown."""
    if _number(value) is None or hidden:
        return None
    if unit == "count":
        count = rounded_count(value)
        return None if count is None else Decimal(count)
    if unit_suppressed(numerator, denominator, unit):
        return None
    return rounded_decimal(value, places)


def _field(row: object, name: str) -> object:
    if row is None:
        return None
    if isinstance(row, Mapping):
        return row.get(name)
    getter = getattr(row, "get", None)
    return getter(name) if callable(getter) else getattr(row, name, None)


def row_suppressed(row: object, unit: str | None = None) -> bool:
    """:func:`unit_suppressed` for a measures row (``value``, ``numerator``, ``denominator``, ``unit``)."""
    if row is None or _number(_field(row, "value")) is None:
        return False
    unit = unit or str(_field(row, "unit"))
    top = _field(row, "value") if unit == "count" else _field(row, "numerator")
    return unit_suppressed(top, _field(row, "denominator"), unit)


def public_value(row: object, unit: str | None = None, *, hidden: bool = False) -> str:
    """A measures row's value as a public page shows it (``hidden``: secondarily suppressed)."""
    if row is None:
        return MISSING
    unit = unit or str(_field(row, "unit"))
    return public_rate(_field(row, "value"), _field(row, "numerator"), _field(row, "denominator"), unit=unit,
                       hidden=hidden)


def public_row_number(row: object, unit: str | None = None, *, hidden: bool = False) -> Decimal | None:
    """A measures row's value as the number a public page shows; None when not shown."""
    if row is None:
        return None
    unit = unit or str(_field(row, "unit"))
    return public_number(_field(row, "value"), _field(row, "numerator"), _field(row, "denominator"), unit=unit,
                         hidden=hidden)


# --------------------------------------------------------------------------- tables that add up


@dataclass(frozen=True)
class Sum:
    """One way a table adds up: ``total`` is the sum of ``parts`` (cells named by key)."""

    total: Key
    parts: tuple[Key, ...]


def one_way(total: Key, parts: Iterable[Key]) -> tuple[Sum, ...]:
    """The sums of a one-way table: parts (e.g. services) and their total (all services)."""
    return (Sum(total, tuple(parts)),)


def two_way(rows: Sequence[Key], columns: Sequence[Key], *, row_total: Key | None = None,
            column_total: Key | None = None) -> tuple[Sum, ...]:
    """The sums of a two-way table whose cells are keyed ``(row, column)``.

    ``column_total`` is the column holding each row's total (``(row, column_total)``);
    ``row_total`` is the row holding each column's total (``(row_total, column)``); with
    both, the grand total ``(row_total, column_total)`` ties the margins together.
    """
    sums: list[Sum] = []
    all_rows = [*rows, *([row_total] if row_total is not None else [])]
    all_columns = [*columns, *([column_total] if column_total is not None else [])]
    if column_total is not None:
        sums += [Sum((r, column_total), tuple((r, c) for c in columns)) for r in all_rows]
    if row_total is not None:
        sums += [Sum((row_total, c), tuple((r, c) for r in rows)) for c in all_columns
                 if not (c == column_total and column_total is not None)]
    return tuple(sums)


def _cells(sums: Iterable[Sum]) -> list[Key]:
    seen: dict[Key, None] = {}
    for s in sums:
        seen.setdefault(s.total)
        for part in s.parts:
            seen.setdefault(part)
    return list(seen)


def _reduced(rows: list[list[Fraction]]) -> list[tuple[int, list[Fraction]]]:
    """Reduced row echelon form: (pivot column, row) pairs."""
    basis: list[tuple[int, list[Fraction]]] = []
    for row in rows:
        row = _reduce(basis, row)
        pivot = next((i for i, x in enumerate(row) if x != 0), None)
        if pivot is None:
            continue
        row = [x / row[pivot] for x in row]
        basis = [(p, [a - b[pivot] * c for a, c in zip(b, row)]) if b[pivot] != 0 else (p, b) for p, b in basis]
        basis.append((pivot, row))
    return basis


def _reduce(basis: list[tuple[int, list[Fraction]]], vector: list[Fraction]) -> list[Fraction]:
    vector = list(vector)
    for pivot, row in basis:
        if vector[pivot] != 0:
            factor = vector[pivot]
            vector = [a - factor * b for a, b in zip(vector, row)]
    return vector


def _system(sums: Sequence[Sum], hidden: Sequence[Key]) -> list[tuple[int, list[Fraction]]]:
    index = {key: i for i, key in enumerate(hidden)}
    rows = []
    for s in sums:
        row = [Fraction(0)] * len(hidden)
        if s.total in index:
            row[index[s.total]] += 1
        for part in s.parts:
            if part in index:
                row[index[part]] -= 1
        rows.append(row)
    return _reduced(rows)


def recoverable(sums: Iterable[Sum], hidden: Iterable[Key]) -> frozenset[Key]:
    """The hidden cells whose value the shown cells and the sums fix exactly.

    Every shown cell is taken as exact (rounding is not relied on), and every way of
    combining the sums is tried: a hidden cell is recoverable when its value follows from
    the equations ``total = sum(parts)`` with the shown cells filled in, i.e. when its unit
    vector lies in the row space of the equations restricted to the hidden cells.
    """
    sums = tuple(sums)
    hidden = [key for key in dict.fromkeys(hidden)]
    if not hidden:
        return frozenset()
    basis = _system(sums, hidden)
    found = set()
    for i, key in enumerate(hidden):
        unit = [Fraction(0)] * len(hidden)
        unit[i] = Fraction(1)
        if not any(_reduce(basis, unit)):
            found.add(key)
    return frozenset(found)


def small_groups(values: Mapping[Key, object], sums: Iterable[Sum], hidden: Iterable[Key]) -> list[tuple[Key, ...]]:
    """Groups of hidden parts of one sum whose total is shown and whose own sum is 1 to 4.

    With the total shown, the hidden parts' sum is the total minus the shown parts: two
    hidden cells of 3 and 0 (or 2 and 1) give away a count of 3 for the pair.
    """
    hidden = set(hidden)
    groups = []
    for s in sums:
        if s.total in hidden:
            continue
        group = tuple(p for p in s.parts if p in hidden)
        if len(group) > 1 and is_small(sum(_number(values.get(p)) or 0 for p in group)):
            groups.append(group)
    return groups


def disclosive(values: Mapping[Key, object], sums: Iterable[Sum], hidden: Iterable[Key]) -> bool:
    """True when a hidden cell is recoverable or a line's hidden cells add up to 1 to 4."""
    sums, hidden = tuple(sums), frozenset(hidden)
    return bool(recoverable(sums, hidden)) or bool(small_groups(values, sums, hidden))


def secondary_suppression(values: Mapping[Key, object], sums: Iterable[Sum], hidden: Iterable[Key] | None = None,
                          *, max_extra: int = MAX_EXTRA) -> frozenset[Key]:
    """The cells to hide: the primary ones and the fewest extra so that none is recoverable.

    Parameters
    ----------
    values
        Each cell's unrounded value (None for "no data": taken as known, never hidden).
    sums
        How the cells add up (:func:`one_way`, :func:`two_way`, or :class:`Sum` s).
    hidden
        The primarily hidden cells; by default the counts from 1 to 4.

    The search tries every set of 1, 2, ... ``max_extra`` extra cells and keeps the first
    size that works, preferring fewer totals, then the smallest hidden sum, then table
    order; past ``max_extra`` it adds the smallest shown cell of a disclosive line until
    nothing is disclosive. The result is deterministic.
    """
    sums = tuple(sums)
    order = {key: i for i, key in enumerate([*values, *_cells(sums)])}
    primary = frozenset(k for k in values if is_small(values[k])) if hidden is None else frozenset(hidden)
    if not primary or not disclosive(values, sums, primary):
        return primary
    totals = {s.total for s in sums}
    in_sums = set(_cells(sums))
    candidates = sorted((k for k in in_sums if k not in primary and _number(values.get(k)) is not None),
                        key=lambda k: (k in totals, _number(values.get(k)), order.get(k, len(order))))

    def cost(extra: tuple[Key, ...]) -> tuple:
        return (sum(k in totals for k in extra), sum(_number(values.get(k)) or 0 for k in extra),
                sorted(order.get(k, len(order)) for k in extra))

    for size in range(1, min(max_extra, len(candidates)) + 1):
        working = [extra for extra in itertools.combinations(candidates, size)
                   if not disclosive(values, sums, primary | set(extra))]
        if working:
            return primary | set(min(working, key=cost))
    chosen = set(primary)
    while disclosive(values, sums, chosen):
        lines = [s for s in sums if s.total not in chosen and any(p in chosen for p in s.parts)]
        pool = [k for k in candidates if k not in chosen and any(k == s.total or k in s.parts for s in lines)]
        pool = pool or [k for k in candidates if k not in chosen]
        if not pool:
            break
        chosen.add(pool[0])
    return frozenset(chosen)


def suppress_rates(numerators: Mapping[Key, object], denominators: Mapping[Key, object], sums: Iterable[Sum],
                   *, unit: str = "percent", denominators_shown: bool = True,
                   hidden_denominators: Iterable[Key] | None = None) -> tuple[frozenset[Key], frozenset[Key]]:
    """The hidden denominators and the hidden rates of a table of rates that add up.

    Denominators (e.g. children waiting) and numerators (e.g. of them, waiting over 18
    weeks) each add up along ``sums``. A rate is primarily hidden by :func:`unit_suppressed`
    (a percentage: numerator or denominator 1 to 4); its denominator is protected by
    :func:`secondary_suppression` when ``denominators_shown`` (or ``hidden_denominators``
    are given: those already hidden where the denominators are shown as counts); a rate
    whose denominator is hidden is hidden as well; then
    the numerators (recoverable as rate × denominator) are protected in the same way, and a
    rate is shown only when both its numerator and its denominator are.

    Returns ``(hidden denominators, hidden rates)``; the first is empty when the
    denominators are not shown.
    """
    sums = tuple(sums)
    keys = list(dict.fromkeys([*numerators, *denominators]))
    if hidden_denominators is not None:
        dens_hidden = frozenset(hidden_denominators)
    elif denominators_shown:
        dens_hidden = secondary_suppression(denominators, sums)
    else:
        dens_hidden = frozenset()
    primary = {k for k in keys if unit_suppressed(numerators.get(k), denominators.get(k), unit)}
    primary |= set(dens_hidden)
    if all(_number(numerators.get(k)) is None for k in keys):  # medians: nothing adds up
        return dens_hidden, frozenset(primary)
    hidden_numerators = secondary_suppression(numerators, sums, primary)
    return dens_hidden, frozenset(hidden_numerators | dens_hidden)
