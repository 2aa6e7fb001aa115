"""SPC (XmR, NHS England "Making Data Count") as /work/shared/design/SPC.md describes it.

Every expected mean, limit, flag, type and icon below was worked out by hand from SPC.md,
not copied from the code: each series is small and chosen so that its mean and average
moving range (MRbar) are easy on paper (the arithmetic is in a comment beside it).
Limits are mean ± 2.66·MRbar, two-sigma lines mean ± 1.7733·MRbar; ``ptd`` drops moving
ranges ≥ 3.267·MRbar once and recomputes MRbar (mean unchanged).
"""
from __future__ import annotations

import pytest

from pipeline.analysis.spc import (COMMON_CAUSE, CONCERN, FAIL, HIGH, HIT_AND_MISS, IMPROVEMENT, LOW, NEUTRAL, NO_DATA,
                                   OUTSIDE, PASS, SHIFT, TREND, TWO_OF_THREE, analyse)

BOTH = pytest.mark.parametrize("profile", ["mdc", "ptd"])
# mean 78/13 = 6; 12 moving ranges of 13 -> MRbar 13; limits 6 ± 34.58; 3.267·13 = 42.5: none screened
STEADY = [0, 13] * 6 + [0]
# mean 0; moving ranges 300 x 4, 0 x 8 -> MRbar 1200/12 = 100; limits ±266 (screen 326.7: none dropped)
HIGH_AND_LOW = [0, 300, 0, -300] + [0] * 9


def flags(analysis, rule):
    """{index: side} of the points ``rule`` flagged."""
    return {p.index: p.flagged_by(rule) for p in analysis.points if p.flagged_by(rule)}


def limits(lines):
    return lines.mean, lines.upper, lines.lower


# --------------------------------------------------------------------------- single point


@BOTH
def test_a_point_outside_a_limit_is_flagged(profile):
    a = analyse(HIGH_AND_LOW, profile=profile)
    assert limits(a.points[0].lines) == pytest.approx((0, 266, -266))
    assert flags(a, OUTSIDE) == {1: HIGH, 3: LOW}  # 300 > 266, -300 < -266


@BOTH
def test_a_point_on_a_limit_is_not_flagged(profile):
    # mean 0; MRs 266 x 4 + 17 x 8 = 1200 over 12 -> MRbar 100, limits ±266 exactly
    a = analyse([0, 266, 0, -266, 0, 17, 0, -17, 0, 17, 0, -17, 0], profile=profile)
    assert limits(a.points[0].lines) == pytest.approx((0, 266, -266))
    assert [p.flags for p in a.points] == [[]] * 13
    assert {p.point_type for p in a.points} == {COMMON_CAUSE}


# --------------------------------------------------------------------------- shift


def shift_series(k):
    """0, k points above (1, 9, 1, ...), 0, the mirror image below, 0: mean 0 by symmetry.
    MRbar is 68/12, 100/14, 100/16 for k = 5, 6, 7, so two-sigma >= 10.05 > 9: no other rule."""
    run = [1, 9] * 4
    return [0] + run[:k] + [0] + [-v for v in run[:k]] + [0]


@pytest.mark.parametrize("profile, k, flagged", [
    ("mdc", 5, False), ("mdc", 6, True), ("mdc", 7, True),
    ("ptd", 5, False), ("ptd", 6, False), ("ptd", 7, True)])
def test_shift_of_exactly_k_points(profile, k, flagged):
    a = analyse(shift_series(k), profile=profile)
    assert a.points[0].lines.mean == pytest.approx(0)
    expected = {**{i: HIGH for i in range(1, k + 1)}, **{i: LOW for i in range(k + 2, 2 * k + 2)}}
    assert flags(a, SHIFT) == (expected if flagged else {})  # every point of the run
    assert all(p.flags == [(SHIFT, p.flagged_by(SHIFT))] for p in a.points if p.flags)


