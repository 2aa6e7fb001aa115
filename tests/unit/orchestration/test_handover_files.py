"""The hand-over between hosts, file by file (the stack test runs it across two workers)."""
from __future__ import annotations

import os
import time

import pytest

from pipeline.orchestration import handover


@pytest.fixture
def store(tmp_path):
    from airflow.sdk import ObjectStoragePath

    (tmp_path / "store").mkdir()
    return ObjectStoragePath(f"file://{tmp_path / 'store'}")


def write(path, text, age=0.0):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    then = time.time() - age
    os.utime(path, (then, then))


def test_a_file_written_here_and_not_yet_sent_is_not_replaced_by_an_older_copy(store, tmp_path):
    here = tmp_path / "host-a"
    plan = "validation/2026-10/feeds/therapies.json"
    write(tmp_path / "store" / plan, "older", age=60)
    write(here / plan, "newer, written by a sibling task")
    assert handover.pull(store, here, ["validation/2026-10"]) == 0
    assert (here / plan).read_text() == "newer, written by a sibling task"
    write(tmp_path / "store" / plan, "newest, from another host")
    assert handover.pull(store, here, ["validation/2026-10"]) == 1
    assert (here / plan).read_text() == "newest, from another host"


def test_landed_data_is_fetched_once_and_its_manifest_whenever_it_changed(store, tmp_path):
    here = tmp_path / "host-b"
    write(tmp_path / "store" / "raw/therapies/2026-10/v1/referrals.csv", "a,b\n")
    write(tmp_path / "store" / "raw/therapies/manifest.csv", "file\n")
    assert handover.pull(store, here, ["raw/therapies"]) == 2
    write(tmp_path / "store" / "raw/therapies/manifest.csv", "file\nanother\n")
    assert handover.pull(store, here, ["raw/therapies"]) == 1
    assert (here / "raw/therapies/manifest.csv").read_text() == "file\nanother\n"


def test_only_what_changed_is_sent_and_never_a_landing_in_progress(store, tmp_path):
    here = tmp_path / "host-c"
    write(here / "raw/council_send/2026-10/v1/sen2.csv", "x\n")
    before = handover._stamps(here)
    write(here / "raw/council_send/2026-10/.v2.tmp/sen2.csv", "half a copy")
    write(here / "validation/2026-10/feeds/council_send.json", "{}")
    assert handover.push(store, here, before) == 1
    assert [p.relative_to(tmp_path / "store").as_posix() for p in (tmp_path / "store").rglob("*") if p.is_file()] \
        == ["validation/2026-10/feeds/council_send.json"]


def test_the_training_log_fetches_the_establishments_it_is_checked_against():
    assert "raw/reference" in handover.feed_folders("workforce", "2026-10")
    assert "raw/reference" not in handover.feed_folders("therapies", "2026-10")
    assert "raw/therapies/manifest.csv" in handover.pack_folders("2026-10")
