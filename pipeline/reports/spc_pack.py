"""Statistical process control in the monthly pack: which series, their settings, the section.

Every monthly series in ``SPC_SERIES`` gets an XmR chart (``pipeline.reports.spc_chart``) over the
pack's 24 months, with the targets, rebases, baselines and rule profile of ``partnership/spc.yaml``
(the file the partnership edits), a table of its numbers and point types, and a row in the
icon summary table that opens the pack.  Months whose figure is suppressed (1-4 children)
or missing take no part in the analysis.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.analysis import spc
from pipeline.definitions.registry import Measure
from pipeline.periods import PeriodError, parse_period
from pipeline.reports.charts import data_uri, text_alternative
from pipeline.reports.formatting import format_value, is_suppressed, period_label
from pipeline.reports.spc_chart import (ASSURANCE_SHORT, ASSURANCE_WORDS, POINT_WORDS, VARIATION_SHORT,
                                        VARIATION_WORDS, baseline_words, spc_chart)

CONFIG_PATH = Path(__file__).resolve().parents[2] / "partnership" / "spc.yaml"
SPC_SERIES = (  # (measure id, breakdown, chart title)
    ("therapy_waiting", "all", "Children waiting for therapy, all services"),
    ("therapy_waiting", "service=SLT", "Children waiting: speech and language therapy"),
    ("therapy_waiting", "service=OT", "Children waiting: occupational therapy"),
    ("therapy_waiting", "service=PHYSIO", "Children waiting: physiotherapy"),
    ("therapy_waiting", "service=CDS", "Children waiting: child development service"),
    ("therapy_waiting", "service=ND", "Children waiting: neurodevelopmental pathway"),
    ("therapy_over_18w", "all", "Waiting over 18 weeks (%), all services"),
    ("therapy_over_18w", "service=SLT", "Waiting over 18 weeks (%): speech and language therapy"),
    ("ehcp_20wk_6m", "all", "New EHC plans issued within 20 weeks (%)"),
    ("ehcp_rate", "all", "EHC plans per 10,000 aged 0-25"),
    ("ehcp_new_12m", "all", "New EHC plans, last 12 months"),
    ("senco_trained", "all", "Schools whose SENCO is trained in the graduated approach (%)"),
)


class SpcConfigError(ValueError):
    """``partnership/spc.yaml`` says something the pack cannot use; the message says where."""


@dataclass(frozen=True)
class Rebase:
    """A chart starts a new period at ``month`` because the process changed."""

    measure_id: str
    breakdown: str
    month: str
    reason: str
    action: str | None = None


@dataclass(frozen=True)
class Baseline:
    """A chart's limits are fixed from the first ``points`` months with a figure of each period."""

    measure_id: str
    breakdown: str
    points: int
    note: str | None = None


@dataclass(frozen=True)
class SpcSettings:
    """The rule profile, targets, rebases and baselines of the pack's SPC charts."""

    profile: str = "mdc"
    targets: tuple[tuple[str, str, float], ...] = ()
    rebases: tuple[Rebase, ...] = ()
    baselines: tuple[Baseline, ...] = ()

    def target(self, measure_id: str, breakdown: str) -> float | None:
        """The target of one series, if the partnership set one."""
        return next((v for m, b, v in self.targets if (m, b) == (measure_id, breakdown)), None)

    def rebases_of(self, measure_id: str, breakdown: str) -> list[Rebase]:
        """The rebases of one series, earliest first."""
        return sorted((r for r in self.rebases if (r.measure_id, r.breakdown) == (measure_id, breakdown)),
                      key=lambda r: r.month)

    def baseline_of(self, measure_id: str, breakdown: str) -> Baseline | None:
        """The baseline of one series, if the partnership set one."""
        return next((b for b in self.baselines if (b.measure_id, b.breakdown) == (measure_id, breakdown)), None)


# --------------------------------------------------------------------------- the settings file


