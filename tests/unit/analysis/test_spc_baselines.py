"""SPC baselines ("fix limits") as /work/shared/design/SPC.md describes them.

"The mean, moving ranges and limits of a period come from its first ``n`` points only (``n``
set per measure, at least 13 in ``mdc``); the later points of that period are drawn and judged
against those fixed lines and do not move them ... A baseline and a rebase combine: each
period has its own baseline."  Every expected value was worked out by hand from SPC.md (the
arithmetic is in a comment beside it), not copied from the code.  Choices SPC.md leaves open
(docs/spc.md): points count when they have data; a period with ``n`` points or fewer takes its
lines from all of them (with a warning when fewer); ``ptd`` needs at least 12 (as
NHSRplotthedots' ``fix_after_n_points`` does) and screens only the baseline's moving ranges.
"""
from __future__ import annotations

import pytest

from pipeline.analysis.spc import HIGH, IMPROVEMENT, LOW, OUTSIDE, SHIFT, analyse

BOTH = pytest.mark.parametrize("profile", ["mdc", "ptd"])
# the baseline: mean 78/13 = 6; 12 moving ranges of 13 -> MRbar 13; limits 6 ± 2.66·13 = 6 ± 34.58
# (40.58 and -28.58); two-sigma 6 ± 1.7733·13 = 6 ± 23.05 (29.05 and -17.05); ptd's screen
# 3.267·13 = 42.47 drops nothing.  On its own it is common cause in both profiles.
STEADY = [0, 13] * 6 + [0]
FIXED = (6, 40.58, -28.58)


def flags(analysis, rule):
    """{index: side} of the points ``rule`` flagged."""
    return {p.index: p.flagged_by(rule) for p in analysis.points if p.flagged_by(rule)}


def limits(lines):
    return lines.mean, lines.upper, lines.lower


@BOTH
def test_later_points_are_judged_against_the_fixed_lines_and_do_not_move_them(profile):
    # seven later points at 20: above the fixed mean 6 (a shift of 7, in both profiles), inside
    # the limits and below the two-sigma line 29.05; 0 -> 20 -> 20 is no trend (an equal value)
    a = analyse(STEADY + [20] * 7, polarity="up", baseline=13, profile=profile)
    assert all(limits(p.lines) == pytest.approx(FIXED) for p in a.points)
    assert a.points[19].lines.moving_range_mean == pytest.approx(13)
    assert flags(a, SHIFT) == {i: HIGH for i in range(13, 20)}
    assert all(p.flags == [(SHIFT, HIGH)] for p in a.points[13:]) and all(not p.flags for p in a.points[:13])
    assert a.variation == "improvement_high" and a.baseline_ends == [12] and a.warnings == []
    # without the baseline the later points pull the mean to (78 + 140)/20 = 10.9
    assert analyse(STEADY + [20] * 7, profile=profile).points[0].lines.mean == pytest.approx(10.9)


@BOTH
def test_a_later_point_outside_the_fixed_limits_is_flagged(profile):
    # 45 > 40.58 twice.  Without the baseline the limits would widen: mean (78 + 90)/15 = 11.2
    a = analyse(STEADY + [45, 45], baseline=13, profile=profile)
    assert flags(a, OUTSIDE) == {13: HIGH, 14: HIGH}
    assert limits(a.points[14].lines) == pytest.approx(FIXED)


@BOTH
def test_a_later_point_on_a_fixed_limit_is_not_flagged(profile):
    # 40.58 and -28.58 sit on the fixed limits (not flagged); 41 and -29 are beyond them; every
    # three later points hold a 6 (on the mean), so no shift and no two of three
    later = [40.58, 6, -28.58, 6, 41, 6, -29]
    a = analyse(STEADY + later, baseline=13, profile=profile)
    assert limits(a.points[13].lines) == pytest.approx(FIXED)
    assert {p.index: p.flags for p in a.points if p.flags} == {17: [(OUTSIDE, HIGH)], 19: [(OUTSIDE, LOW)]}


@BOTH
def test_each_period_has_its_own_baseline(profile):
    # period 0: STEADY then 45, 45 (points 0-14): fixed at 6 ± 34.58, both 45s outside (45 is beyond
    # two-sigma too, but beyond the limit it does not count towards two of three);
    # period 1 from point 15: STEADY + 100 then 60 (points 15-28): 106 ± 34.58 = 140.58 and 71.42
    # from points 15-27, and 60 < 71.42.  No run reaches 6: 45, 45 | 100 (below 106), 113, ...
    values = STEADY + [45, 45] + [v + 100 for v in STEADY] + [60]
    a = analyse(values, rebases=[15], baseline=13, profile=profile)
    assert [p.period for p in a.points] == [0] * 15 + [1] * 14
    assert limits(a.points[14].lines) == pytest.approx(FIXED)
    assert limits(a.points[28].lines) == pytest.approx((106, 140.58, 71.42))
    assert {p.index: p.flags for p in a.points if p.flags} == {
        13: [(OUTSIDE, HIGH)], 14: [(OUTSIDE, HIGH)], 28: [(OUTSIDE, LOW)]}
    assert a.baseline_ends == [12, 27]


