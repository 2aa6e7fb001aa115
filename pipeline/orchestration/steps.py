"""One feed's part of a period as four re-runnable steps: land, stage, validate, load.

The Airflow DAG runs each step as its own task and ``run_period`` runs them one after
another, so both do the same work in the same order.  Steps hand over through files,
never through memory:

- ``land_feed`` copies the inbox's deliveries of the feed into the raw area and writes the
  period's *plan*: every current delivery the period could use, in the order it would
  choose them (FEEDS.md), each marked when that version is already in the warehouse.
- ``stage_feed`` types and pseudonymises the deliveries the plan still needs into the
  staged area, ``<data>/staged/<feed>/<delivery>/v<N>/<table>.parquet``, beside a
  ``checks.json`` holding the findings so far.  Staged files hold no identifier.
- ``validate_feed`` runs the Great Expectations suites on the staged tables and adds the
  findings to ``checks.json``.
- ``load_feed`` loads each delivery that passed, one transaction each, and records the
  outcomes in the plan.  A dated feed (a snapshot each month) stops at its first good
  snapshot; when the period's own snapshot is refused, the previous good one is used
  (staged and validated then if need be), and the refusal is still reported.

Each step redoes its own work when re-run and reuses the earlier steps' files, so
clearing one Airflow task re-runs exactly that step.  The plan lives in
``<data>/validation/<period>/feeds/<feed>.json`` beside the period's validation report.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

import pandas as pd
import sqlalchemy as sa

from pipeline.config import Settings
from pipeline.feeds.contracts import Finding, first_line, get_table
from pipeline.feeds.land import DATED_FEEDS, Landed, current_versions, land_inbox
from pipeline.feeds.reading import UnreadableFile
from pipeline.feeds.validate import suites_fingerprint
from pipeline.files import atomic_path, write_text_atomic
from pipeline.periods import period_end
from pipeline.warehouse.load import Outcome, load_frames, snapshot_candidates, stage_delivery

log = logging.getLogger(__name__)


class FeedRefused(RuntimeError):
    """A delivery of the feed was refused; the previous good data was kept."""


@dataclass
class Candidate:
    """A delivery the period could use: its current landed version."""

    key: str
    version: int
    loaded: bool  # this version is already in the warehouse


@dataclass
class Plan:
    """What one feed does for one period (written by ``land_feed``, completed by ``load_feed``)."""

    feed: str
    period: str
    candidates: list[Candidate] = field(default_factory=list)
    landing_findings: list[Finding] = field(default_factory=list)
    outcomes: list[Outcome] | None = None  # None until the load step has run
    land_seconds: float = 0.0

    def to_json(self) -> str:
        """The plan as JSON text."""
        return json.dumps(asdict(self), indent=1, default=str)

    @classmethod
    def from_json(cls, text: str) -> Plan:
        """Read a plan written by :meth:`to_json`."""
        raw = json.loads(text)
        outcomes = raw["outcomes"]
        return cls(raw["feed"], raw["period"], [Candidate(**c) for c in raw["candidates"]],
                   [Finding(**f) for f in raw["landing_findings"]],
                   None if outcomes is None else [_outcome(o) for o in outcomes], raw["land_seconds"])


def _outcome(raw: dict) -> Outcome:
    return Outcome(**{**raw, "findings": [Finding(**f) for f in raw["findings"]]})


@dataclass
class Checks:
    """What staging and validation found in one delivery version (its ``checks.json``)."""

    key_fingerprint: str  # staged with this pseudonymisation key
    tables: list[str]
    staging: list[Finding]
    validation: list[Finding] | None = None  # None until validated
    seconds: dict[str, float] = field(default_factory=dict)  # stage, validate
    suites: str = ""  # validated with these suites and checks (pipeline.feeds.validate.suites_fingerprint)

    @property
    def refused(self) -> bool:
        """True when staging or validation found a blocking problem."""
        found = self.staging + (self.validation or [])
        return not self.tables or any(f.blocking for f in found)

    @property
    def findings(self) -> list[Finding]:
        """Every finding so far."""
        return self.staging + (self.validation or [])


# --------------------------------------------------------------------------- places


def plan_path(settings: Settings, feed: str, period: str) -> Path:
    """Where a feed's plan and outcomes for a period are kept."""
    return settings.reports_dir / period / "feeds" / f"{feed}.json"


def staged_dir(settings: Settings, feed: str, key: str, version: int) -> Path:
    """The staged area of one delivery version."""
    return settings.data_dir / "staged" / feed / key / f"v{version}"