@BOTH
def test_a_point_on_the_mean_breaks_a_shift(profile):
    # seven points above with the fourth on the mean 0 (and the mirror image): runs of 3 and 3
    # MRs (1+8+8+1+9+8+8+9) x 2 = 104 over 16 -> MRbar 6.5, two-sigma 11.5 > 9
    values = [0, 1, 9, 1, 0, 9, 1, 9, 0, -1, -9, -1, 0, -9, -1, -9, 0]
    a = analyse(values, profile=profile)
    assert a.points[0].lines.mean == pytest.approx(0)
    assert flags(a, SHIFT) == {}


# --------------------------------------------------------------------------- trend

# a zigzag ±10 around the mean 0, then a rise from -3 to 3 (crossing the mean), then the zigzag:
# 10 -> -3 and 3 -> -10 end the rise; MRs 20 x 6 + 13 x 2 + 6 = 152 -> MRbar 152/14 (k=7), 152/13
# (k=6), so the limits are beyond ±28 and two-sigma beyond ±19: no other rule fires.
RISE = {6: [-3, -2, -1, 1, 2, 3], 7: [-3, -2, -1, 0, 1, 2, 3]}


def trend_series(rise, sign=1):
    return [sign * v for v in [-10, 10, -10, 10] + rise + [-10, 10, -10, 10]]


@pytest.mark.parametrize("profile, k, flagged", [("mdc", 6, True), ("mdc", 7, True),
                                                  ("ptd", 6, False), ("ptd", 7, True)])
@pytest.mark.parametrize("sign, side", [(1, HIGH), (-1, LOW)])  # a rising and a falling trend
def test_trend_of_exactly_k_points(profile, k, flagged, sign, side):
    a = analyse(trend_series(RISE[k], sign), profile=profile)
    assert a.points[0].lines.mean == pytest.approx(0)
    assert flags(a, TREND) == ({i: side for i in range(4, 4 + k)} if flagged else {})  # every point
    assert all(p.flags == [(TREND, side)] for p in a.points if p.flags)


@BOTH
def test_an_equal_value_breaks_a_trend(profile):
    a = analyse(trend_series([-3, -2, -1, 0, 0, 1, 2, 3]), profile=profile)  # rises of 4 and 4
    assert flags(a, TREND) == {}


# --------------------------------------------------------------------------- two of three


def window_series(window, pad=4):
    """Zeros around ``window`` and its mirror image: mean 0.  With pad 4 (19 points), every window
    below has |w0| + |w0-w1| + |w1-w2| + |w2| = 36, so MRbar = 72/18 = 4: two-sigma ±7.0932,
    limits ±10.64 (and the screen 3.267·4 = 13.07 drops nothing)."""
    return [0] * pad + list(window) + [0] * (pad + 1) + [-v for v in window] + [0] * pad


@BOTH
def test_two_of_three_beyond_two_sigma_flags_only_those_beyond(profile):
    a = analyse(window_series((10, 2, 10)), profile=profile)  # 10 > 7.09 (< 10.64); 2 is not
    assert limits(a.points[0].lines) == pytest.approx((0, 10.64, -10.64))
    assert a.points[0].lines.upper_two_sigma == pytest.approx(7.0932)
    assert flags(a, TWO_OF_THREE) == {4: HIGH, 6: HIGH, 12: LOW, 14: LOW}
    assert a.points[5].flags == []


@BOTH
def test_a_point_beyond_the_limit_does_not_count_towards_two_of_three(profile):
    a = analyse(window_series((12, 2, 8)), profile=profile)  # 12 > 10.64: outside; only 8 counts
    assert flags(a, OUTSIDE) == {4: HIGH, 12: LOW}
    assert flags(a, TWO_OF_THREE) == {}


@BOTH
def test_two_of_three_needs_all_three_on_the_same_side(profile):
    a = analyse(window_series((8, -2, 8)), profile=profile)  # 8 > 7.09 twice, but -2 is below the mean
    assert flags(a, TWO_OF_THREE) == {}


