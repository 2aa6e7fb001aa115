"""Statistical process control: XmR charts the NHS England "Making Data Count" way.

:func:`analyse` takes a monthly series and returns, for every point, its period's mean,
process limits and two-sigma lines, which special-cause rules flagged it, and its type
(common cause, improvement, concern or neutral); and for the series the variation icon
and the assurance icon.  It follows ``SPC.md`` (in ``docs/spc.md`` with every choice
this module makes), with two rule profiles:

- ``mdc`` (default): NHS England's current tools (the MDC Single Chart Tool v5.0 test
  document, the MDC SQL tool v2.6): runs of 6, no moving-range screening, no limits or
  icons under 13 points, multi-point rules may run across a rebase, improvement wins a
  conflict (a point at the turn of a trend is improvement), a target on a limit decides
  pass or fail, a baseline of at least 13 points;
- ``ptd``: NHS-R Community's NHSRplotthedots 0.2.2: runs of 7, moving ranges screened,
  limits under 13 points with a warning, runs judged within a period, conflicts settled by
  rule order, a trend point's side taken from its step to the next (or previous) point, a
  target on a limit is hit and miss, a baseline of at least 12 points.

A *baseline* fixes each period's lines from its first ``n`` points with data: the later
points are judged against them and do not move them.

Every threshold is a field of :class:`Profile`, so a partnership can change one with
``dataclasses.replace(PROFILES["mdc"], shift_points=7)``.  One small function a rule.
Comparisons are strict; a value within ``1e-9`` (relative) of a line counts as on it, so
floating-point noise cannot move a point across a limit.
"""
from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

HIGH, LOW = "high", "low"
COMMON_CAUSE, IMPROVEMENT, CONCERN, NEUTRAL, NO_DATA = "common_cause", "improvement", "concern", "neutral", "no_data"
PASS, FAIL, HIT_AND_MISS = "consistently_passing", "consistently_failing", "hit_and_miss"
OUTSIDE, TREND, TWO_OF_THREE, SHIFT = "outside_limits", "trend", "two_of_three", "shift"
RULE_ORDER = (OUTSIDE, TREND, TWO_OF_THREE, SHIFT)  # ptd settles a conflict by the first of these
POLARITIES = ("up", "down", "neutral")  # higher is better, lower is better, neither
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Profile:
    """A rule set: the thresholds and the behaviours where the two tools differ."""

    name: str
    shift_points: int  # a shift is this many points or more on one side of the mean
    trend_points: int  # a trend is this many points or more, each beyond the one before
    screen_moving_ranges: bool  # drop moving ranges >= screen_factor x MRbar once
    limits_below_minimum: bool  # compute limits and icons with fewer than min_points (with a warning)
    runs_cross_rebase: bool  # multi-point rules may run across a rebase
    conflict: str  # "improvement" (improvement wins) or "rule_order" (first of RULE_ORDER)
    target_on_limit: str  # "decides" (pass or fail) or "hit_and_miss"
    trend_side: str  # "run" (each run its own direction) or "step" (ptd: see orient_trends_by_step)
    min_baseline: int  # a baseline is this many points or more
    min_points: int = 13
    limit_factor: float = 2.66
    two_sigma_factor: float = 1.7733
    screen_factor: float = 3.267


PROFILES = {
    "mdc": Profile("mdc", shift_points=6, trend_points=6, screen_moving_ranges=False, limits_below_minimum=False,
                   runs_cross_rebase=True, conflict="improvement", target_on_limit="decides", trend_side="run",
                   min_baseline=13),
    "ptd": Profile("ptd", shift_points=7, trend_points=7, screen_moving_ranges=True, limits_below_minimum=True,
                   runs_cross_rebase=False, conflict="rule_order", target_on_limit="hit_and_miss", trend_side="step",
                   min_baseline=12),
}


@dataclass(frozen=True)
class Lines:
    """One period's centre line, process limits and two-sigma lines (limits None: not drawn)."""

    mean: float
    upper: float | None = None
    lower: float | None = None
    upper_two_sigma: float | None = None
    lower_two_sigma: float | None = None
    moving_range_mean: float | None = None


@dataclass
class Point:
    """One point of the chart and what the analysis found about it."""

    index: int
    label: Hashable | None
    value: float | None
    period: int  # 0 before the first rebase, 1 after it, ...
    lines: Lines | None
    flags: list[tuple[str, str]] = field(default_factory=list)  # (rule, HIGH or LOW)
    point_type: str = COMMON_CAUSE
    side: str | None = None  # HIGH or LOW for a special cause

    def flagged_by(self, rule: str) -> str | None:
        """The side a rule flagged this point on (HIGH, LOW, "both") or None."""
        sides = {side for name, side in self.flags if name == rule}
        return None if not sides else sides.pop() if len(sides) == 1 else "both"


