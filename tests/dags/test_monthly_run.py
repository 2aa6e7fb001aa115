"""Real runs of the monthly DAG (``dag.test()``) on a small synthetic inbox.

The report month is October 2026: the run whose data interval is 1 October to
1 November, 06:00 UTC.  Each test runs the DAG into its own data folder.
"""
from __future__ import annotations

import csv
import json
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pypdf
import pytest

pytestmark = pytest.mark.slow

MONTHLY = "send_monthly_board_pack"
LOGICAL_DATE = datetime(2026, 11, 1, 6, tzinfo=timezone.utc)  # the 06:00 cron: interval Oct 1 -> Nov 1
PERIOD = "2026-10"
BROKEN_THERAPIES = "therapies/therapy_referrals_05-11-2026.csv"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def run_month(dagbag, monkeypatch, data_dir: Path, inbox: Path):
    """One ``dag.test()`` run for October 2026 into ``data_dir``; returns the DagRun and task states."""
    monkeypatch.setenv("SEND_DATA_DIR", str(data_dir))
    monkeypatch.setenv("SEND_INBOX_DIR", str(inbox))
    monkeypatch.delenv("SEND_WAREHOUSE_URL", raising=False)
    run = dagbag.dags[MONTHLY].test(logical_date=LOGICAL_DATE)
    return run, {ti.task_id: ti.state for ti in run.get_task_instances()}


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)


@pytest.fixture(scope="module")
def monthly(dagbag, airflow_db, dag_inbox, tmp_path_factory):
    """The DAG run twice for the same month into one data folder (a re-run)."""
    data = tmp_path_factory.mktemp("dag-run") / "data"
    with pytest.MonkeyPatch.context() as monkeypatch:
        first, states = run_month(dagbag, monkeypatch, data, dag_inbox)
        pack = data / "packs" / PERIOD
        measures = (pack / f"measures-{PERIOD}.csv").read_text(encoding="utf-8")
        text = pdf_text(pack / f"SEND-highlight-report-{PERIOD}.pdf")
        annex = pdf_text(pack / f"SEND-highlight-report-{PERIOD}-annex.pdf")
        second, again = run_month(dagbag, monkeypatch, data, dag_inbox)
    return {"data": data, "pack": pack, "run": first, "states": states, "measures": measures, "text": text,
            "annex": annex, "rerun": second, "rerun_states": again}


def test_the_run_succeeds_with_every_task(monthly):
    assert monthly["run"].state == "success"
    assert set(monthly["states"].values()) == {"success"}
    # a group a feed, three waits, then month, areas ... places ... check_feeds
    assert len(monthly["states"]) == 7 * 4 + 3 + 9


def test_the_pack_folder_is_where_the_readme_says(monthly):
    names = sorted(p.name for p in monthly["pack"].iterdir())
    assert names == sorted([f"SEND-highlight-report-{PERIOD}.pdf", f"SEND-highlight-report-{PERIOD}-annex.pdf",
                            f"SEND-highlight-report-{PERIOD}.html", f"measures-{PERIOD}.csv",
                            f"measures-{PERIOD}.xlsx", f"validation-report-{PERIOD}.csv",
                            f"validation-report-{PERIOD}.md", f"ehcp-audit-sample-{PERIOD}.csv"])
    manifest = json.loads((monthly["data"] / "packs" / "manifest.json").read_text(encoding="utf-8"))
    entry, = manifest["packs"]
    assert (entry["period"], entry["status"]) == (PERIOD, "complete")
    assert "SEND-highlight-report-2026-10.pdf" in (monthly["data"] / "packs" / "index.html").read_text()


def test_publishing_emits_the_asset_event_with_the_month(monthly):
    from airflow.models.asset import AssetEvent
    from airflow.utils.session import create_session

    with create_session() as session:
        events = [e for e in session.query(AssetEvent).all()
                  if e.source_dag_id == MONTHLY and e.source_run_id == monthly["run"].run_id]
    event, = events
    assert event.extra["period"] == PERIOD
    assert event.extra["pdf"].endswith(f"SEND-highlight-report-{PERIOD}.pdf")


def test_the_pdf_is_tagged_english_and_has_every_section(monthly):
    from pipeline.reports.highlight.report import SECTION_HEADINGS

    reader = pypdf.PdfReader(monthly["pack"] / f"SEND-highlight-report-{PERIOD}.pdf")
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en-GB"
    assert reader.metadata.title.startswith("SEND highlight report, October 2026")
    text = squash(monthly["text"] + monthly["annex"])  # the board's PDF and its annex
    for heading in SECTION_HEADINGS.values():
        assert squash(heading) in text, heading


def test_the_pdf_shows_the_headline_numbers_of_the_measures_csv_as_the_pack_rounds_them(monthly):
    from pipeline.reports.formatting import format_value
    from pipeline.reports.highlight.cover import headline_measures
    from pipeline.definitions.registry import load_registry

    rows = {(r["measure_id"], r["breakdown"]): r
            for r in csv.DictReader(monthly["measures"].splitlines())}
    text = squash(monthly["text"])
    checked = 0
    for measure in headline_measures({m.id: m for m in load_registry()}):
        row = rows.get((measure.id, "all"))
        if row is None:
            continue
        numbers = {k: float(row[k]) if row[k] else None for k in ("numerator", "denominator", "value")}
        shown = format_value({**row, **numbers}, measure.unit)
        assert squash(f"{measure.title}") in text
        assert squash(shown) in text, (measure.id, shown)
        checked += 1
    assert checked >= 15


def test_the_pack_reports_the_programme_by_exception(monthly):
    text = squash(monthly["text"])
    for area in ("The lack of specificity, ownership and accountability", "The long waiting times for some therapies"):
        assert squash(area) in text
    assert squash("Milestones overdue or at risk") in text and squash("Exception report") in text


def test_re_running_the_month_gives_identical_measures_and_pdf_text(monthly):
    assert monthly["rerun"].state == "success"
    assert (monthly["pack"] / f"measures-{PERIOD}.csv").read_text(encoding="utf-8") == monthly["measures"]
    assert pdf_text(monthly["pack"] / f"SEND-highlight-report-{PERIOD}.pdf") == monthly["text"]


def test_a_refused_feed_fails_its_tasks_and_the_run_but_the_pack_is_published_stale(
        dagbag, airflow_db, dag_inbox, tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    shutil.copytree(dag_inbox, inbox)
    broken = inbox / BROKEN_THERAPIES
    broken.write_bytes(broken.read_bytes() + b"R999999,too,many,fields," + b"x," * 40 + b"\n")
    data = tmp_path / "data"
    run, states = run_month(dagbag, monkeypatch, data, inbox)

    assert run.state == "failed"
    assert states["therapies.validate"] == states["therapies.load"] == "failed"
    assert states["check_feeds"] == "failed"
    others = {k: v for k, v in states.items() if not k.startswith("therapies.") and k != "check_feeds"}
    assert set(others.values()) == {"success"}, others

    pdf = data / "packs" / PERIOD / f"SEND-highlight-report-{PERIOD}.pdf"
    cover = squash(pypdf.PdfReader(pdf).pages[0].extract_text())
    assert squash("Some data in this report is stale: Children's therapy waiting lists") in cover
    assert squash("Children's therapy waiting lists extract of 5 October 2026 stale") in cover
    manifest = json.loads((data / "packs" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["packs"][0]["status"].startswith("stale")
    assert "therapies" in manifest["packs"][0]["stale_feeds"]
    report = (data / "validation" / PERIOD / "validation-report.md").read_text(encoding="utf-8")
    assert "therapies 2026-11-05" in report and "Refused" in report