def load_spc_settings(registry: dict[str, Measure], path: Path = CONFIG_PATH) -> SpcSettings:
    """Read and check ``partnership/spc.yaml``; raises ``SpcConfigError`` naming the entry."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SpcConfigError(f"{path} cannot be read as YAML: {exc}") from exc
    unknown = set(raw) - {"profile", "targets", "rebases", "baselines"}
    if unknown:
        raise SpcConfigError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}; "
                             "expected profile, targets, rebases and baselines.")
    profile = raw.get("profile", "mdc")
    if profile not in spc.PROFILES:
        raise SpcConfigError(f"{path}: profile {profile!r} is not one of {', '.join(spc.PROFILES)}.")
    targets = tuple(_target(entry, n, registry, path) for n, entry in enumerate(raw.get("targets") or [], 1))
    rebases = tuple(_rebase(entry, n, registry, path) for n, entry in enumerate(raw.get("rebases") or [], 1))
    baselines: list[Baseline] = []
    for n, entry in enumerate(raw.get("baselines") or [], 1):
        baselines.append(_baseline(entry, n, registry, path, spc.PROFILES[profile], baselines))
    return SpcSettings(profile, targets, rebases, tuple(baselines))


def _series(entry: object, where: str, registry: dict[str, Measure], allowed: set[str]) -> tuple[str, str]:
    if not isinstance(entry, dict):
        raise SpcConfigError(f"{where} is not a mapping of settings.")
    unknown = set(entry) - allowed
    if unknown:
        raise SpcConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}.")
    measure = registry.get(str(entry.get("measure")))
    if measure is None:
        raise SpcConfigError(f"{where}: measure {entry.get('measure')!r} is not in the measure registry.")
    breakdown = str(entry.get("breakdown", "all"))
    if breakdown not in measure.expected_breakdowns():
        raise SpcConfigError(f"{where}: {measure.id} has no breakdown {breakdown!r} "
                             f"(it has {', '.join(measure.expected_breakdowns())}).")
    return measure.id, breakdown


def _target(entry: object, n: int, registry: dict[str, Measure], path: Path) -> tuple[str, str, float]:
    where = f"{path}: targets entry {n}"
    measure_id, breakdown = _series(entry, where, registry, {"measure", "breakdown", "value"})
    value = entry.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SpcConfigError(f"{where} ({measure_id}): value {value!r} is not a number.")
    return measure_id, breakdown, float(value)


def _rebase(entry: object, n: int, registry: dict[str, Measure], path: Path) -> Rebase:
    where = f"{path}: rebases entry {n}"
    measure_id, breakdown = _series(entry, where, registry, {"measure", "breakdown", "month", "reason", "action"})
    month = str(entry.get("month", ""))
    try:
        parse_period(month)
    except PeriodError as exc:
        raise SpcConfigError(f"{where} ({measure_id}): {exc}.") from exc
    reason = str(entry.get("reason") or "").strip()
    if not reason:
        raise SpcConfigError(f"{where} ({measure_id}): give the reason for the new period (it is printed).")
    action = entry.get("action")
    return Rebase(measure_id, breakdown, month, reason, None if action is None else str(action))


def _baseline(entry: object, n: int, registry: dict[str, Measure], path: Path, profile: spc.Profile,
              earlier: list[Baseline]) -> Baseline:
    where = f"{path}: baselines entry {n}"
    measure_id, breakdown = _series(entry, where, registry, {"measure", "breakdown", "points", "note"})
    points = entry.get("points")
    if isinstance(points, bool) or not isinstance(points, int):
        raise SpcConfigError(f"{where} ({measure_id}): points {points!r} is not a whole number of months.")
    if points < profile.min_baseline:
        raise SpcConfigError(f"{where} ({measure_id}): a baseline of {points} months is too short; the "
                             f"{profile.name} profile needs at least {profile.min_baseline}.")
    if any((b.measure_id, b.breakdown) == (measure_id, breakdown) for b in earlier):
        raise SpcConfigError(f"{where} ({measure_id}): a second baseline for the {breakdown} chart.")
    note = str(entry.get("note") or "").strip()
    return Baseline(measure_id, breakdown, points, note or None)


# --------------------------------------------------------------------------- the section


RowOf = Callable[[str, str, str], object]  # (measure id, breakdown, month) -> measures row or None


def series_values(row_of: RowOf, measure: Measure, breakdown: str, months: Sequence[str]) -> list[float | None]:
    """The values the analysis uses: None for a missing or suppressed month."""
    out = []
    for month in months:
        row = row_of(measure.id, breakdown, month)
        value = None if row is None else row.get("value")
        out.append(None if value is None or value != value or is_suppressed(row, measure.unit) else float(value))
    return out


def line_text(value: float | None, unit: str | None) -> str:
    """A mean or limit as printed: one decimal place (a percentage with %)."""
    if value is None:
        return "-"
    return f"{value:,.1f}%" if unit == "percent" else f"{value:,.1f}"


def spc_section(row_of: RowOf, registry: dict[str, Measure], months: Sequence[str], settings: SpcSettings) -> dict:
    """The icon summary table and a chart, table and icons a series, as template context."""
    profile = spc.PROFILES[settings.profile]
    blocks, summary = [], []
    for n, (measure_id, breakdown, title) in enumerate(SPC_SERIES):
        measure = registry[measure_id]
        values = series_values(row_of, measure, breakdown, months)
        first = next((i for i, v in enumerate(values) if v is not None), None)
        if first is None:
            continue
        window, values = list(months[first:]), values[first:]
        rebases = [r for r in settings.rebases_of(measure_id, breakdown) if r.month in window[1:]]
        baseline = settings.baseline_of(measure_id, breakdown)
        analysis = spc.analyse(values, window, polarity=measure.polarity or "neutral",
                               target=settings.target(measure_id, breakdown),
                               rebases=[r.month for r in rebases], profile=profile,
                               baseline=baseline.points if baseline else None)
        shown = [format_value(row_of(measure_id, breakdown, m), measure.unit) for m in window]
        labels = [period_label(m, short=True) for m in window]
        svg = spc_chart(title, analysis, labels, chart_id=f"spc-{n}", display=shown,
                        rebase_labels=[str(i) for i in range(1, len(rebases) + 1)])
        blocks.append(_block(title, measure, analysis, window, shown, rebases, baseline, svg))
        summary.append(_summary_row(title, measure, analysis, shown))
    return {"summary": summary, "blocks": blocks, "profile": profile.name,
            "profile_note": PROFILE_NOTES[profile.name], "footnote": FOOTNOTES[profile.name]}


FOOTNOTES = {"mdc": "SPC: Making Data Count rules (mdc)", "ptd": "SPC: NHSRplotthedots rules (ptd)"}
PROFILE_NOTES = {
    "mdc": "Charts follow NHS England's Making Data Count rules (the mdc profile): a shift or trend is 6 or "
           "more points, and a chart needs 13 months before it shows limits and icons.",
    "ptd": "Charts follow the NHSRplotthedots rules (the ptd profile): a shift or trend is 7 or more points, "
           "and unusually large month-to-month changes are left out of the limits.",
}


def _summary_row(title: str, measure: Measure, analysis: spc.Analysis, shown: list[str]) -> dict:
    last = next(p for p in reversed(analysis.points) if p.value is not None)
    limits = (f"{line_text(last.lines.lower, measure.unit)} to {line_text(last.lines.upper, measure.unit)}"
              if last.lines.upper is not None else "not yet (fewer than 13 months)")
    return {"header": title, "badge": "", "measure_id": measure.id, "variation": analysis.variation,
            "assurance": analysis.assurance, "cells": [
        {"text": shown[-1], "css": "num"},
        {"text": line_text(analysis.target, measure.unit) if analysis.target is not None else "none set", "css": ""},
        {"text": line_text(last.lines.mean, measure.unit), "css": "num"},
        {"text": limits, "css": ""},
        {"text": VARIATION_SHORT[analysis.variation], "css": f"spc spc-{(analysis.variation or 'none').split('_')[0]}"},
        {"text": ASSURANCE_SHORT[analysis.assurance], "css": f"spc spc-{analysis.assurance or 'none'}"},
    ]}


def _block(title: str, measure: Measure, analysis: spc.Analysis, window: list[str], shown: list[str],
           rebases: list[Rebase], baseline: Baseline | None, svg: str) -> dict:
    rows = []
    for p in reversed(analysis.points):
        lines = p.lines
        rows.append({"header": period_label(window[p.index], short=True), "badge": "", "cells": [
            {"text": shown[p.index], "css": "num"},
            {"text": line_text(lines.mean if lines else None, measure.unit), "css": "num"},
            {"text": line_text(lines.lower if lines else None, measure.unit), "css": "num"},
            {"text": line_text(lines.upper if lines else None, measure.unit), "css": "num"},
            {"text": POINT_WORDS[p.point_type], "css": f"spc spc-{p.point_type}"},
        ]})
    notes = [f"{i}. From {period_label(r.month)}: {r.reason}" + (f" (plan action {r.action})" if r.action else "")
             for i, r in enumerate(rebases, 1)]
    note = f" {baseline.note}" if baseline and baseline.note else ""
    fixed = [words + note for words in baseline_words(analysis, [period_label(m) for m in window])]
    return {
        "title": title,
        "measure_id": measure.id,
        "chart": {"src": data_uri(svg), "alt": text_alternative(svg), "caption": title},
        "variation": VARIATION_WORDS[analysis.variation],
        "assurance": ASSURANCE_WORDS[analysis.assurance],
        "target": line_text(analysis.target, measure.unit) if analysis.target is not None else "",
        "rebases": notes,
        "baselines": fixed,
        "warnings": analysis.warnings,
        "table": {"caption": f"{title}: month by month (newest first)", "css": "trend spc-table", "note": "",
                  "columns": ["Month", "Value", "Mean", "Lower limit", "Upper limit", "Point"], "rows": rows},
    }