@BOTH
@pytest.mark.parametrize("window, flagged", [
    ((10.64, 3.64, 8), {3: HIGH, 5: HIGH, 10: LOW, 12: LOW}),  # ON the limit is not beyond it: it counts
    ((7.0932, 0.0932, 8), {}),  # ON the two-sigma line is not beyond it: only 8 counts
])
def test_two_of_three_on_the_lines(profile, window, flagged):
    # three zeros either side: MRs 10.64 + 7 + 4.36 + 8 = 7.0932 + 7 + 7.9068 + 8 = 30, twice = 60
    # over 15 -> MRbar 4 again: two-sigma ±7.0932, limits ±10.64
    a = analyse(window_series(window, pad=3), profile=profile)
    assert limits(a.points[0].lines) == pytest.approx((0, 10.64, -10.64))
    assert flags(a, TWO_OF_THREE) == flagged
    assert flags(a, OUTSIDE) == {}


# --------------------------------------------------------------------------- 13 points


def test_twelve_points_in_mdc_are_a_run_chart():
    # halves of six below and six above the mean (1+2)·3 + (11+12)·3 = 78 -> 6.5: would be shifts
    a = analyse([1, 2, 1, 2, 1, 2, 11, 12, 11, 12, 11, 12], polarity="up", target=0, profile="mdc")
    assert not a.has_limits and a.points[0].lines.mean == pytest.approx(6.5)
    assert all(p.lines.upper is None and p.point_type == COMMON_CAUSE and not p.flags for p in a.points)
    assert (a.variation, a.assurance) == (None, None)
    assert a.warnings


def test_twelve_points_in_ptd_have_limits_and_a_warning():
    a = analyse([0, 13] * 6, profile="ptd")  # mean 6.5, MRbar 13 -> 6.5 ± 34.58
    assert a.has_limits and limits(a.points[0].lines) == pytest.approx((6.5, 41.08, -28.08))
    assert a.variation == COMMON_CAUSE and a.warnings


@BOTH
def test_thirteen_points_have_limits(profile):
    a = analyse(STEADY, profile=profile)
    assert a.has_limits and limits(a.points[-1].lines) == pytest.approx((6, 40.58, -28.58))
    assert a.warnings == []


@BOTH
def test_a_constant_series_is_common_cause(profile):
    a = analyse([5] * 13, profile=profile)  # MRbar 0: limits and mean all 5, every point on them
    assert limits(a.points[0].lines) == pytest.approx((5, 5, 5))
    assert all(p.flags == [] and p.point_type == COMMON_CAUSE for p in a.points)
    assert a.variation == COMMON_CAUSE


# --------------------------------------------------------------------------- rebase


@BOTH
def test_each_period_has_its_own_mean_and_limits(profile):
    labels = [f"m{i:02}" for i in range(26)]
    values = STEADY + [v + 100 for v in STEADY]  # second period: mean 106, MRbar 13 -> 106 ± 34.58
    a = analyse(values, labels, rebases=["m13"], polarity="up", target=50, profile=profile)
    assert [p.period for p in a.points] == [0] * 13 + [1] * 13
    assert limits(a.points[12].lines) == pytest.approx((6, 40.58, -28.58))
    assert limits(a.points[13].lines) == pytest.approx((106, 140.58, 71.42))
    assert {p.point_type for p in a.points} == {COMMON_CAUSE}  # no shift after the rebase
    assert a.assurance == PASS  # 50 < 71.42, the last period's lower limit


@pytest.mark.parametrize("profile, flagged", [("mdc", True), ("ptd", False)])
def test_a_shift_may_run_across_a_rebase_in_mdc_only(profile, flagged):
    # period 0: mean 0, MRs 8+8+5 = 21/6 -> MRbar 3.5, ends with four points above its mean;
    # period 1: mean -70/7 = -10, MRs 4+6+6+3 = 19/6, starts with three points above ITS mean
    # (-9 > -10, though below period 0's mean): 4 + 3 = 7 consecutive points above
    values = [-4, 4, -4, 1, 1, 1, 1] + [-9, -9, -9, -13, -7, -13, -10]
    a = analyse(values, rebases=[7], profile=profile)
    assert [p.lines.mean for p in (a.points[0], a.points[7])] == pytest.approx([0, -10])
    assert [p.lines.moving_range_mean for p in (a.points[0], a.points[7])] == pytest.approx([3.5, 19 / 6])
    assert flags(a, SHIFT) == ({i: HIGH for i in range(3, 10)} if flagged else {})
    assert all(p.flagged_by(SHIFT) for p in a.points if p.flags)