@BOTH
def test_a_period_shorter_than_the_baseline_takes_its_lines_from_all_its_points(profile):
    # period 0 (m00-m13): 14 points, fixed by its first 13 (m12); period 1 (m14-m23): 10 points
    # 100, 113, ...: mean 1065/10 = 106.5, 9 moving ranges of 13 -> 106.5 ± 34.58
    labels = [f"m{i:02}" for i in range(24)]
    a = analyse(STEADY + [20] + [100, 113] * 5, labels, rebases=["m14"], baseline=13, profile=profile)
    assert limits(a.points[13].lines) == pytest.approx(FIXED)
    assert limits(a.points[23].lines) == pytest.approx((106.5, 141.08, 71.92))
    assert a.baseline_ends == [12]
    assert len(a.warnings) == 1
    assert "the period from m14 has 10 points, fewer than the baseline of 13" in a.warnings[0]


@BOTH
def test_a_period_of_exactly_the_baseline_is_fixed_by_all_its_points_without_a_warning(profile):
    a = analyse(STEADY, baseline=13, profile=profile)
    assert limits(a.points[12].lines) == pytest.approx(FIXED)
    assert a.baseline_ends == [] and a.warnings == []


@BOTH
def test_the_baseline_counts_points_with_data(profile):
    # a gap at point 6 (between 13 and 0): the first 13 points WITH DATA are points 0-13, still
    # mean 6 and MRbar 13 (13 -> gap -> 0 is one range of 13); point 13 is in the baseline.
    # (Counting months instead, points 0-12 would give 12 values: mean 78/12 = 6.5.)
    values = STEADY[:6] + [None] + STEADY[6:] + [45, 45]
    a = analyse(values, baseline=13, profile=profile)
    assert limits(a.points[15].lines) == pytest.approx(FIXED)
    assert a.baseline_ends == [13]
    assert flags(a, OUTSIDE) == {14: HIGH, 15: HIGH}


@pytest.mark.parametrize("profile, mr_bar, upper, lower", [
    ("mdc", 5, 26.3, -0.3),   # baseline MRs 11 x 2 + 38 = 60/12 = 5; 13 ± 13.3
    ("ptd", 2, 18.32, 7.68),  # 38 >= 3.267·5 = 16.3 dropped: 22/11 = 2; 13 ± 5.32
])
def test_ptd_screens_the_moving_ranges_of_the_baseline_only(profile, mr_bar, upper, lower):
    # baseline 9, 11, ..., 49: mean (54 + 66 + 49)/13 = 13.  The later 13s add ranges 36, 0, 0; had
    # they been screened with the baseline's, ptd would give (22 + 38 + 36)/15 = 6.4, drop 38 and
    # 36 (>= 20.9) and leave 22/13 = 1.69.  The 13s sit on the fixed mean: no flag.
    a = analyse([9, 11] * 6 + [49] + [13, 13, 13], baseline=13, profile=profile)
    lines = a.points[15].lines
    assert lines.moving_range_mean == pytest.approx(mr_bar)
    assert limits(lines) == pytest.approx((13, upper, lower))
    assert all(not p.flags for p in a.points[13:])


def test_ptd_allows_a_baseline_of_12():
    # [0, 13] x 6: mean 6.5, MRbar 13 -> 6.5 ± 34.58; then 45 > 41.08 is outside
    a = analyse([0, 13] * 6 + [45], polarity="up", baseline=12, profile="ptd")
    assert limits(a.points[12].lines) == pytest.approx((6.5, 41.08, -28.08))
    assert a.points[12].point_type == IMPROVEMENT and a.baseline_ends == [11]


@pytest.mark.parametrize("profile, baseline, message", [
    ("mdc", 12, "a baseline of 12 points is too short: the mdc profile needs at least 13"),
    ("mdc", 2, "needs at least 13"),
    ("ptd", 11, "a baseline of 11 points is too short: the ptd profile needs at least 12"),
    ("mdc", 13.0, "baseline 13.0 is not a whole number of points"),
    ("mdc", True, "baseline True is not a whole number of points"),
    ("mdc", "13", "baseline '13' is not a whole number of points"),
])
def test_a_baseline_too_short_for_the_profile_is_refused(profile, baseline, message):
    with pytest.raises(ValueError, match=message):
        analyse(STEADY * 2, baseline=baseline, profile=profile)
