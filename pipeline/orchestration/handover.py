"""Hand files from task to task when the workers are on different hosts.

The DAG's tasks hand each other files under the data folder: landed raw copies and their
manifests, staged Parquet and its ``checks.json``, each feed's plan for the month, the
validation report, the PDF. On one host (or a data folder every worker mounts) nothing
more is needed. When workers do not share a disk, set ``SEND_HANDOVER_URL`` to a place
every worker reaches through Airflow's ``ObjectStoragePath``: a shared volume
(``file:///mnt/send-handover``) or S3-compatible storage (``s3://bucket/send``, with the
``s3fs`` package and an Airflow connection named in ``SEND_HANDOVER_CONN_ID``). Each task
then pulls what it reads from there into its own data folder and, when it ends (failed or
not), pushes what it wrote, so the next task finds it wherever it runs.

What a task reads:

- a feed's steps: ``raw/<feed>/``, ``staged/<feed>/`` and the month's ``validation/`` folder
  (the training log's also ``raw/reference/``: its schools are checked against
  ``establishments.csv``);
- the measures, the places page and the pack: the month's ``validation/`` and ``packs/``
  folders, the packs index and every feed's ``raw/<feed>/manifest.csv`` (the pack's manifest
  lists the files it was made from).

Landed and staged data files never change once written (a new delivery is a new version
folder), so they are fetched once; manifests, ``checks.json``, plans, reports and packs are
fetched when the store's copy is newer than the local one, so a file a task on this host
wrote and has not sent yet is never replaced by an older copy. Folders and files whose name
starts with a dot (a landing in progress, a temporary file) are never sent. The warehouse is
not handed over: with workers on several hosts it must be PostgreSQL (a DuckDB file belongs
to one host). The inbox is read by the ``land`` and
``wait`` steps: mount it where the workers and the triggerer run.
"""
from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from pipeline.config import Settings

log = logging.getLogger(__name__)

NOT_HANDED = ("warehouse.duckdb", "warehouse.duckdb.wal")
IMMUTABLE_FOLDERS = ("raw", "staged")


def store_url() -> str | None:
    """``SEND_HANDOVER_URL``, or None when every worker shares the data folder."""
    return os.environ.get("SEND_HANDOVER_URL") or None


def store_root(settings: Settings):
    """The area's folder in the store (an ``ObjectStoragePath``)."""
    from airflow.sdk import ObjectStoragePath

    root = ObjectStoragePath(store_url(), conn_id=os.environ.get("SEND_HANDOVER_CONN_ID") or None)
    return root / (settings.area_code or "default")


def feed_folders(feed: str, period: str) -> list[str]:
    """What a feed's steps read."""
    checked_against = ["raw/reference"] if feed == "workforce" else []
    return [f"raw/{feed}", f"staged/{feed}", f"validation/{period}", *checked_against]


def pack_folders(period: str) -> list[str]:
    """What the measures and the pack read."""
    from pipeline.feeds.contracts import FEEDS

    return [f"validation/{period}", f"packs/{period}", "packs/index.html", "packs/manifest.json",
            "packs/deliveries.json", *(f"raw/{feed}/manifest.csv" for feed in FEEDS)]


@contextmanager
def shared(settings: Settings, folders: list[str]) -> Iterator[None]:
    """Pull ``folders`` from the store before the work, push what the work wrote after it (even when it fails)."""
    if store_url() is None:
        yield
        return
    root = store_root(settings)
    pulled = pull(root, settings.data_dir, folders)
    before = _stamps(settings.data_dir)
    try:
        yield
    finally:
        pushed = push(root, settings.data_dir, before)
        log.info("hand-over %s: %d files fetched, %d sent", root, pulled, pushed)


def pull(root, data_dir: Path, folders: list[str]) -> int:
    """Copy the store's files under ``folders`` into ``data_dir``; returns how many were fetched."""
    fetched = 0
    for folder in folders:
        remote = root / folder
        if not remote.exists():
            continue
        files = [remote] if remote.is_file() else [p for p in remote.rglob("*") if p.is_file()]
        for path in files:
            relative = path.relative_to(root)
            local = data_dir / str(relative)
            if local.exists() and (_immutable(str(relative)) or _newer_here(local, path)):
                continue
            local.parent.mkdir(parents=True, exist_ok=True)
            temp = local.with_name(f".{local.name}.handover")
            root.fs.get_file(path.path, str(temp))
            os.replace(temp, local)
            fetched += 1
    return fetched


def push(root, data_dir: Path, before: dict[str, tuple[int, int]]) -> int:
    """Copy the files of ``data_dir`` that are new or changed since ``before`` (:func:`_stamps`) to the store.

    Only what this task wrote: a file fetched at the start and left alone is never sent back
    over a newer copy another host wrote meanwhile.
    """
    sent = 0
    for relative, stamp in sorted(_stamps(data_dir).items()):
        if before.get(relative) == stamp:
            continue
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        root.fs.put_file(str(data_dir / relative), target.path)
        sent += 1
    return sent


def _newer_here(local: Path, remote) -> bool:
    """Whether the local copy is as new as the store's (written here, or fetched after the store's was)."""
    try:
        modified = remote.fs.modified(remote.path)
    except (NotImplementedError, OSError):
        return False
    return local.stat().st_mtime >= modified.timestamp()


def _stamps(data_dir: Path) -> dict[str, tuple[int, int]]:
    """Each handed-over file of ``data_dir``: its modification time (ns) and size."""
    stamps = {}
    for local in data_dir.rglob("*") if data_dir.is_dir() else []:
        parts = local.relative_to(data_dir).parts
        if local.name in NOT_HANDED or any(p.startswith(".") for p in parts) or not local.is_file():
            continue
        stat = local.stat()
        stamps[local.relative_to(data_dir).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return stamps


def location(settings: Settings, path: Path) -> str:
    """Where another host finds a file of the data folder: its store URL, or its absolute path on one disk."""
    path = Path(path)
    if store_url() is None:
        return str(path.resolve())
    return str(store_root(settings) / path.resolve().relative_to(settings.data_dir.resolve()).as_posix())


def _immutable(relative: str) -> bool:
    first, name = relative.split("/", 1)[0], relative.rsplit("/", 1)[-1]
    return first in IMMUTABLE_FOLDERS and not name.endswith(".json") and not name.startswith("manifest")