# --------------------------------------------------------------------------- screening


@pytest.mark.parametrize("profile, mr_bar, upper, lower", [
    ("mdc", 5, 26.3, -0.3),   # 11 MRs of 2 + 38 = 60/12 = 5; 13 ± 13.3
    ("ptd", 2, 18.32, 7.68),  # 38 >= 3.267·5 = 16.3 dropped: 22/11 = 2; 13 ± 5.32
])
def test_moving_range_screening_only_in_ptd(profile, mr_bar, upper, lower):
    a = analyse([9, 11] * 6 + [49], profile=profile)  # mean (54 + 66 + 49)/13 = 13
    lines = a.points[0].lines
    assert lines.moving_range_mean == pytest.approx(mr_bar)
    assert limits(lines) == pytest.approx((13, upper, lower))


def test_a_moving_range_exactly_at_the_screen_is_dropped():
    # MRs 8.733 x 11 and 44.67 - 8.733 = 35.937: MRbar (96.063 + 35.937)/12 = 11, and 3.267·11 = 35.937
    values = [0, 8.733] * 6 + [44.67]
    assert analyse(values, profile="mdc").points[0].lines.moving_range_mean == pytest.approx(11)
    assert analyse(values, profile="ptd").points[0].lines.moving_range_mean == pytest.approx(8.733)


# --------------------------------------------------------------------------- polarity, conflicts


@BOTH
@pytest.mark.parametrize("polarity, high, low", [("up", IMPROVEMENT, CONCERN), ("down", CONCERN, IMPROVEMENT),
                                                 ("neutral", NEUTRAL, NEUTRAL)])
def test_polarity_decides_improvement_or_concern(profile, polarity, high, low):
    a = analyse(HIGH_AND_LOW, polarity=polarity, profile=profile)
    assert [p.point_type for p in a.points] == [COMMON_CAUSE, high, COMMON_CAUSE, low] + [COMMON_CAUSE] * 9
    assert (a.points[1].side, a.points[3].side) == (HIGH, LOW)


# mean (13-2+13-2+6+0) - 28 = 0; MRs 15·3 + 8 + 6 + 7 + 1·6 = 72/12 -> MRbar 6, two-sigma ±10.64:
# the last seven points rise (a high trend) and are all below the mean (a low shift)
RISING_BELOW = [13, -2, 13, -2, 6, 0, -7, -6, -5, -4, -3, -2, -1]


@pytest.mark.parametrize("profile, polarity, point_type, side, icon", [
    ("mdc", "up", IMPROVEMENT, HIGH, "improvement_high"),
    ("mdc", "down", IMPROVEMENT, LOW, "improvement_low"),  # improvement wins
    ("ptd", "up", IMPROVEMENT, HIGH, "improvement_high"),
    ("ptd", "down", CONCERN, HIGH, "concern_high"),  # trend comes before shift
])
def test_a_point_flagged_both_ways(profile, polarity, point_type, side, icon):
    a = analyse(RISING_BELOW, polarity=polarity, profile=profile)
    run = a.points[6:]
    assert all(p.flagged_by(TREND) == HIGH and p.flagged_by(SHIFT) == LOW for p in run)
    assert all(p.flags == [] for p in a.points[:6])
    assert {(p.point_type, p.side) for p in run} == {(point_type, side)}
    assert a.variation == icon


# --------------------------------------------------------------------------- the turn of a trend
# SPC.md: a point at the turn of a trend (the last of a falling run and the first of a rising one)
# carries the trend both ways: mdc shows improvement; ptd takes the direction of the step to the
# next point when that point is in a trend of the same period, else the step from the previous
# point (a flat step reads as falling).  Each series below has mean 0 (the sums are 0), a zigzag
# of ±10 (or -13/-12 to balance the sum) either side, and no value beyond ±13, inside every
# two-sigma line: only trends (and, where said, shifts) fire.

