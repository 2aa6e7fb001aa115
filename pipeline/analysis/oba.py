"""Outcomes-Based Accountability: the scorecard by area of concern, and turn-the-curve pages.

The plan's areas of concern, their measures and headline indicators, and the words only the
partnership can write (the story behind the curve, partners, what works) come from
``partnership/oba.yaml``; each measure's quadrant (how much, how well, is anyone better
off) and accountability (population or performance) from the measure registry.

The forecast "if nothing changes" (:func:`forecast`) is a straight line fitted by ordinary
least squares to the last 12 months with a figure, carried forward 6 months, with an 80%
prediction interval (Student's t with n - 2 degrees of freedom): the range a new month would
fall in 8 times out of 10 if the recent trend simply continued.  Whether the curve has
turned (:func:`curve_turned`) is read from the SPC chart: a special cause in the better
direction since the intervention started.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pipeline.analysis import spc
from pipeline.definitions.registry import Measure
from pipeline.periods import parse_period, shift_period

CONFIG_PATH = Path(__file__).resolve().parents[2] / "partnership" / "oba.yaml"
QUADRANT_WORDS = {"how_much": "How much did we do?", "how_well": "How well did we do it?",
                  "better_off": "Is anyone better off?", None: "-"}
ACCOUNTABILITY_WORDS = {"population": "Population (all children in the area)",
                        "performance": "Performance (of a service)"}
NOT_WRITTEN = "Not yet written by the partnership."
FORECAST_WINDOW, FORECAST_HORIZON, FORECAST_LEVEL = 12, 6, 0.80


class ObaConfigError(ValueError):
    """``partnership/oba.yaml`` says something the pack cannot use; the message says where."""


@dataclass(frozen=True)
class Headline:
    """A headline indicator with the partnership's words about it."""

    measure_id: str
    breakdown: str = "all"
    intervention: str | None = None
    story: str = ""
    partners: str = ""
    what_works: str = ""


@dataclass(frozen=True)
class Area:
    """An area of concern of the plan, its measures and its headline indicators."""

    ref: str
    title: str
    measures: tuple[str, ...]
    headlines: tuple[Headline, ...] = field(default=())


# --------------------------------------------------------------------------- the settings file


def load_oba_settings(registry: dict[str, Measure], path: Path = CONFIG_PATH) -> list[Area]:
    """Read and check ``partnership/oba.yaml``; raises ``ObaConfigError`` naming the entry."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ObaConfigError(f"{path} cannot be read as YAML: {exc}") from exc
    if not isinstance(raw.get("areas"), list):
        raise ObaConfigError(f"{path}: give the plan's areas of concern as a list under 'areas'.")
    return [_area(entry, n, registry, path) for n, entry in enumerate(raw["areas"], 1)]


def _area(entry: object, n: int, registry: dict[str, Measure], path: Path) -> Area:
    where = f"{path}: areas entry {n}"
    if not isinstance(entry, dict) or not entry.get("title"):
        raise ObaConfigError(f"{where} needs a title (the area of concern in the plan's words).")
    unknown = set(entry) - {"ref", "title", "measures", "headlines"}
    if unknown:
        raise ObaConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}.")
    measures = tuple(entry.get("measures") or [])
    for measure_id in measures:
        if measure_id not in registry:
            raise ObaConfigError(f"{where}: measure {measure_id!r} is not in the measure registry.")
    headlines = []
    for k, item in enumerate(entry.get("headlines") or [], 1):
        here = f"{where}, headline {k}"
        if not isinstance(item, dict) or item.get("measure") not in registry:
            raise ObaConfigError(f"{here}: measure {item.get('measure') if isinstance(item, dict) else item!r} "
                                 "is not in the measure registry.")
        bad = set(item) - {"measure", "breakdown", "intervention", "story", "partners", "what_works"}
        if bad:
            raise ObaConfigError(f"{here}: unknown key(s) {', '.join(sorted(bad))}.")
        breakdown = str(item.get("breakdown", "all"))
        if breakdown not in registry[item["measure"]].expected_breakdowns():
            raise ObaConfigError(f"{here}: {item['measure']} has no breakdown {breakdown!r}.")
        headlines.append(Headline(item["measure"], breakdown, _text(item.get("intervention")) or None,
                                  _text(item.get("story")), _text(item.get("partners")),
                                  _text(item.get("what_works"))))
    return Area(str(entry.get("ref", n)), str(entry["title"]), measures, tuple(headlines))


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


# --------------------------------------------------------------------------- the forecast


@dataclass(frozen=True)
class ForecastPoint:
    """One month ahead: the trend's value and its prediction interval."""

    month: str
    value: float
    low: float
    high: float


def forecast(values: Sequence[float | None], months: Sequence[str], horizon: int = FORECAST_HORIZON,
             window: int = FORECAST_WINDOW, level: float = FORECAST_LEVEL) -> list[ForecastPoint]:
    """The months after ``months[-1]`` if the last ``window`` months' straight-line trend went on.

    Returns an empty list with fewer than 3 months with a figure in the window.
    """
    from scipy.stats import t  # scipy comes with Great Expectations

    points = [(i, v) for i, v in enumerate(values) if v is not None][-window:]
    n = len(points)
    if n < 3:
        return []
    x_mean = sum(i for i, _ in points) / n
    y_mean = sum(v for _, v in points) / n
    sxx = sum((i - x_mean) ** 2 for i, _ in points)
    slope = sum((i - x_mean) * (v - y_mean) for i, v in points) / sxx
    intercept = y_mean - slope * x_mean
    residual = sum((v - intercept - slope * i) ** 2 for i, v in points)
    s = math.sqrt(residual / (n - 2))
    quantile = float(t.ppf(0.5 + level / 2, n - 2))
    last = len(values) - 1
    out = []
    for step in range(1, horizon + 1):
        x = last + step
        centre = intercept + slope * x
        half = quantile * s * math.sqrt(1 + 1 / n + (x - x_mean) ** 2 / sxx)
        out.append(ForecastPoint(shift_period(months[-1], step), centre, centre - half, centre + half))
    return out


def curve_turned(analysis: spc.Analysis, months: Sequence[str], since: str | None) -> str:
    """Whether the curve has turned since ``since`` (a month), read from the SPC points after it."""
    if since is None:
        return "No intervention start month is set for this indicator (partnership/spc.yaml rebases)."
    if not analysis.has_limits:
        return "Too few months of data to judge yet (an SPC chart needs 13)."
    parse_period(since)
    after = [p for p in analysis.points if p.value is not None and months[p.index] >= since]
    if not after:
        return f"No month with a figure since the intervention started ({since})."
    types = {p.point_type for p in after}
    if spc.IMPROVEMENT in types:
        return "Yes: the SPC chart shows a real change for the better since the intervention started."
    if spc.CONCERN in types:
        return "Not yet, and the SPC chart shows a real change for the worse since the intervention started."
    return "Not yet: since the intervention started the months vary as before (common cause)."
