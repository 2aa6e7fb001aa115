"""Stage, validate and load one landed delivery, all or nothing.

A delivery whose staging or validation finds a blocking problem is refused: nothing of
it reaches the warehouse and the previous good data stays in place.  A good delivery
replaces its earlier rows (same feed and extract date, or same file) in one
transaction.  ``meta_loads`` records which version of each delivery is loaded, so a
re-run skips what is already in place.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import sqlalchemy as sa

from pipeline.feeds.contracts import Finding, get_table
from pipeline.feeds.land import Landed
from pipeline.feeds.reading import UnreadableFile
from pipeline.feeds.stage import warehouse_columns
from pipeline.feeds.stage.council_send import missing_modules, stage_snapshot
from pipeline.feeds.stage.nccis import stage_caseload
from pipeline.feeds.stage.programme import stage_programme
from pipeline.feeds.stage.reference import stage_reference
from pipeline.feeds.stage.school_census import stage_census, stage_results
from pipeline.feeds.stage.therapies import stage_referrals
from pipeline.feeds.stage.workforce import establishments_file, stage_training
from pipeline.feeds.validate import validate_frame
from pipeline.warehouse import db

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What happened to one delivery: loaded, refused, or already loaded."""

    feed: str
    delivery: str
    version: int
    status: str  # "loaded", "refused", "unchanged"
    findings: list[Finding] = field(default_factory=list)
    rows: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # stage, validate, load

    @property
    def refused(self) -> bool:
        """True when the delivery was refused."""
        return self.status == "refused"


def stage_delivery(landed: Landed, key: bytes) -> tuple[dict[str, pd.DataFrame], list[Finding]]:
    """Stage every file of a delivery: table name -> staged frame, plus reading findings."""
    if landed.feed == "council_send":
        missing = missing_modules(landed.files)
        if missing:
            day = landed.extract_date.strftime("%d-%m-%Y")
            names = ", ".join(f"Blade-Export_{day}_{m}.csv" for m in missing)
            return {}, [Finding("council_send", names, "", "all nine modules present", "blocking", None, [],
                                f"The council_send snapshot of {landed.key} lacks {names}; "
                                "a snapshot is loaded only whole, so none of it was loaded.")]
        return stage_snapshot(landed.files, key, landed.extract_date)
    (table_name, path), = landed.files.items()
    if landed.feed == "therapies":
        frame, notes = stage_referrals(path, key, landed.extract_date)
    elif landed.feed == "nccis":
        frame, notes = stage_caseload(path, key, landed.extract_date)
    elif landed.feed == "workforce":
        frame, notes = stage_training(path, key, establishments_file(path, landed.version > 0))
    elif table_name == "census":
        frame, notes = stage_census(path, key)
    elif landed.feed == "school_census":
        frame, notes = stage_results(path, get_table("school_census", table_name), key)
    elif landed.feed == "programme":
        frame, notes = stage_programme(path, get_table("programme", table_name), key)
    else:
        frame, notes = stage_reference(path, get_table(landed.feed, table_name), key)
    return {table_name: frame}, notes


def check_delivery(landed: Landed, key: bytes,
                   seconds: dict | None = None) -> tuple[dict[str, pd.DataFrame], list[Finding]]:
    """Stage and validate a delivery; returns the staged frames and every finding.

    ``seconds``, when given, receives the time spent staging and validating.
    """
    seconds = {} if seconds is None else seconds
    started = time.perf_counter()
    try:
        frames, findings = stage_delivery(landed, key)
    except UnreadableFile as exc:
        frames, findings = {}, [exc.finding]
    seconds["stage"] = time.perf_counter() - started
    for name, frame in frames.items():
        findings += validate_frame(frame, get_table(landed.feed, name), landed.files[name].name, landed.extract_date)
    seconds["validate"] = time.perf_counter() - started - seconds["stage"]
    return frames, findings


def _where(landed: Landed, table_name: str) -> dict:
    if landed.extract_date is not None:
        return {"extract_date": landed.extract_date}
    if table_name == "census":
        return {"census_file": landed.key}
    if table_name in ("ks2", "ks4"):
        return {"results_file": landed.key}
    return {}


def _to_load(conn: sa.Connection, landed: Landed, frames: dict[str, pd.DataFrame]
             ) -> dict[str, tuple[pd.DataFrame, dict[str, str]]]:
    """Each warehouse table's rows, with the table's columns (looked up once a table)."""
    out = {}
    for name, frame in frames.items():
        table = get_table(landed.feed, name).warehouse_table
        columns = db.table_columns(conn, table)
        frame = warehouse_columns(frame).reset_index(drop=True)
        if landed.extract_date is not None:
            frame["extract_date"] = pd.Timestamp(landed.extract_date)
        out[table] = (frame[list(columns)], columns)
    return out


def loaded_version(engine: sa.Engine, feed: str, delivery: str) -> int | None:
    """The version of a delivery in the warehouse, if any."""
    with engine.connect() as conn:
        row = conn.execute(sa.text("select version from meta_loads where feed = :f and delivery = :d"),
                           {"f": feed, "d": delivery}).first()
    return int(row[0]) if row else None