@dataclass
class Analysis:
    """The whole chart: points, icons and any warning."""

    profile: Profile
    polarity: str
    target: float | None
    points: list[Point]
    has_limits: bool
    variation: str | None  # e.g. "common_cause", "improvement_high", "concern_low", "neutral_high"
    assurance: str | None  # PASS, FAIL, HIT_AND_MISS, or None (no target, no polarity or no limits)
    warnings: list[str] = field(default_factory=list)
    baseline: int | None = None  # the points with data each period's lines come from (None: all of them)
    baseline_ends: list[int] = field(default_factory=list)  # last baseline point of each period with points after it


# --------------------------------------------------------------------------- comparisons


def _above(value: float, line: float | None) -> bool:
    """Strictly above ``line``; a value within the tolerance counts as on it."""
    return line is not None and value > line and not math.isclose(value, line, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def _below(value: float, line: float | None) -> bool:
    return line is not None and value < line and not math.isclose(value, line, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def _beyond(value: float, line: float | None, side: str) -> bool:
    return _above(value, line) if side == HIGH else _below(value, line)


def _side_of_mean(point: Point) -> str | None:
    if _above(point.value, point.lines.mean):
        return HIGH
    return LOW if _below(point.value, point.lines.mean) else None


# --------------------------------------------------------------------------- limits


def moving_ranges(values: Sequence[float]) -> list[float]:
    """``|x_i - x_(i-1)|`` for consecutive values (one fewer than the values)."""
    return [abs(b - a) for a, b in zip(values, values[1:])]


def screened_mean(ranges: Sequence[float], factor: float) -> float:
    """MRbar after dropping, once, the moving ranges at or above ``factor`` x MRbar."""
    first = sum(ranges) / len(ranges)
    kept = [r for r in ranges if _below(r, factor * first)]
    return sum(kept) / len(kept) if kept else first


def period_lines(values: Sequence[float], profile: Profile, with_limits: bool) -> Lines:
    """The mean and (``with_limits``) the limits of one period's values."""
    mean = sum(values) / len(values)
    ranges = moving_ranges(values)
    if not with_limits or not ranges:
        return Lines(mean)
    mr_bar = screened_mean(ranges, profile.screen_factor) if profile.screen_moving_ranges else sum(ranges) / len(ranges)
    return Lines(mean, mean + profile.limit_factor * mr_bar, mean - profile.limit_factor * mr_bar,
                 mean + profile.two_sigma_factor * mr_bar, mean - profile.two_sigma_factor * mr_bar, mr_bar)


# --------------------------------------------------------------------------- the rules


def flag_outside_limits(points: Sequence[Point]) -> None:
    """Rule 1: a single point above the upper or below the lower process limit (on it: no)."""
    for p in points:
        if _above(p.value, p.lines.upper):
            p.flags.append((OUTSIDE, HIGH))
        elif _below(p.value, p.lines.lower):
            p.flags.append((OUTSIDE, LOW))


def flag_shifts(points: Sequence[Point], length: int) -> None:
    """Rule 2: ``length`` or more consecutive points on one side of their mean (on it breaks the run)."""
    run: list[Point] = []
    for p in list(points) + [None]:
        side = _side_of_mean(p) if p is not None else None
        if run and (side is None or side != _side_of_mean(run[0])):
            if len(run) >= length:
                run_side = _side_of_mean(run[0])
                for q in run:
                    q.flags.append((SHIFT, run_side))
            run = []
        if side is not None:
            run.append(p)


def flag_trends(points: Sequence[Point], length: int) -> None:
    """Rule 3: ``length`` or more consecutive points each higher (lower) than the one before."""
    for side, rising in ((HIGH, True), (LOW, False)):
        run: list[Point] = points[:1]
        for previous, p in zip(points, list(points[1:]) + [None]):
            moves = p is not None and (_above(p.value, previous.value) if rising else _below(p.value, previous.value))
            if moves:
                run.append(p)
                continue
            if len(run) >= length:
                for q in run:
                    q.flags.append((TREND, side))
            run = [p] if p is not None else []


def orient_trends_by_step(points: Sequence[Point]) -> None:
    """``ptd``: give each trend point one side, the direction of its step to the next point when that
    point is in a trend of the same period, else of its step from the previous point; a flat step reads
    as falling.  So NHSRplotthedots 0.2.2 labels trends: a point at the turn of a trend (the last of a
    falling run and the first of a rising one) takes the direction of the run after it."""
    in_trend = [p.flagged_by(TREND) is not None for p in points]
    for i, p in enumerate(points):
        if not in_trend[i]:
            continue
        if i + 1 < len(points) and in_trend[i + 1] and points[i + 1].period == p.period:
            start, end = p, points[i + 1]
        elif i > 0 and points[i - 1].period == p.period:
            start, end = points[i - 1], p
        else:
            start, end = p, p  # no step in the period: flat
        side = HIGH if _above(end.value, start.value) else LOW
        p.flags = [f for f in p.flags if f[0] != TREND] + [(TREND, side)]


def flag_two_of_three(points: Sequence[Point]) -> None:
    """Rule 4: of 3 consecutive points on one side of the mean, 2 or more beyond that side's
    two-sigma line; only those are flagged, and a point beyond the process limit does not count."""
    for window in zip(points, points[1:], points[2:]):
        for side in (HIGH, LOW):
            if any(_side_of_mean(p) != side for p in window):
                continue
            beyond = [p for p in window if _beyond(p.value, _two_sigma(p, side), side)
                      and not _beyond(p.value, _limit(p, side), side)]
            if len(beyond) >= 2:
                for p in beyond:
                    if (TWO_OF_THREE, side) not in p.flags:
                        p.flags.append((TWO_OF_THREE, side))


def _two_sigma(p: Point, side: str) -> float | None:
    return p.lines.upper_two_sigma if side == HIGH else p.lines.lower_two_sigma


def _limit(p: Point, side: str) -> float | None:
    return p.lines.upper if side == HIGH else p.lines.lower


# --------------------------------------------------------------------------- types and icons


def type_of_side(side: str, polarity: str) -> str:
    """Improvement, concern or neutral: what a special cause on ``side`` means for the measure."""
    if polarity == "neutral":
        return NEUTRAL
    return IMPROVEMENT if (side == HIGH) == (polarity == "up") else CONCERN


def classify_point(point: Point, polarity: str, profile: Profile) -> None:
    """Set the point's type and side from its flags (conflicts as the profile says)."""
    if not point.flags:
        return
    ordered = sorted(point.flags, key=lambda f: RULE_ORDER.index(f[0]))
    types = {type_of_side(side, polarity) for _, side in ordered}
    if profile.conflict == "improvement" and IMPROVEMENT in types:
        chosen = next(side for _, side in ordered if type_of_side(side, polarity) == IMPROVEMENT)
    else:
        first_rule = ordered[0][0]
        sides = [side for rule, side in ordered if rule == first_rule]
        chosen = next((s for s in sides if type_of_side(s, polarity) == IMPROVEMENT), sides[0])
    point.side, point.point_type = chosen, type_of_side(chosen, polarity)


def variation_icon(points: Sequence[Point]) -> str:
    """From the last point with data: ``common_cause`` or ``<type>_<high|low>``."""
    last = next(p for p in reversed(points) if p.value is not None)
    return COMMON_CAUSE if last.point_type == COMMON_CAUSE else f"{last.point_type}_{last.side}"


def assurance_icon(lines: Lines, target: float, polarity: str, profile: Profile) -> str | None:
    """Whether the process will meet the target: compare it with the last period's limits."""
    if polarity not in ("up", "down") or lines.upper is None:
        return None
    good_side_limit, bad_side_limit = (lines.lower, lines.upper) if polarity == "up" else (lines.upper, lines.lower)
    beyond_good = _below(target, good_side_limit) if polarity == "up" else _above(target, good_side_limit)
    beyond_bad = _above(target, bad_side_limit) if polarity == "up" else _below(target, bad_side_limit)
    if beyond_good:
        return PASS
    if beyond_bad:
        return FAIL
    if profile.target_on_limit == "decides":
        if math.isclose(target, good_side_limit, rel_tol=TOLERANCE, abs_tol=TOLERANCE):
            return PASS
        if math.isclose(target, bad_side_limit, rel_tol=TOLERANCE, abs_tol=TOLERANCE):
            return FAIL
    return HIT_AND_MISS


# --------------------------------------------------------------------------- the analysis


def _rebase_indexes(rebases: Sequence, labels: Sequence | None, count: int) -> list[int]:
    indexes = []
    for rebase in rebases:
        if isinstance(rebase, int) and not isinstance(rebase, bool):
            index = rebase
        elif labels is not None and rebase in labels:
            index = list(labels).index(rebase)
        else:
            raise ValueError(f"rebase {rebase!r} is neither a point's index nor one of its labels")
        if not 0 < index < count:
            raise ValueError(f"rebase at point {index} must start a new period inside the series (1 to {count - 1})")
        indexes.append(index)
    return sorted(set(indexes))


def _with_limits(points: Sequence[Point]) -> list[Point]:
    return [p for p in points if p.value is not None and p.lines is not None and p.lines.upper is not None]


def _segments(points: list[Point], profile: Profile) -> list[list[Point]]:
    """The runs of points the multi-point rules look along (points with data and limits)."""
    with_data = _with_limits(points)
    if profile.runs_cross_rebase:
        return [with_data]
    return [[p for p in with_data if p.period == period] for period in sorted({p.period for p in with_data})]


def analyse(
    values: Sequence[float | None],
    labels: Sequence[Hashable] | None = None,
    *,
    polarity: str = "neutral",
    target: float | None = None,
    rebases: Sequence[int | Hashable] = (),
    profile: str | Profile = "mdc",
    baseline: int | None = None,
) -> Analysis:
    """XmR analysis of a series, as SPC.md describes.

    Parameters
    ----------
    values
        The series in time order; ``None`` for a month without data (it takes no part
        and has type ``no_data``; its neighbours count as consecutive).
    labels
        Optional labels of the points (months such as ``"2026-10"`` or dates), used to
        name rebases.
    polarity
        ``"up"`` (higher is better), ``"down"`` (lower is better) or ``"neutral"``.
    target
        The target, for the assurance icon (needs a polarity).
    rebases
        Where new periods start (each a point's index or label): each period has its own
        mean and limits.
    profile
        ``"mdc"`` (default), ``"ptd"`` or a :class:`Profile`.
    baseline
        Fix each period's mean and limits from its first ``baseline`` points with data
        (at least the profile's ``min_baseline``: 13 in ``mdc``, 12 in ``ptd``); the
        later points are judged against them and do not move them.  A period with fewer
        points takes its lines from all of them, with a warning.  None: every point.

    Returns
    -------
    Analysis
        Lines, flags and type of every point; the variation and assurance icons (None
        when the chart has too few points for limits under the profile).
    """
    if isinstance(profile, str) and profile not in PROFILES:
        raise ValueError(f"profile {profile!r} is not one of {', '.join(PROFILES)}")
    rules = PROFILES[profile] if isinstance(profile, str) else profile
    if polarity not in POLARITIES:
        raise ValueError(f"polarity {polarity!r} is not one of {', '.join(POLARITIES)}")
    if labels is not None and len(labels) != len(values):
        raise ValueError(f"{len(labels)} labels for {len(values)} values")
    _check_baseline(baseline, rules)
    values = [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in values]
    observed = sum(v is not None for v in values)
    if observed == 0:
        raise ValueError("the series has no values")
    starts = _rebase_indexes(rebases, labels, len(values))
    periods = [sum(index >= start for start in starts) for index in range(len(values))]
    warnings = []
    has_limits = observed >= rules.min_points or rules.limits_below_minimum
    if observed < rules.min_points:
        warnings.append(f"{observed} points: fewer than {rules.min_points}, "
                        + ("the limits are unreliable." if has_limits else "so no limits or icons (a run chart)."))
    lines, baseline_ends = {}, []
    for period in sorted(set(periods)):
        mine = [i for i, p in enumerate(periods) if p == period and values[i] is not None]
        used = mine[:baseline] if baseline else mine
        lines[period] = period_lines([values[i] for i in used], rules, has_limits) if used else None
        if baseline and len(mine) > baseline:
            baseline_ends.append(used[-1])
        elif baseline and mine and len(mine) < baseline:
            start = periods.index(period)
            warnings.append(f"the period from {labels[start] if labels is not None else f'point {start}'} has "
                            f"{len(mine)} points, fewer than the baseline of {baseline}: its lines come from all "
                            "of them and will move as points are added.")
    points = [Point(i, labels[i] if labels is not None else None, v, periods[i], lines[periods[i]],
                    point_type=COMMON_CAUSE if v is not None else NO_DATA) for i, v in enumerate(values)]
    if has_limits:
        _apply_rules(points, rules, polarity)
    last_lines = lines[periods[max(i for i, v in enumerate(values) if v is not None)]]
    return Analysis(
        profile=rules, polarity=polarity, target=target, points=points, has_limits=has_limits,
        variation=variation_icon(points) if has_limits else None,
        assurance=assurance_icon(last_lines, target, polarity, rules) if has_limits and target is not None else None,
        warnings=warnings, baseline=baseline, baseline_ends=baseline_ends)


def _check_baseline(baseline: int | None, rules: Profile) -> None:
    if baseline is None:
        return
    if isinstance(baseline, bool) or not isinstance(baseline, int):
        raise ValueError(f"baseline {baseline!r} is not a whole number of points")
    if baseline < rules.min_baseline:
        raise ValueError(f"a baseline of {baseline} points is too short: the {rules.name} profile needs at least "
                         f"{rules.min_baseline}")


def _apply_rules(points: list[Point], rules: Profile, polarity: str) -> None:
    with_limits = _with_limits(points)
    flag_outside_limits(with_limits)
    for segment in _segments(points, rules):
        flag_trends(segment, rules.trend_points)
        if rules.trend_side == "step":
            orient_trends_by_step(segment)
        flag_two_of_three(segment)
        flag_shifts(segment, rules.shift_points)
    for p in with_limits:
        classify_point(p, polarity, rules)