# a V: 6 down to -6 (points 4-10, 7 points) and -6 up to 6 (points 10-16): the turn is point 10.
# Sum 10 - 10 + 10 - 13 + 6 - 13 + 10 - 10 + 10 = 0.  MRs 20, 20, 23, 19, 12 x 2, 19, 23, 20, 20 =
# 188 over 20 -> MRbar 9.4: two-sigma ±16.67, limits ±25.0.  Above the mean at most 3 in a row,
# below it 5 (-2 .. -2): no shift.
V7 = [10, -10, 10, -13, 6, 4, 2, 0, -2, -4, -6, -4, -2, 0, 2, 4, 6, -13, 10, -10, 10]
# the same with runs of 6 (points 4-9 and 9-14, the turn is point 9): sum 10 - 10 + 10 - 13 + 5 - 12
# + 10 - 10 + 10 = 0; MRs 20, 20, 23, 18, 10 x 2, 17, 22, 20, 20 = 180 over 18 -> MRbar 10
V6 = [10, -10, 10, -13, 5, 3, 1, -1, -3, -5, -3, -1, 1, 3, 5, -12, 10, -10, 10]


@pytest.mark.parametrize("sign, polarity, profile, expected", [
    # a V: the turn is the bottom; the step to the next point rises
    (1, "up", "mdc", (IMPROVEMENT, HIGH)), (1, "up", "ptd", (IMPROVEMENT, HIGH)),
    (1, "down", "mdc", (IMPROVEMENT, LOW)), (1, "down", "ptd", (CONCERN, HIGH)),
    # its mirror image, a peak: the step to the next point falls
    (-1, "up", "mdc", (IMPROVEMENT, HIGH)), (-1, "up", "ptd", (CONCERN, LOW)),
    (-1, "down", "mdc", (IMPROVEMENT, LOW)), (-1, "down", "ptd", (IMPROVEMENT, LOW)),
])
def test_the_turn_of_a_trend_of_seven(sign, polarity, profile, expected):
    a = analyse([sign * v for v in V7], polarity=polarity, profile=profile)
    first, then = (LOW, HIGH) if sign == 1 else (HIGH, LOW)
    turn = {10: "both"} if profile == "mdc" else {10: then}  # ptd: one side, the step to point 11
    assert flags(a, TREND) == {**{i: first for i in range(4, 10)}, **turn, **{i: then for i in range(11, 17)}}
    assert all(rule == TREND for p in a.points for rule, _ in p.flags)
    assert (a.points[10].point_type, a.points[10].side) == expected


@pytest.mark.parametrize("sign, polarity, expected", [
    (1, "up", (IMPROVEMENT, HIGH)), (1, "down", (IMPROVEMENT, LOW)),
    (-1, "up", (IMPROVEMENT, HIGH)), (-1, "down", (IMPROVEMENT, LOW))])
def test_the_turn_of_a_trend_of_six_is_improvement_in_mdc_and_nothing_in_ptd(sign, polarity, expected):
    a = analyse([sign * v for v in V6], polarity=polarity, profile="mdc")
    first, then = (LOW, HIGH) if sign == 1 else (HIGH, LOW)
    assert flags(a, TREND) == {**{i: first for i in range(4, 9)}, 9: "both", **{i: then for i in range(10, 15)}}
    assert (a.points[9].point_type, a.points[9].side) == expected
    assert all(p.flags == [] for p in analyse([sign * v for v in V6], profile="ptd").points)  # 6 < 7


@BOTH
def test_the_last_point_of_a_trend_before_a_point_outside_any_trend_takes_the_step_from_the_previous(profile):
    # 6 down to -6 (points 4-10), then up to 10: point 11 is in no trend, so ptd takes point 10's
    # step from point 9 (falling), not its step to point 11 (rising).  Sum 0; MRs 20 x 6, 16 x 2,
    # 2 x 6 = 164 over 14 -> MRbar 11.7, two-sigma ±20.8; runs above or below the mean at most 3.
    a = analyse([10, -10, 10, -10, 6, 4, 2, 0, -2, -4, -6, 10, -10, 10, -10], polarity="up", profile=profile)
    assert flags(a, TREND) == {i: LOW for i in range(4, 11)}
    assert (a.points[10].point_type, a.points[10].side) == (CONCERN, LOW)