def read_plan(settings: Settings, feed: str, period: str) -> Plan:
    """The plan ``land_feed`` wrote; raises ``FileNotFoundError`` with what to run first."""
    path = plan_path(settings, feed, period)
    if not path.exists():
        raise FileNotFoundError(f"No plan for {feed} in {period} at {path}: run the land step for {feed} first.")
    return Plan.from_json(path.read_text(encoding="utf-8"))


def _write_plan(settings: Settings, plan: Plan) -> None:
    write_text_atomic(plan_path(settings, plan.feed, plan.period), plan.to_json() + "\n")


def _fingerprint(key: bytes) -> str:
    return hmac.new(key, b"staged-area", hashlib.sha256).hexdigest()[:16]


def read_checks(settings: Settings, feed: str, candidate: Candidate) -> Checks | None:
    """A delivery version's checks, or None when it is not staged (or staged with another key)."""
    path = staged_dir(settings, feed, candidate.key, candidate.version) / "checks.json"
    if not path.exists():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    if raw["key_fingerprint"] != _fingerprint(settings.pseudonymisation_key):
        return None
    validation = raw["validation"]
    return Checks(raw["key_fingerprint"], raw["tables"], [Finding(**f) for f in raw["staging"]],
                  None if validation is None else [Finding(**f) for f in validation], raw["seconds"],
                  raw.get("suites", ""))


def _write_checks(settings: Settings, feed: str, candidate: Candidate, checks: Checks) -> None:
    folder = staged_dir(settings, feed, candidate.key, candidate.version)
    write_text_atomic(folder / "checks.json", json.dumps(asdict(checks), indent=1, default=str) + "\n")


def _landed(settings: Settings, feed: str, candidate: Candidate) -> Landed:
    landed = current_versions(settings.raw_dir, feed).get(candidate.key)
    if landed is None or landed.version != candidate.version:
        raise FileNotFoundError(f"{feed} {candidate.key} v{candidate.version} is no longer the current landed "
                                "version: run the land step again.")
    return landed


# --------------------------------------------------------------------------- the steps


def land_feed(feed: str, period: str, inbox: Path, settings: Settings, engine: sa.Engine) -> Plan:
    """Land the feed's deliveries from ``inbox`` and write the period's plan for the feed."""
    started = time.perf_counter()
    _, findings = land_inbox(inbox, settings.raw_dir, (feed,))
    landed = list(current_versions(settings.raw_dir, feed).values())
    if feed in DATED_FEEDS:
        landed = snapshot_candidates(landed, period_end(period))
    else:
        landed.sort(key=lambda d: d.key)
    with engine.connect() as conn:
        in_warehouse = dict(conn.execute(sa.text("select delivery, version from meta_loads where feed = :f"),
                                         {"f": feed}).all())
    plan = Plan(feed, period, [Candidate(d.key, d.version, in_warehouse.get(d.key) == d.version) for d in landed],
                findings, land_seconds=time.perf_counter() - started)
    _write_plan(settings, plan)
    log.info("%s: %d deliveries landed for %s, %d already in the warehouse", feed, len(plan.candidates), period,
             sum(c.loaded for c in plan.candidates))
    return plan


def stage_feed(feed: str, period: str, settings: Settings) -> list[str]:
    """Stage the deliveries the period still needs; returns their keys."""
    plan = read_plan(settings, feed, period)
    return [c.key for c in _pending(plan, settings) if _stage(settings, feed, c) is not None]


def validate_feed(feed: str, period: str, settings: Settings) -> dict[str, list[Finding]]:
    """Validate the staged deliveries the period needs; returns each refused one's blocking findings."""
    plan = read_plan(settings, feed, period)
    refused = {}
    for candidate in _pending(plan, settings):
        checks = _checked(settings, feed, candidate, revalidate=True)
        if checks.refused:
            refused[candidate.key] = [f for f in checks.findings if f.blocking] or [Finding(
                feed, "", "", "readable", "blocking", None, [], f"Nothing of {feed} {candidate.key} could be read.")]
    return refused


def load_feed(feed: str, period: str, settings: Settings, engine: sa.Engine) -> list[Outcome]:
    """Load what passed, in the plan's order; records and returns each delivery's outcome."""
    plan = read_plan(settings, feed, period)
    outcomes = []
    for candidate in plan.candidates:
        if candidate.loaded:  # loaded by an earlier run: report what was found when it was checked
            earlier = read_checks(settings, feed, candidate)
            outcomes.append(Outcome(feed, candidate.key, candidate.version, "unchanged",
                                    earlier.findings if earlier else []))
            if feed in DATED_FEEDS:
                break
            continue
        checks = _checked(settings, feed, candidate, revalidate=False)
        started = time.perf_counter()
        frames = {} if checks.refused else _read_staged(settings, feed, candidate, checks.tables)
        landed = _landed(settings, feed, candidate)
        seconds = {**checks.seconds, "read staged": time.perf_counter() - started}
        outcome = load_frames(landed, frames, checks.findings, engine, seconds)
        outcomes.append(outcome)
        if outcome.status == "loaded":
            candidate.loaded = True
        if feed in DATED_FEEDS and not outcome.refused:
            break
    plan.outcomes = outcomes
    _write_plan(settings, plan)
    return outcomes


