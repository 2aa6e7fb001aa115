"""Publish a period's pack: the files beside the PDF, and the list of every pack.

``publish_pack`` completes ``<data>/packs/<period>/`` (the PDF from
:mod:`pipeline.reports.highlight.report`, the measures CSV the run wrote) with the measures as XLSX and a
copy of the run's validation report, then records the pack in ``<data>/packs/manifest.json``
and rewrites ``<data>/packs/index.html`` from it. The manifest lists, for every pack, its
date, status, the sha256 of the PDF and of every file beside it, and the sha256 of each
input snapshot the measures were built from (the raw manifests' rows of the delivery
versions in ``meta_loads`` that ``measure_snapshots`` names), and, for a quarter's last month,
which pack its quarterly stocktake follows (``stocktakes_pending`` lists those it does not).
Every file is written to a temporary name and renamed; re-publishing a period replaces its entry.
"""
from __future__ import annotations

import json
import logging
import shutil
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from pipeline.feeds.land import read_manifest, sha256_file
from pipeline.files import atomic_path, locked
from pipeline.periods import ends_quarter, parse_period
from pipeline.reports.formatting import SUPPRESSION_NOTE, date_label, format_value, is_suppressed, period_label
from pipeline.warehouse import db
from pipeline.warehouse.measures import MEASURE_COLUMNS, read_measures, read_snapshots, write_measures_csv

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
INDEX_NAME = "index.html"
VALIDATION_FILES = ("validation-report.csv", "validation-report.md")
XLSX_README = (
    "The measures of the period, one row a measure and breakdown, as in the CSV beside this file.",
    "numerator, denominator and value are unrounded and not suppressed (as computed).",
    "as_displayed is the value exactly as the PDF shows it: rounded, and 'c' where a small "
    "number (1 to 4) is suppressed.",
    "Definitions of every measure are in the data dictionary of the PDF's annex (…-annex.pdf).",
)


class PublishError(RuntimeError):
    """A pack cannot be published; the message says what is missing."""


# --------------------------------------------------------------------------- small helpers


def pack_status(stale_feeds: list[str] | tuple[str, ...], status: str = "complete") -> str:
    """The status a pack is listed with: ``status``, or ``stale: <feeds>`` when any feed is stale."""
    if stale_feeds and not status.startswith("stale"):
        return "stale: " + ", ".join(stale_feeds)
    return status


def stale_feeds_of(engine: sa.Engine, period: str) -> list[str]:
    """The feeds the report flags as stale: stale or without data for the period (``measure_snapshots``)."""
    from pipeline.reports.highlight.cover import stale_sources

    return sorted(stale_sources(read_snapshots(engine, period)))


def _atomic_write_bytes(path: Path, data: bytes) -> Path:
    with atomic_path(path) as temp:
        temp.write_bytes(data)
    return path


def _atomic_copy(source: Path, target: Path) -> Path:
    with atomic_path(target) as temp:
        shutil.copyfile(source, temp)
    return target


def _locked(packs_dir: Path):
    """One publisher at a time may read, change and rewrite the manifest."""
    return locked(packs_dir / ".manifest.lock")


# --------------------------------------------------------------------------- files beside the PDF


