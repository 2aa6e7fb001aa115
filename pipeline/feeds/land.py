"""Land deliveries: copy them unchanged into the immutable raw area, with a manifest.

A delivery is the set of files of one feed for one extract date (or, for census,
results and reference files, one file).  Landing copies it into
``<data>/raw/<feed>/<delivery>/v<N>/`` and appends its files to
``<data>/raw/<feed>/manifest.csv`` (feed, delivery, version, file, sha256, bytes, rows,
extract date, landed at).  Landing the same bytes again is a no-op; different bytes for
the same delivery become version N+1, which replaces the earlier one as "current" in a
single atomic rename of the manifest.  Landed files are made read-only and never
modified or deleted.
"""
from __future__ import annotations

import csv
import hashlib
import logging
import os
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from pipeline.feeds.contracts import FEEDS, Finding, table_for_file

log = logging.getLogger(__name__)
MANIFEST_COLUMNS = ("feed", "delivery", "version", "file", "sha256", "bytes", "rows", "extract_date", "landed_at")
DATED_FEEDS = ("council_send", "therapies", "nccis")  # deliveries named by their extract date


@dataclass
class Delivery:
    """Files of one feed that arrive and are replaced together."""

    feed: str
    key: str  # extract date (YYYY-MM-DD) for dated feeds, else the file's stem
    files: list[Path] = field(default_factory=list)

    @property
    def extract_date(self) -> date | None:
        """The extract date of a dated feed's delivery."""
        return date.fromisoformat(self.key) if self.feed in DATED_FEEDS else None


@dataclass
class Landed:
    """The current landed version of a delivery."""

    feed: str
    key: str
    version: int
    files: dict[str, Path]  # table name -> raw file
    sha256: dict[str, str]
    changed: bool  # False when the same bytes were already landed

    @property
    def extract_date(self) -> date | None:
        """The extract date of a dated feed's delivery."""
        return date.fromisoformat(self.key) if self.feed in DATED_FEEDS else None


def _delivery_key(feed: str, filename: str) -> tuple[str, str] | None:
    found = table_for_file(feed, filename)
    if found is None:
        return None
    table, match = found
    if feed in DATED_FEEDS:
        day, month, year = match.group(1).split("-")
        return f"{year}-{month}-{day}", table.name
    return Path(filename).stem, table.name


def discover_deliveries(inbox: Path, feeds: tuple[str, ...] = FEEDS) -> tuple[list[Delivery], list[Finding]]:
    """Group the inbox's files into deliveries; report names that fit no pattern, and links."""
    deliveries: dict[tuple[str, str], Delivery] = {}
    findings: list[Finding] = []
    for feed in feeds:
        folder = inbox / feed
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            if path.is_symlink():
                findings.append(Finding(feed, path.name, "", "file is not a link", "warning", None, [],
                                        f"{path.name} in {feed}/ is a link; links are not followed, so it was not "
                                        "read. Put the file itself in the folder."))
                continue
            if not path.is_file():
                findings.append(Finding(feed, path.name, "", "file is a regular file", "warning", None, [],
                                        f"{path.name} in {feed}/ is not a file; it was not read."))
                continue
            try:
                found = _delivery_key(feed, path.name)
            except ValueError:
                found = None
            if found is None:
                findings.append(Finding(feed, path.name, "", "file name matches the feed", "warning", None, [],
                                        f"{path.name} in {feed}/ does not match a file name of the {feed} feed; "
                                        "it was not read (see docs/feeds.md for the names)."))
                continue
            key, _ = found
            deliveries.setdefault((feed, key), Delivery(feed, key)).files.append(path)
    return sorted(deliveries.values(), key=lambda d: (d.feed, d.key)), findings


def sha256_file(path: Path) -> str:
    """The sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _count_rows(path: Path) -> int:
    with path.open("rb") as handle:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    size = path.stat().st_size
    if size:
        with path.open("rb") as handle:
            handle.seek(size - 1)
            lines += handle.read(1) != b"\n"
    return max(lines - 1, 0)


def read_manifest(raw_dir: Path, feed: str) -> list[dict]:
    """Every manifest row of a feed, oldest first."""
    path = raw_dir / feed / "manifest.csv"
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write_manifest(raw_dir: Path, feed: str, rows: list[dict]) -> None:
    path = raw_dir / feed / "manifest.csv"
    temp = path.with_suffix(".csv.tmp")
    with temp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)


def current_versions(raw_dir: Path, feed: str) -> dict[str, Landed]:
    """The current (latest) landed version of every delivery of a feed."""
    latest: dict[str, int] = {}
    rows = read_manifest(raw_dir, feed)
    for row in rows:
        latest[row["delivery"]] = max(latest.get(row["delivery"], 0), int(row["version"]))
    out: dict[str, Landed] = {}
    for row in rows:
        key, version = row["delivery"], int(row["version"])
        if version != latest[key]:
            continue
        landed = out.setdefault(key, Landed(feed, key, version, {}, {}, changed=False))
        table = _delivery_key(feed, row["file"])[1]
        landed.files[table] = raw_dir / feed / key / f"v{version}" / row["file"]
        landed.sha256[table] = row["sha256"]
    return out


def land_delivery(delivery: Delivery, raw_dir: Path) -> Landed:
    """Copy a delivery into the raw area unless the same bytes are already its current version."""
    hashes = {p.name: sha256_file(p) for p in delivery.files}
    current = current_versions(raw_dir, delivery.feed).get(delivery.key)
    if current and {p.name: current.sha256[t] for t, p in current.files.items()} == hashes:
        log.info("land %s %s: unchanged (version %s)", delivery.feed, delivery.key, current.version)
        return current
    version = current.version + 1 if current else 1
    target = raw_dir / delivery.feed / delivery.key / f"v{version}"
    temp = target.with_name(f".v{version}.tmp")
    shutil.rmtree(temp, ignore_errors=True)
    temp.mkdir(parents=True)
    for path in delivery.files:
        shutil.copyfile(path, temp / path.name)
        (temp / path.name).chmod(0o444)
    os.replace(temp, target)
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    rows = read_manifest(raw_dir, delivery.feed) + [
        {"feed": delivery.feed, "delivery": delivery.key, "version": version, "file": p.name,
         "sha256": hashes[p.name], "bytes": p.stat().st_size, "rows": _count_rows(target / p.name),
         "extract_date": delivery.key if delivery.extract_date else "", "landed_at": stamp}
        for p in delivery.files]
    _write_manifest(raw_dir, delivery.feed, rows)
    log.info("land %s %s: version %s, %d files", delivery.feed, delivery.key, version, len(delivery.files))
    landed = current_versions(raw_dir, delivery.feed)[delivery.key]
    landed.changed = True
    return landed


def land_inbox(inbox: Path, raw_dir: Path, feeds: tuple[str, ...] = FEEDS) -> tuple[list[Landed], list[Finding]]:
    """Land every delivery in the inbox; returns the current versions and naming findings."""
    deliveries, findings = discover_deliveries(inbox, feeds)
    return [land_delivery(d, raw_dir) for d in deliveries], findings


def as_unlanded(delivery: Delivery) -> Landed:
    """A delivery read in place from the inbox (for checking without landing)."""
    files = {_delivery_key(delivery.feed, p.name)[1]: p for p in delivery.files}
    return Landed(delivery.feed, delivery.key, 0, files, {}, changed=False)
