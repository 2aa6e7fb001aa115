"""The public disclosure rules: primary suppression, rounding, secondary suppression and its checker."""
from __future__ import annotations

import itertools

import pytest

from pipeline.reports.public import disclosure as d
from pipeline.reports.public.disclosure import (SUPPRESSED, Sum, one_way, primary_suppressed, public_count,
                                                public_percent, public_rate, public_value, recoverable,
                                                secondary_suppression, small_groups, suppress_rates, two_way)


# --------------------------------------------------------------------------- primary rule and rounding


@pytest.mark.parametrize("count, hidden", [(0, False), (1, True), (2, True), (4, True), (5, False), (None, False),
                                           (4.0, True), (5.0, False)])
def test_counts_from_1_to_4_are_hidden_and_0_is_not(count, hidden):
    assert primary_suppressed(count) is hidden


@pytest.mark.parametrize("count, shown", [(0, "0"), (1, "c"), (4, "c"), (5, "5"), (6, "5"), (7, "5"), (8, "10"),
                                          (12, "10"), (13, "15"), (1672, "1,670"), (1673, "1,675"),
                                          (None, "no data")])
def test_counts_are_rounded_to_the_nearest_5(count, shown):
    assert public_count(count) == shown


def test_a_hidden_count_is_c_whatever_its_size():
    assert public_count(250, hidden=True) == SUPPRESSED
    assert public_count(None, hidden=True) == "no data"


@pytest.mark.parametrize("numerator, denominator, shown", [
    (0, 20, "0.0%"), (1, 20, "c"), (4, 20, "c"), (5, 20, "25.0%"), (2, 4, "c"), (4, 4, "c"), (5, 5, "100.0%"),
    (3, 3, "c"), (0, 4, "c"),  # a denominator of 1 to 4 hides even a zero numerator
    (37, 60, "61.7%"), (1, 8, "c"), (10, 0, "no data"), (None, 20, "no data"),
])
def test_percentages_with_a_small_numerator_or_denominator_are_hidden(numerator, denominator, shown):
    assert public_percent(numerator, denominator) == shown
    assert primary_suppressed(numerator, denominator) is (shown == "c")


def test_rates_means_and_medians_follow_their_units():
    assert public_rate(0.784, 1, 12754, unit="per_10000") == "c"  # 1 plan
    assert public_rate(454.76, 580, 12754, unit="per_10000") == "454.8"
    assert public_rate(12.25, 367.5, 30, unit="weeks") == "12.3"  # half up
    assert public_rate(20.0, 60.0, 3, unit="weeks") == "c"  # a mean of 3 children
    assert public_rate(2.5, 2.5, 10, unit="weeks") == "2.5"  # a small total of weeks is not a small number of children
    assert public_rate(61.666, 37, 60, unit="percent", hidden=True) == "c"
    assert public_value({"value": 3.0, "numerator": 3.0, "denominator": None, "unit": "count"}) == "c"
    assert public_value({"value": 1672.0, "numerator": 1672.0, "denominator": None, "unit": "count"}) == "1,670"
    assert public_value(None, "count") == "no data"


# --------------------------------------------------------------------------- the checker


SERVICES = ["SLT", "OT", "PHYSIO", "CDS", "ND"]


def test_the_checker_finds_a_cell_recoverable_by_subtraction():
    sums = one_way("all", SERVICES)
    assert recoverable(sums, {"OT"}) == {"OT"}  # all - the four others
    assert recoverable(sums, {"OT", "CDS"}) == frozenset()
    assert recoverable(sums, {"OT", "all"}) == frozenset()
    assert recoverable(sums, set()) == frozenset()


def test_the_checker_follows_recovery_through_several_equations():
    sums = two_way(["r1", "r2"], ["x", "y"], row_total="T", column_total="A")
    # a pair in one row: each is alone in its column, so the column sums give both away
    assert recoverable(sums, {("r1", "x"), ("r1", "y")}) == {("r1", "x"), ("r1", "y")}
    # a rectangle: every line has two hidden cells and no combination isolates one
    rectangle = {("r1", "x"), ("r1", "y"), ("r2", "x"), ("r2", "y")}
    assert recoverable(sums, rectangle) == frozenset()
    # an L of three: the corner is in two lines, each of whose other cell is alone in another line
    assert recoverable(sums, {("r1", "x"), ("r1", "y"), ("r2", "x")}) == {("r1", "x"), ("r1", "y"), ("r2", "x")}


def test_the_checker_agrees_with_brute_force_on_every_pattern_of_a_small_table():
    """recoverable() against an independent test: a hidden cell is recoverable when every
    solution of the equations (over the hidden cells) gives it the same value."""
    sums = two_way(["a", "b"], ["x", "y"], row_total="T", column_total="A")
    cells = sorted({c for s in sums for c in (s.total, *s.parts)})
    for size in range(1, 5):
        for hidden in itertools.combinations(cells, size):
            found = recoverable(sums, hidden)
            for cell in hidden:
                assert (cell in found) == _pinned(sums, hidden, cell), (hidden, cell)


def _pinned(sums, hidden, cell) -> bool:
    """True when the homogeneous system (shown cells = 0) forces ``cell`` to 0 over small integers."""
    for values in itertools.product(range(-2, 3), repeat=len(hidden)):
        given = dict(zip(hidden, values))
        if given[cell] == 0:
            continue
        if all(given.get(s.total, 0) == sum(given.get(p, 0) for p in s.parts) for s in sums):
            return False  # a non-zero solution: the cell can differ from the published one
    return True