def write_measures_xlsx(frame: pd.DataFrame, path: Path, *, period: str, produced_on: date) -> Path:
    """The measures as an XLSX workbook: a "Measures" sheet and a "Read me" sheet.

    The Measures sheet holds exactly the CSV's columns (numbers as numbers, blanks empty)
    plus ``as_displayed``, the value as the PDF shows it. Written atomically.
    """
    from openpyxl import Workbook  # imported when a pack is published, not at import time


    book = Workbook()
    sheet = book.active
    sheet.title = "Measures"
    sheet.append([*MEASURE_COLUMNS, "as_displayed"])
    for row in frame[MEASURE_COLUMNS].to_dict("records"):
        cells = [None if pd.isna(row[c]) else row[c] for c in MEASURE_COLUMNS]
        sheet.append([*cells, format_value(row, row["unit"])])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for column, width in zip("ABCDEFGH", (30, 10, 28, 14, 14, 14, 10, 14)):
        sheet.column_dimensions[column].width = width
    about = book.create_sheet("Read me")
    about.append([f"SEND measures, {period_label(period)}"])
    about.append([f"Produced on {produced_on.isoformat()}"])
    for line in XLSX_README:
        about.append([line])
    about.column_dimensions["A"].width = 110
    stamp = datetime(produced_on.year, produced_on.month, produced_on.day)
    book.properties.creator = "send-board-pack"
    book.properties.title = f"SEND measures {period}"
    book.properties.created = stamp
    with atomic_path(path) as temp:
        book.save(temp)
    return path


def copy_validation_report(data_dir: Path, period: str, pack_dir: Path) -> list[Path]:
    """Copy the run's ``validation-report.csv`` and ``.md`` into the pack as ``…-<period>.csv/.md``."""
    source_dir = data_dir / "validation" / period
    copied = []
    for name in VALIDATION_FILES:
        source = source_dir / name
        if not source.is_file():
            log.warning("publish %s: %s is missing; the pack has no copy of it.", period, source)
            continue
        stem, suffix = name.rsplit(".", 1)
        copied.append(_atomic_copy(source, pack_dir / f"{stem}-{period}.{suffix}"))
    return copied


# --------------------------------------------------------------------------- input snapshots


def _deliveries_used(conn: sa.Connection, feed: str, used: date) -> list[tuple[str, str, str]]:
    """(raw feed, delivery, what it was used for) of one ``measure_snapshots`` row."""
    if feed in ("council_send", "therapies", "nccis"):
        found = [(feed, used.isoformat(), f"{feed} snapshot")]
        return found + ([("reference", "establishments", "setting groups")] if feed == "council_send" else [])
    if feed == "workforce":
        return [("workforce", "senco_training", "SENCO training log"),
                ("reference", "establishments", "the schools senco_trained counts")]
    if feed == "population":
        return [("reference", "population", "population for rates per 10,000")]
    if feed == "school_census":
        files = conn.execute(sa.text("select distinct census_file from src_school_census__census "
                                     "where census_date = :d order by census_file"), {"d": used}).scalars().all()
        return [("school_census", f, "census measures") for f in files]
    if feed in ("ks2", "ks4"):
        results = conn.execute(sa.text(f"select distinct results_file from src_school_census__{feed} "
                                       "where academic_year_end = :y order by results_file"),
                               {"y": used.year}).scalars().all()
        spring = conn.execute(sa.text(
            "select distinct census_file from src_school_census__census where census_term = 'SPR' "
            "and census_date between :start and :end order by census_file"),
            {"start": date(used.year - 1, 9, 1), "end": date(used.year, 8, 31)}).scalars().all()
        return ([("school_census", f, f"{feed} results") for f in results]
                + [("school_census", f, f"{feed} groups (spring census)") for f in spring])
    return []