@pytest.mark.parametrize("profile, trend, point_10", [
    # mdc: point 10 is only in the rise (the equal 6 breaks it); points 8-13 (2, 4, 6, 6, 4, 2) are
    # six above the mean, a shift: improvement either way
    ("mdc", {**{i: HIGH for i in range(4, 11)}, **{i: LOW for i in range(11, 18)}}, (IMPROVEMENT, HIGH)),
    # ptd: point 11 is in the fall, so point 10 takes its step to point 11: flat, read as falling
    ("ptd", {**{i: HIGH for i in range(4, 10)}, **{i: LOW for i in range(10, 18)}}, (CONCERN, LOW)),
])
def test_a_flat_step_into_a_trend_reads_as_falling_in_ptd(profile, trend, point_10):
    # -6 up to 6 (points 4-10), 6 again, down to -6 (points 11-17).  Sum 0; MRs 20 x 6, 16 x 2, 2 x 12,
    # 0 = 176 over 21 -> MRbar 8.38, two-sigma ±14.9 > 10
    values = [-10, 10, -10, 10, -6, -4, -2, 0, 2, 4, 6, 6, 4, 2, 0, -2, -4, -6, 10, -10, 10, -10]
    a = analyse(values, polarity="up", profile=profile)
    assert flags(a, TREND) == trend
    assert flags(a, SHIFT) == ({i: HIGH for i in range(8, 14)} if profile == "mdc" else {})
    assert (a.points[10].point_type, a.points[10].side) == point_10


@pytest.mark.parametrize("profile, polarity, trend, shift, point_10", [
    # mdc: runs cross the rebase: the rise (points 4-10) meets the fall 6, 5, ..., -7 (points 10-17);
    # 2, 4, 6 | 5, 3, 1 are six above their means (points 8-13), a shift
    ("mdc", "up", {**{i: HIGH for i in range(4, 10)}, 10: "both", **{i: LOW for i in range(11, 18)}},
     {i: HIGH for i in range(8, 14)}, (IMPROVEMENT, HIGH)),
    ("mdc", "down", {**{i: HIGH for i in range(4, 10)}, 10: "both", **{i: LOW for i in range(11, 18)}},
     {i: HIGH for i in range(8, 14)}, (IMPROVEMENT, LOW)),
    # ptd: point 10 ends period 0; point 11, in a trend of period 1, is not "the next point in a trend
    # of the same period", so point 10 takes its step from point 9: rising
    ("ptd", "up", {**{i: HIGH for i in range(4, 11)}, **{i: LOW for i in range(11, 18)}}, {}, (IMPROVEMENT, HIGH)),
    ("ptd", "down", {**{i: HIGH for i in range(4, 11)}, **{i: LOW for i in range(11, 18)}}, {}, (CONCERN, HIGH)),
])
def test_a_turn_at_a_rebase(profile, polarity, trend, shift, point_10):
    # period 0: -6 up to 6 (points 4-10), sum 0, MRs 20 x 3 + 16 + 2 x 6 = 88 over 10 -> MRbar 8.8;
    # period 1 from point 11: 5 down to -7 (points 11-17), sum 0, MRs 2 x 6 + 17 + 20 + 20 + 13 = 82
    # over 10 -> MRbar 8.2, two-sigma ±14.5.  Both means 0.
    values = [-10, 10, -10, 10, -6, -4, -2, 0, 2, 4, 6] + [5, 3, 1, -1, -3, -5, -7, 10, -10, 10, -3]
    a = analyse(values, rebases=[11], polarity=polarity, profile=profile)
    assert [p.lines.mean for p in (a.points[0], a.points[11])] == pytest.approx([0, 0])
    assert flags(a, TREND) == trend
    assert flags(a, SHIFT) == shift
    assert (a.points[10].point_type, a.points[10].side) == point_10


