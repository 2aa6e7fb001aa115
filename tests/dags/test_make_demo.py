"""The README's first command, ``make demo``, run small: synthetic feeds, history, a real Airflow CLI run."""
from __future__ import annotations

import json
import os
import subprocess

import pypdf
import pytest

from tests.dags.conftest import ROOT

pytestmark = pytest.mark.slow


def test_make_demo_runs_airflow_and_says_where_the_pdf_is(tmp_path):
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "SEND_"))}
    done = subprocess.run(["make", "--no-print-directory", "demo", f"DATA={data}", "DEMO_SCALE=0.05", "DEMO_MONTHS=2",
                           "DEMO_HISTORY=2026-09"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    pdf = data / "packs" / "2026-10" / "SEND-highlight-report-2026-10.pdf"
    assert f"The highlight report: {pdf}" in done.stdout
    assert "DagRun Finished" in (data / "airflow" / "demo-run.log").read_text(errors="replace")
    assert len(pypdf.PdfReader(pdf).pages) > 10
    manifest = json.loads((data / "packs" / "manifest.json").read_text(encoding="utf-8"))
    assert [(p["period"], p["status"]) for p in manifest["packs"]] == [("2026-10", "complete")]
    assert (data / "packs" / "2026-09" / "measures-2026-09.csv").exists()  # the history month
    stocktake = data / "packs" / "2026-09" / "SEND-quarterly-stocktake-2026-Q3.pdf"
    assert f"The quarterly stocktake: {stocktake}" in done.stdout and len(pypdf.PdfReader(stocktake).pages) > 3
    site = data / "public" / "index.html"
    assert f"The public site: {site}" in done.stdout and '<html lang="en-GB">' in site.read_text(encoding="utf-8")
    assert (data / "public" / "easy-read" / "SEND-easy-read-2026-10.pdf").is_file()
    assert (data / "packs" / "2026-10" / "SEND-highlight-report-2026-10-annex.pdf").is_file()