def _record_load(conn, landed: Landed, rows: int) -> None:
    conn.execute(sa.text("delete from meta_loads where feed = :f and delivery = :d"),
                 {"f": landed.feed, "d": landed.key})
    conn.execute(sa.text("insert into meta_loads (feed, delivery, version, extract_date, rows_loaded) "
                         "values (:f, :d, :v, :e, :r)"),
                 {"f": landed.feed, "d": landed.key, "v": landed.version, "e": landed.extract_date, "r": rows})


def load_delivery(landed: Landed, engine: sa.Engine, key: bytes) -> Outcome:
    """Stage, validate and (if nothing blocks) load one delivery in one transaction."""
    if loaded_version(engine, landed.feed, landed.key) == landed.version:
        return Outcome(landed.feed, landed.key, landed.version, "unchanged")
    seconds: dict[str, float] = {}
    frames, findings = check_delivery(landed, key, seconds)
    return load_frames(landed, frames, findings, engine, seconds)


def load_frames(landed: Landed, frames: dict[str, pd.DataFrame], findings: list[Finding], engine: sa.Engine,
                seconds: dict[str, float] | None = None) -> Outcome:
    """Load a checked delivery's staged frames in one transaction, unless a finding blocks it."""
    seconds = {} if seconds is None else seconds
    if not frames or any(f.blocking for f in findings):
        log.warning("refused %s %s: %d blocking problem(s)", landed.feed, landed.key,
                    sum(f.blocking for f in findings))
        return Outcome(landed.feed, landed.key, landed.version, "refused", findings, seconds=seconds)
    started = time.perf_counter()
    try:
        with engine.begin() as conn:
            db.lock(conn, "load", landed.feed, landed.key)
            findings = findings + volume_findings(conn, landed, frames)
            to_load = _to_load(conn, landed, frames)
            rows = sum(len(f) for f, _ in to_load.values())
            for table, (frame, columns) in to_load.items():
                where = _where(landed, table.split("__", 1)[1])
                db.replace_rows(conn, table, frame, where, columns=columns)
            _record_load(conn, landed, rows)
    except db.WarehouseError as exc:  # rolled back: the earlier good data stays
        log.warning("refused %s %s: the warehouse would not take it", landed.feed, landed.key)
        finding = Finding(landed.feed, ", ".join(p.name for p in landed.files.values()), "", "loads into the warehouse",
                          "blocking", None, [], f"The warehouse refused the {landed.feed} delivery {landed.key}: "
                          f"{str(exc).splitlines()[0][:300]}. Nothing of it was loaded.")
        return Outcome(landed.feed, landed.key, landed.version, "refused", findings + [finding], seconds=seconds)
    seconds["load"] = time.perf_counter() - started
    log.info("loaded %s %s v%s: %d rows in %.1f s", landed.feed, landed.key, landed.version, rows, seconds["load"])
    return Outcome(landed.feed, landed.key, landed.version, "loaded", findings, rows, seconds)


VOLUME_CHANGE = 0.5  # a delivery half or twice the size of the previous one is worth a look


def volume_findings(engine: sa.Engine | sa.Connection, landed: Landed, frames: dict[str, pd.DataFrame]
                    ) -> list[Finding]:
    """Warn when a delivery's rows differ by more than half from the feed's previous load.

    ``engine`` may be a connection: the load's own transaction asks, saving a connection.
    """
    if isinstance(engine, sa.Engine):
        with engine.connect() as conn:
            return volume_findings(conn, landed, frames)
    kind = landed.key.split("_")[0] if landed.extract_date is None else ""
    previous = engine.execute(sa.text(
        "select delivery, rows_loaded from meta_loads where feed = :f and delivery <> :d "
        "and delivery like :kind order by delivery desc limit 1"),
        {"f": landed.feed, "d": landed.key, "kind": f"{kind}%"}).first()
    rows = sum(len(f) for f in frames.values())
    if previous is None or not previous[1] or VOLUME_CHANGE < rows / previous[1] < 1 / VOLUME_CHANGE:
        return []
    return [Finding(landed.feed, ", ".join(p.name for p in landed.files.values()), "", "usual volume", "warning",
                    rows, [], f"The {landed.feed} delivery {landed.key} has {rows:,} rows where the previous one "
                    f"({previous[0]}) had {previous[1]:,}; check the extract is complete.")]


def snapshot_candidates(landed: list[Landed], period_end: date) -> list[Landed]:
    """A dated feed's snapshots in the order the period would choose them (FEEDS.md).

    First those dated PE..PE+31 days, earliest first; then those before PE, newest first.
    Later snapshots are never considered, so a re-run gives the same answer.
    """
    in_window = sorted((d for d in landed if 0 <= (d.extract_date - period_end).days <= 31), key=lambda d: d.key)
    before = sorted((d for d in landed if d.extract_date < period_end), key=lambda d: d.key, reverse=True)
    return in_window + before