# --------------------------------------------------------------------------- icons

# mean 0, MRs 300 x 3 -> MRbar 900/12 = 75, limits ±199.5 (mdc); in ptd 300 >= 3.267·75 = 245 is
# dropped, leaving MRbar 0 and limits 0: either way only the ±300 points are outside
ENDS_HIGH, ENDS_LOW = [0] * 10 + [-300, 0, 300], [0] * 10 + [300, 0, -300]


@BOTH
@pytest.mark.parametrize("values, polarity, icon", [
    (HIGH_AND_LOW, "up", "common_cause"), (ENDS_HIGH, "up", "improvement_high"),
    (ENDS_HIGH, "down", "concern_high"), (ENDS_LOW, "down", "improvement_low"),
    (ENDS_LOW, "up", "concern_low"), (ENDS_HIGH, "neutral", "neutral_high")])
def test_variation_icon_comes_from_the_last_point(profile, values, polarity, icon):
    assert analyse(values, polarity=polarity, profile=profile).variation == icon


# STEADY: limits 6 ± 34.58 = 40.58 and -28.58 in both profiles
@BOTH
@pytest.mark.parametrize("polarity, target, icon", [
    ("up", -30, PASS), ("up", 50, FAIL), ("up", 6, HIT_AND_MISS),
    ("down", -30, FAIL), ("down", 50, PASS), ("down", 6, HIT_AND_MISS)])
def test_assurance_compares_the_target_with_the_limits(profile, polarity, target, icon):
    assert analyse(STEADY, polarity=polarity, target=target, profile=profile).assurance == icon


@pytest.mark.parametrize("polarity, target, mdc, ptd", [
    ("up", -28.58, PASS, HIT_AND_MISS), ("up", 40.58, FAIL, HIT_AND_MISS),
    ("down", -28.58, FAIL, HIT_AND_MISS), ("down", 40.58, PASS, HIT_AND_MISS)])
def test_a_target_on_a_limit(polarity, target, mdc, ptd):
    assert analyse(STEADY, polarity=polarity, target=target, profile="mdc").assurance == mdc
    assert analyse(STEADY, polarity=polarity, target=target, profile="ptd").assurance == ptd


@BOTH
@pytest.mark.parametrize("polarity, target", [("up", None), ("down", None), ("neutral", 50)])
def test_no_assurance_without_a_target_and_a_polarity(profile, polarity, target):
    assert analyse(STEADY, polarity=polarity, target=target, profile=profile).assurance is None


# --------------------------------------------------------------------------- missing values and bad input


@BOTH
def test_missing_values_take_no_part(profile):
    values = STEADY[:6] + [None] + STEADY[6:]  # the gap falls between 13 and 0: MRbar 13 either way
    a = analyse(values, profile=profile)
    assert a.points[6].value is None and a.points[6].point_type == NO_DATA and a.points[6].flags == []
    assert limits(a.points[0].lines) == pytest.approx((6, 40.58, -28.58))
    assert {p.point_type for i, p in enumerate(a.points) if i != 6} == {COMMON_CAUSE}


def test_a_missing_value_is_not_one_of_the_13_points():
    a = analyse([0, 13] * 6 + [None], profile="mdc")  # 12 points with data
    assert not a.has_limits and a.points[0].lines.upper is None and a.warnings


@pytest.mark.parametrize("values, kwargs", [
    (STEADY, {"polarity": "sideways"}),
    (STEADY, {"rebases": [13]}), (STEADY, {"rebases": [99]}), (STEADY, {"rebases": [-1]}),
    (STEADY, {"rebases": ["2030-01"]}),
    ([], {}), ([None, None], {})])
def test_bad_input_raises(values, kwargs):
    with pytest.raises(ValueError):
        analyse(values, **kwargs)


def test_an_unknown_profile_name_is_a_value_error():
    with pytest.raises(ValueError, match="profile 'nhs' is not one of mdc, ptd"):
        analyse([1.0] * 13, profile="nhs")