def test_a_small_sum_of_hidden_cells_is_caught():
    sums = one_way("all", ["a", "b", "c"])
    values = {"all": 23, "a": 3, "b": 0, "c": 20}
    assert small_groups(values, sums, {"a", "b"}) == [("a", "b")]  # 23 - 20 = 3 for the pair
    assert small_groups(values, sums, {"a", "c"}) == []


# --------------------------------------------------------------------------- secondary suppression


def test_one_hidden_service_gets_the_smallest_other_hidden_with_it():
    sums = one_way("all", SERVICES)
    values = {"SLT": 40, "OT": 3, "PHYSIO": 12, "CDS": 9, "ND": 61, "all": 125}
    hidden = secondary_suppression(values, sums)
    assert hidden == {"OT", "CDS"}
    assert not recoverable(sums, hidden)
    assert "all" not in hidden  # the total stays shown


def test_a_zero_is_not_enough_to_protect_a_small_cell():
    sums = one_way("all", ["EHCP", "SEN_support", "no_SEN"])
    values = {"EHCP": 2, "SEN_support": 0, "no_SEN": 40, "all": 42}
    hidden = secondary_suppression(values, sums)
    assert hidden == {"EHCP", "no_SEN"}  # hiding the 0 would leave 42 - 40 = 2 for the pair


def test_two_small_cells_need_no_more_unless_their_sum_is_small():
    sums = one_way("all", SERVICES)
    big = {"SLT": 40, "OT": 3, "PHYSIO": 12, "CDS": 4, "ND": 61, "all": 120}
    assert secondary_suppression(big, sums) == {"OT", "CDS"}  # each protects the other; together 7
    small = {"SLT": 40, "OT": 1, "PHYSIO": 12, "CDS": 2, "ND": 61, "all": 116}
    hidden = secondary_suppression(small, sums)
    assert hidden == {"OT", "CDS", "PHYSIO"}  # 1 + 2 = 3 would be given away for the pair
    assert not recoverable(sums, hidden) and not small_groups(small, sums, hidden)


def test_nothing_is_hidden_when_nothing_is_small():
    sums = one_way("all", SERVICES)
    values = {"SLT": 40, "OT": 30, "PHYSIO": 12, "CDS": 9, "ND": 61, "all": 152}
    assert secondary_suppression(values, sums) == frozenset()


def test_a_two_way_table_hides_a_rectangle():
    rows, columns = ["EHCP", "SEN_support"], ["girls", "boys"]
    sums = two_way(rows, columns, row_total="all", column_total="total")
    values = {("EHCP", "girls"): 3, ("EHCP", "boys"): 20, ("SEN_support", "girls"): 30, ("SEN_support", "boys"): 45,
              ("EHCP", "total"): 23, ("SEN_support", "total"): 75, ("all", "girls"): 33, ("all", "boys"): 65,
              ("all", "total"): 98}
    hidden = secondary_suppression(values, sums)
    assert ("EHCP", "girls") in hidden and len(hidden) == 4
    assert not recoverable(sums, hidden)
    assert not any(key[1] == "total" or key[0] == "all" for key in hidden)  # parts, not margins


def test_rates_protect_their_numerators_and_denominators():
    sums = one_way("all", SERVICES)
    waiting = {"SLT": 40, "OT": 3, "PHYSIO": 12, "CDS": 9, "ND": 61, "all": 125}
    over_18 = {"SLT": 20, "OT": 1, "PHYSIO": 6, "CDS": 5, "ND": 30, "all": 62}
    hidden_waiting, hidden_rates = suppress_rates(over_18, waiting, sums)
    assert hidden_waiting == {"OT", "CDS"}
    assert hidden_rates >= hidden_waiting  # a rate whose denominator is hidden is hidden
    assert not recoverable(sums, hidden_rates)  # numerators = rate x denominator are protected


def test_a_small_numerator_alone_gets_a_partner():
    sums = one_way("all", SERVICES)
    waiting = {"SLT": 40, "OT": 30, "PHYSIO": 12, "CDS": 9, "ND": 61, "all": 152}
    over_52 = {"SLT": 20, "OT": 2, "PHYSIO": 6, "CDS": 5, "ND": 30, "all": 63}
    hidden_waiting, hidden_rates = suppress_rates(over_52, waiting, sums)
    assert hidden_waiting == frozenset()
    assert "OT" in hidden_rates and len(hidden_rates) == 2 and "all" not in hidden_rates


def test_medians_are_hidden_with_their_denominators():
    sums = one_way("all", SERVICES)
    waiting = {"SLT": 40, "OT": 3, "PHYSIO": 12, "CDS": 9, "ND": 61, "all": 125}
    medians = {k: None for k in waiting}
    _, hidden = suppress_rates(medians, waiting, sums, unit="weeks")
    assert hidden == {"OT", "CDS"}


def test_custom_sums_and_the_fallback_beyond_four_extra_cells():
    sums = (Sum("all", ("a", "b")), Sum("all", ("c", "d")))  # two ways of adding up to one total
    values = {"all": 40, "a": 2, "b": 38, "c": 20, "d": 20}
    hidden = secondary_suppression(values, sums, max_extra=0)  # greedy only
    assert "a" in hidden and not d.disclosive(values, sums, hidden)