def refusal(outcomes: list[Outcome], report: object = None) -> str:
    """The first line about refused deliveries (file, column, rule, rows, lines of the first findings), or ''."""
    refused = [o for o in outcomes if o.refused]
    if not refused:
        return ""
    names = ", ".join(f"{o.feed} {o.delivery}" for o in refused)
    blocking = [f for o in refused for f in o.findings if f.blocking]
    return first_line(f"Refused {names} (the previous good data was kept)", blocking, report)


def run_feed(feed: str, period: str, inbox: Path, settings: Settings, engine: sa.Engine) -> Plan:
    """All four steps of one feed, as the DAG's task group runs them."""
    land_feed(feed, period, inbox, settings, engine)
    stage_feed(feed, period, settings)
    validate_feed(feed, period, settings)
    load_feed(feed, period, settings, engine)
    return read_plan(settings, feed, period)


# --------------------------------------------------------------------------- helpers


def _pending(plan: Plan, settings: Settings) -> Iterator[Candidate]:
    """The deliveries the period still needs, lazily: a dated feed's walk stops at its
    first snapshot that is loaded or not (yet) refused."""
    for candidate in plan.candidates:
        if candidate.loaded:
            if plan.feed in DATED_FEEDS:
                return
            continue
        yield candidate
        if plan.feed in DATED_FEEDS:
            checks = read_checks(settings, plan.feed, candidate)
            if checks is None or not checks.refused:
                return


def _checked(settings: Settings, feed: str, candidate: Candidate, revalidate: bool) -> Checks:
    """The delivery's checks, staging it when not staged and validating when not validated."""
    checks = read_checks(settings, feed, candidate) or _stage(settings, feed, candidate)
    staged_whole = checks.tables and not any(f.blocking for f in checks.staging)
    if staged_whole and (checks.validation is None or (revalidate and checks.suites != suites_fingerprint())):
        checks = _validate(settings, feed, candidate, checks)
    return checks


def _stage(settings: Settings, feed: str, candidate: Candidate) -> Checks:
    started = time.perf_counter()
    landed = _landed(settings, feed, candidate)
    try:
        frames, findings = stage_delivery(landed, settings.pseudonymisation_key)
    except UnreadableFile as exc:
        frames, findings = {}, [exc.finding]
    folder = staged_dir(settings, feed, candidate.key, candidate.version)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, frame in frames.items():
        with atomic_path(folder / f"{name}.parquet") as temp:
            frame.to_parquet(temp, index=True)
    checks = Checks(_fingerprint(settings.pseudonymisation_key), sorted(frames), findings,
                    seconds={"stage": time.perf_counter() - started})
    _write_checks(settings, feed, candidate, checks)
    log.info("staged %s %s v%s: %s in %.1f s", feed, candidate.key, candidate.version,
             ", ".join(f"{n} {len(f):,} rows" for n, f in frames.items()) or "nothing readable",
             time.perf_counter() - started)
    return checks


def _validate(settings: Settings, feed: str, candidate: Candidate, checks: Checks) -> Checks:
    from pipeline.feeds.validate import validate_frame

    started = time.perf_counter()
    landed = _landed(settings, feed, candidate)
    found: list[Finding] = []
    for name, frame in _read_staged(settings, feed, candidate, checks.tables).items():
        found += validate_frame(frame, get_table(feed, name), landed.files[name].name, landed.extract_date)
    checks.validation = found
    checks.suites = suites_fingerprint()
    checks.seconds["validate"] = time.perf_counter() - started
    _write_checks(settings, feed, candidate, checks)
    log.info("validated %s %s v%s: %d blocking, %d warnings in %.1f s", feed, candidate.key, candidate.version,
             sum(f.blocking for f in checks.findings), sum(not f.blocking for f in checks.findings),
             time.perf_counter() - started)
    return checks


def _read_staged(settings: Settings, feed: str, candidate: Candidate, tables: list[str]) -> dict[str, pd.DataFrame]:
    folder = staged_dir(settings, feed, candidate.key, candidate.version)
    return {name: pd.read_parquet(folder / f"{name}.parquet") for name in tables}