def input_snapshots(engine: sa.Engine, period: str, raw_dir: Path) -> list[dict]:
    """Every input delivery a period's measures used, with the sha256 of each of its files.

    One entry a delivery: ``feed``, ``delivery``, ``version`` (from ``meta_loads``),
    ``used_for`` and ``files`` (name, sha256, bytes from ``raw/<feed>/manifest.csv``).
    A source with no data for the period is listed with ``delivery`` None.
    """
    snapshots = read_snapshots(engine, period)
    loads = db.read_sql_frame(engine, "select feed, delivery, version from meta_loads")
    loaded = {(r["feed"], r["delivery"]): int(r["version"]) for r in loads.to_dict("records")}
    entries: dict[tuple[str, str], dict] = {}
    missing = []
    with engine.connect() as conn:
        for snap in snapshots.to_dict("records"):
            used = snap["extract_date"]
            if used is None or pd.isna(used):
                missing.append({"feed": snap["feed"], "delivery": None, "version": None,
                                "used_for": f"{snap['feed']}: no data for this period", "files": []})
                continue
            used = used if isinstance(used, date) else pd.Timestamp(used).date()
            for feed, delivery, used_for in _deliveries_used(conn, snap["feed"], used):
                entry = entries.setdefault((feed, delivery), {
                    "feed": feed, "delivery": delivery, "version": loaded.get((feed, delivery)),
                    "used_for": [], "files": []})
                entry["used_for"].append(used_for)
    manifests = {feed: read_manifest(raw_dir, feed) for feed, _ in entries}
    out = []
    for (feed, delivery), entry in sorted(entries.items()):
        version = entry["version"]
        rows = [r for r in manifests[feed] if r["delivery"] == delivery and version is not None
                and int(r["version"]) == version]
        entry["files"] = [{"file": r["file"], "sha256": r["sha256"], "bytes": int(r["bytes"])}
                          for r in sorted(rows, key=lambda r: r["file"])]
        if not rows:
            log.warning("publish %s: no raw manifest row for %s %s v%s.", period, feed, delivery, version)
        out.append({**entry, "used_for": "; ".join(dict.fromkeys(entry["used_for"]))})
    return out + missing


# --------------------------------------------------------------------------- manifest and index


def read_packs_manifest(packs_dir: Path) -> dict:
    """The packs manifest (``{"packs": [...]}``), empty when none has been published."""
    path = packs_dir / MANIFEST_NAME
    if not path.exists():
        return {"packs": []}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise PublishError(f"{path} is not valid JSON ({exc}); restore it from backup or delete it "
                           "and re-publish every period.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("packs"), list):
        raise PublishError(f"{path} has no 'packs' list; delete it and re-publish every period.")
    return data


def _file_entry(pack_dir: Path, path: Path) -> dict:
    return {"file": f"{pack_dir.name}/{path.name}", "sha256": sha256_file(path), "bytes": path.stat().st_size}


def _suppression(frame: pd.DataFrame) -> dict:

    rows = [f"{r['measure_id']} {r['breakdown']}" for r in frame.to_dict("records") if is_suppressed(r, r["unit"])]
    return {"rule": SUPPRESSION_NOTE, "figures_suppressed": len(rows), "rows": rows}


def write_index(packs_dir: Path, manifest: dict) -> Path:
    """Rewrite ``index.html`` (every pack, newest first) from the manifest, atomically."""
    from pipeline.reports.pdf import render_html

    packs = [{**p, "produced_label": date_label(date.fromisoformat(p["produced_on"])),
              "status_css": "status-stale" if p["stale_feeds"] else "status-complete"} for p in manifest["packs"]]
    html = render_html({"packs": packs}, template="index.html")
    return _atomic_write_bytes(packs_dir / INDEX_NAME, html.encode("utf-8"))


def publish_pack(
    engine: sa.Engine,
    period: str,
    data_dir: Path,
    pdf: Path,
    *,
    status: str,
    stale_feeds: list[str],
    produced_on: date | None = None,
) -> Path:
    """Complete a period's pack folder and list it in the manifest and the index.

    Parameters
    ----------
    engine
        The warehouse the pack was rendered from.
    period
        ``YYYY-MM``.
    data_dir
        The data folder; the pack is ``<data_dir>/packs/<period>/``.
    pdf
        The rendered highlight report (copied into the pack folder when it is elsewhere).
    status
        The run's word for the pack, e.g. ``complete``; when ``stale_feeds`` is not empty
        the pack is listed as ``stale: <feeds>`` (see :func:`pack_status`).
    stale_feeds
        Feeds whose data for the period is stale or missing.
    produced_on
        The date the pack was produced (as printed on its cover); defaults to the date the
        PDF file was written.

    Returns
    -------
    Path
        The pack folder.

    Raises
    ------
    PublishError
        When the PDF does not exist or the manifest cannot be read.
    """
    parse_period(period)
    pdf = Path(pdf)
    if not pdf.is_file():
        raise PublishError(f"The PDF {pdf} does not exist: render the report before publishing it.")
    packs_dir = Path(data_dir) / "packs"
    pack_dir = packs_dir / period
    pack_dir.mkdir(parents=True, exist_ok=True)
    if pdf.resolve().parent != pack_dir.resolve():
        pdf = _atomic_copy(pdf, pack_dir / pdf.name)
    produced = produced_on or date.fromtimestamp(pdf.stat().st_mtime)
    frame = read_measures(engine, period)
    csv_path = pack_dir / f"measures-{period}.csv"
    if not csv_path.exists():  # the run writes it; a pack published on its own still gets one
        write_measures_csv(frame, csv_path)
    write_measures_xlsx(frame, pack_dir / f"measures-{period}.xlsx", period=period, produced_on=produced)
    copy_validation_report(Path(data_dir), period, pack_dir)
    beside = sorted(p for p in pack_dir.iterdir() if p.is_file() and not p.name.startswith(".") and p != pdf)
    entry = {
        "period": period,
        "period_label": period_label(period),
        "produced_on": produced.isoformat(),
        "status": pack_status(stale_feeds, status),
        "stale_feeds": list(stale_feeds),
        "pdf": _file_entry(pack_dir, pdf),
        "files": [_file_entry(pack_dir, p) for p in beside],
        "inputs": input_snapshots(engine, period, Path(data_dir) / "raw"),
        "suppression": _suppression(frame),
    }
    with _locked(packs_dir):
        packs = [p for p in read_packs_manifest(packs_dir)["packs"] if p.get("period") != period] + [entry]
        _write_manifest(packs_dir, packs)
    log.info("published %s: %s (%s)", period, pdf, entry["status"])
    return pack_dir


def _write_manifest(packs_dir: Path, packs: list[dict]) -> None:
    manifest = {"description": "Every published SEND highlight report pack, newest period first.",
                "packs": sorted(packs, key=lambda p: p["period"], reverse=True)}
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    _atomic_write_bytes(packs_dir / MANIFEST_NAME, text.encode("utf-8"))
    write_index(packs_dir, manifest)


# --------------------------------------------------------------------------- quarterly stocktakes


def _entry(packs: list[dict], period: str) -> dict | None:
    return next((p for p in packs if p.get("period") == period), None)


def published_pack(packs_dir: Path, period: str) -> str | None:
    """The sha256 of the month's published pack PDF, or None when the month has no pack."""
    entry = _entry(read_packs_manifest(packs_dir)["packs"], period)
    return entry["pdf"]["sha256"] if entry else None


def record_stocktake(packs_dir: Path, period: str, pdf: Path, follows: str | None) -> bool:
    """Note in the manifest that ``pdf``, the stocktake of the quarter ending ``period``, follows
    the month's pack whose sha256 is ``follows`` (:func:`published_pack`, read before rendering:
    when the month is re-published meanwhile, the stocktake stays pending). False, and nothing
    written, when the month has no pack."""
    with _locked(packs_dir):
        packs = read_packs_manifest(packs_dir)["packs"]
        entry = _entry(packs, period)
        if entry is None or follows is None:
            return False
        entry["stocktake"] = {**_file_entry(packs_dir / period, Path(pdf)), "follows": follows}
        _write_manifest(packs_dir, packs)
    return True


def stocktakes_pending(packs_dir: Path) -> list[str]:
    """The quarter-end months (``YYYY-MM``, oldest first) whose published pack no stocktake follows:
    never rendered since the pack, or the month re-published since (which replaces its entry)."""
    return sorted(p["period"] for p in read_packs_manifest(packs_dir)["packs"]
                  if ends_quarter(p["period"])
                  and (p.get("stocktake") or {}).get("follows") != p["pdf"]["sha256"])
