"""Publishing a pack: XLSX, validation report copies, manifest.json and index.html.

A small DuckDB warehouse (a period's measures and snapshots, the loaded delivery versions
in ``meta_loads``, the census and results files they came from) and hand-written raw
manifests; the "PDF" is a few bytes, since publishing never reads it.
"""
from __future__ import annotations

import csv
import hashlib
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from pipeline.feeds.land import MANIFEST_COLUMNS
from pipeline.reports import publish
from pipeline.warehouse import db
from pipeline.warehouse.measures import write_measures_csv

PERIOD = "2026-10"
PRODUCED = date(2026, 11, 26)
MEASURES = pd.DataFrame([
    {"measure_id": "ehcp_in_force", "breakdown": "all", "numerator": 580, "denominator": None, "value": 580,
     "unit": "count"},
    {"measure_id": "ehcp_rate", "breakdown": "all", "numerator": 580, "denominator": 12754,
     "value": 454.7592912027599, "unit": "per_10000"},
    {"measure_id": "ehcp_primary_need", "breakdown": "need=HI", "numerator": 2, "denominator": 580,
     "value": 0.3448275862068966, "unit": "percent"},
    {"measure_id": "therapy_over_52w", "breakdown": "service=OT", "numerator": 3, "denominator": None, "value": 3,
     "unit": "count"},
]).assign(period=PERIOD)
SNAPSHOTS = [
    ("council_send", date(2026, 11, 5), False), ("therapies", date(2026, 10, 5), True),
    ("school_census", date(2026, 10, 1), False), ("ks2", date(2026, 8, 31), False),
    ("ks4", date(2026, 8, 31), False), ("population", date(2025, 6, 30), False),
]
LOADS = [
    ("council_send", "2026-11-05", 2, date(2026, 11, 5)), ("therapies", "2026-10-05", 1, date(2026, 10, 5)),
    ("school_census", "census_2026_AUT", 1, None), ("school_census", "census_2026_SPR", 1, None),
    ("school_census", "census_2025_AUT", 1, None), ("school_census", "ks2_2026", 1, None),
    ("school_census", "ks4_2026", 1, None), ("reference", "population", 1, None),
    ("reference", "establishments", 1, None),
]
RAW = {  # feed -> (delivery, version, file)
    "council_send": [("2026-11-05", 1, "Blade-Export_05-11-2026_sen2.csv"),
                     ("2026-11-05", 2, "Blade-Export_05-11-2026_sen2.csv"),
                     ("2026-11-05", 2, "Blade-Export_05-11-2026_person.csv")],
    "therapies": [("2026-10-05", 1, "therapy_referrals_05-10-2026.csv"),
                  ("2026-11-05", 1, "therapy_referrals_05-11-2026.csv")],
    "school_census": [("census_2026_AUT", 1, "census_2026_AUT.csv"), ("census_2026_SPR", 1, "census_2026_SPR.csv"),
                      ("census_2025_AUT", 1, "census_2025_AUT.csv"), ("ks2_2026", 1, "ks2_2026.csv"),
                      ("ks4_2026", 1, "ks4_2026.csv")],
    "reference": [("population", 1, "population.csv"), ("establishments", 1, "establishments.csv")],
}


def fake_sha(feed: str, delivery: str, version: int, name: str) -> str:
    return hashlib.sha256(f"{feed}/{delivery}/v{version}/{name}".encode()).hexdigest()


def write_raw_manifests(raw_dir: Path) -> None:
    for feed, rows in RAW.items():
        (raw_dir / feed).mkdir(parents=True)
        with (raw_dir / feed / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=MANIFEST_COLUMNS)
            writer.writeheader()
            for delivery, version, name in rows:
                writer.writerow({"feed": feed, "delivery": delivery, "version": version, "file": name,
                                 "sha256": fake_sha(feed, delivery, version, name), "bytes": 100, "rows": 9,
                                 "extract_date": "", "landed_at": "2026-11-06T09:00:00+00:00"})


def fill_warehouse(engine) -> None:
    db.ensure_schema(engine)
    db.replace_rows(engine, "measures", MEASURES, {"period": PERIOD})
    snapshots = pd.DataFrame(SNAPSHOTS, columns=["feed", "extract_date", "is_stale"])
    db.replace_rows(engine, "measure_snapshots", snapshots, {"period": PERIOD})
    loads = pd.DataFrame(LOADS, columns=["feed", "delivery", "version", "extract_date"]).assign(rows_loaded=9)
    db.replace_rows(engine, "meta_loads", loads, {})
    census = pd.DataFrame([("census_2026_AUT", "AUT", date(2026, 10, 1)), ("census_2026_SPR", "SPR", date(2026, 1, 15)),
                           ("census_2025_AUT", "AUT", date(2025, 10, 2))],
                          columns=["census_file", "census_term", "census_date"])
    db.replace_rows(engine, "src_school_census__census", census, {})
    for stage in ("ks2", "ks4"):
        results = pd.DataFrame([(f"{stage}_2026", 2026)], columns=["results_file", "academic_year_end"])
        db.replace_rows(engine, f"src_school_census__{stage}", results, {})


@pytest.fixture()
def data_dir(tmp_path):
    data = tmp_path / "data"
    engine = db.get_engine(f"duckdb:///{tmp_path / 'db.duckdb'}")
    fill_warehouse(engine)
    write_raw_manifests(data / "raw")
    validation = data / "validation" / PERIOD
    validation.mkdir(parents=True)
    (validation / "validation-report.csv").write_text("feed,delivery,status\ntherapies,2026-11-05,refused\n")
    (validation / "validation-report.md").write_text("# Validation report for 2026-10\n")
    pack = data / "packs" / PERIOD
    write_measures_csv(MEASURES, pack / f"measures-{PERIOD}.csv")
    (pack / f"SEND-highlight-report-{PERIOD}.pdf").write_bytes(b"%PDF-1.7 not really a report\n")
    yield data, engine
    engine.dispose()


def publish_it(data: Path, engine, period: str = PERIOD, **kwargs) -> Path:
    pdf = data / "packs" / period / f"SEND-highlight-report-{period}.pdf"
    options = {"status": "complete", "stale_feeds": ["therapies"], "produced_on": PRODUCED, **kwargs}
    return publish.publish_pack(engine, period, data, pdf, **options)


def manifest(data: Path) -> dict:
    return json.loads((data / "packs" / "manifest.json").read_text(encoding="utf-8"))


def test_pack_status():
    assert publish.pack_status([]) == "complete"
    assert publish.pack_status(["therapies"]) == "stale: therapies"
    assert publish.pack_status(["council_send", "therapies"], "complete") == "stale: council_send, therapies"
    assert publish.pack_status(["therapies"], "stale: therapies (refused)") == "stale: therapies (refused)"


def test_the_pack_folder_gets_the_xlsx_and_the_validation_report(data_dir):
    data, engine = data_dir
    pack = publish_it(data, engine)
    assert pack == data / "packs" / PERIOD
    assert sorted(p.name for p in pack.iterdir()) == [
        f"SEND-highlight-report-{PERIOD}.pdf", f"measures-{PERIOD}.csv", f"measures-{PERIOD}.xlsx",
        f"validation-report-{PERIOD}.csv", f"validation-report-{PERIOD}.md"]  # no temporary files
    assert (pack / f"validation-report-{PERIOD}.csv").read_text().endswith("therapies,2026-11-05,refused\n")
    assert not [p for p in (data / "packs").iterdir() if p.name.endswith(".tmp")]


def test_the_xlsx_holds_the_measures_and_what_the_pdf_shows(data_dir):
    data, engine = data_dir
    pack = publish_it(data, engine)
    book = load_workbook(pack / f"measures-{PERIOD}.xlsx", read_only=True)
    assert book.sheetnames == ["Measures", "Read me"]
    rows = list(book["Measures"].iter_rows(values_only=True))
    book.close()
    assert rows[0] == ("measure_id", "period", "breakdown", "numerator", "denominator", "value", "unit",
                       "as_displayed")
    by_key = {(r[0], r[2]): r for r in rows[1:]}
    assert len(by_key) == len(MEASURES)
    assert by_key[("ehcp_rate", "all")][3:] == (580, 12754, 454.7592912027599, "per_10000", "454.8")
    assert by_key[("ehcp_in_force", "all")][4] is None
    assert by_key[("ehcp_primary_need", "need=HI")][7] == "c"
    assert by_key[("therapy_over_52w", "service=OT")][7] == "c"


def test_the_manifest_records_the_pdf_the_files_and_every_input_snapshot(data_dir):
    data, engine = data_dir
    publish_it(data, engine)
    packs = manifest(data)["packs"]
    assert len(packs) == 1
    entry = packs[0]
    pdf = data / "packs" / PERIOD / f"SEND-highlight-report-{PERIOD}.pdf"
    assert entry["period"] == PERIOD and entry["period_label"] == "October 2026"
    assert entry["produced_on"] == "2026-11-26"
    assert entry["status"] == "stale: therapies" and entry["stale_feeds"] == ["therapies"]
    assert entry["pdf"] == {"file": f"{PERIOD}/{pdf.name}", "sha256": hashlib.sha256(pdf.read_bytes()).hexdigest(),
                            "bytes": pdf.stat().st_size}
    assert {f["file"] for f in entry["files"]} == {
        f"{PERIOD}/measures-{PERIOD}.csv", f"{PERIOD}/measures-{PERIOD}.xlsx",
        f"{PERIOD}/validation-report-{PERIOD}.csv", f"{PERIOD}/validation-report-{PERIOD}.md"}
    inputs = {(i["feed"], i["delivery"]): i for i in entry["inputs"]}
    assert set(inputs) == {("council_send", "2026-11-05"), ("therapies", "2026-10-05"),
                           ("school_census", "census_2026_AUT"), ("school_census", "census_2026_SPR"),
                           ("school_census", "ks2_2026"), ("school_census", "ks4_2026"),
                           ("reference", "population"), ("reference", "establishments")}
    council = inputs[("council_send", "2026-11-05")]
    assert council["version"] == 2  # the version meta_loads says is loaded, not the first landed
    assert {f["file"]: f["sha256"] for f in council["files"]} == {
        name: fake_sha("council_send", "2026-11-05", 2, name)
        for name in ("Blade-Export_05-11-2026_sen2.csv", "Blade-Export_05-11-2026_person.csv")}
    assert inputs[("therapies", "2026-10-05")]["files"][0]["sha256"] == fake_sha(
        "therapies", "2026-10-05", 1, "therapy_referrals_05-10-2026.csv")
    assert inputs[("school_census", "census_2026_SPR")]["used_for"] == (
        "ks2 groups (spring census); ks4 groups (spring census)")
    assert inputs[("school_census", "census_2026_AUT")]["used_for"] == "census measures"
    assert entry["suppression"]["figures_suppressed"] == 2
    assert entry["suppression"]["rows"] == ["ehcp_primary_need need=HI", "therapy_over_52w service=OT"]


def test_republishing_replaces_the_entry_and_other_periods_are_kept(data_dir):
    data, engine = data_dir
    publish_it(data, engine)
    publish_it(data, engine, status="complete", stale_feeds=[])
    earlier = data / "packs" / "2026-09"
    earlier.mkdir()
    (earlier / "SEND-highlight-report-2026-09.pdf").write_bytes(b"%PDF-1.7 september\n")
    publish_it(data, engine, "2026-09", stale_feeds=[], produced_on=date(2026, 10, 27))
    packs = manifest(data)["packs"]
    assert [(p["period"], p["status"]) for p in packs] == [(PERIOD, "complete"), ("2026-09", "complete")]
    assert packs[1]["inputs"] == []  # no measures were built for it in this warehouse
    index = (data / "packs" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en-GB">' in index and "<title>SEND board packs</title>" in index
    assert index.index("October 2026") < index.index("September 2026")
    assert "<td>26 November 2026</td>" in index and "<td>27 October 2026</td>" in index
    assert f'href="{PERIOD}/SEND-highlight-report-{PERIOD}.pdf"' in index
    assert packs[0]["pdf"]["sha256"] in index and packs[1]["pdf"]["sha256"] in index
    assert fake_sha("council_send", "2026-11-05", 2, "Blade-Export_05-11-2026_sen2.csv") in index
    assert '<th scope="col">Status</th>' in index


def test_a_stale_pack_says_so_in_the_index(data_dir):
    data, engine = data_dir
    publish_it(data, engine)
    index = (data / "packs" / "index.html").read_text(encoding="utf-8")
    assert '<span class="status status-stale">stale: therapies</span>' in index


def test_a_pdf_rendered_elsewhere_is_copied_into_the_pack(data_dir, tmp_path):
    data, engine = data_dir
    elsewhere = tmp_path / "elsewhere" / f"SEND-highlight-report-{PERIOD}.pdf"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(b"%PDF-1.7 rendered elsewhere\n")
    publish.publish_pack(engine, PERIOD, data, elsewhere, status="complete", stale_feeds=[], produced_on=PRODUCED)
    assert (data / "packs" / PERIOD / elsewhere.name).read_bytes() == elsewhere.read_bytes()


def test_a_feed_without_data_is_listed_as_such(data_dir):
    data, engine = data_dir
    snapshots = pd.DataFrame([("therapies", None, None)], columns=["feed", "extract_date", "is_stale"])
    db.replace_rows(engine, "measure_snapshots", snapshots, {"period": PERIOD})
    entries = publish.input_snapshots(engine, PERIOD, data / "raw")
    assert entries == [{"feed": "therapies", "delivery": None, "version": None,
                        "used_for": "therapies: no data for this period", "files": []}]


def test_missing_pdf_and_broken_manifest_are_refused(data_dir):
    data, engine = data_dir
    with pytest.raises(publish.PublishError, match="render the report before publishing"):
        publish.publish_pack(engine, PERIOD, data, data / "nothing.pdf", status="complete", stale_feeds=[])
    (data / "packs" / "manifest.json").write_text("{not json")
    with pytest.raises(publish.PublishError, match="is not valid JSON"):
        publish_it(data, engine)
    assert (data / "packs" / "manifest.json").read_text() == "{not json"


def test_stale_feeds_and_a_missing_csv_are_filled_in(data_dir):
    data, engine = data_dir
    assert publish.stale_feeds_of(engine, PERIOD) == ["therapies"]
    (data / "packs" / PERIOD / f"measures-{PERIOD}.csv").unlink()
    pack = publish_it(data, engine)
    assert (pack / f"measures-{PERIOD}.csv").read_text().startswith(
        "measure_id,period,breakdown,numerator,denominator,value,unit\n")


def test_input_snapshots_are_the_same_on_duckdb_and_postgresql(warehouse_url, data_dir):
    data, duck = data_dir
    engine = db.get_engine(warehouse_url)
    try:
        fill_warehouse(engine)
        raw = data / "raw"
        assert publish.input_snapshots(engine, PERIOD, raw) == publish.input_snapshots(duck, PERIOD, raw)
        assert publish.stale_feeds_of(engine, PERIOD) == ["therapies"]
    finally:
        engine.dispose()


def test_a_quarter_end_is_pending_until_a_stocktake_follows_its_pack_as_published(data_dir):
    data, engine = data_dir
    packs_dir = data / "packs"
    september = packs_dir / "2026-09"
    september.mkdir()
    (september / "SEND-highlight-report-2026-09.pdf").write_bytes(b"%PDF-1.7 september\n")
    publish_it(data, engine)  # October: not a quarter's last month, never pending
    assert publish.stocktakes_pending(packs_dir) == [] and publish.published_pack(packs_dir, "2026-09") is None
    stocktake = september / "SEND-quarterly-stocktake-2026-Q3.pdf"
    stocktake.write_bytes(b"%PDF-1.7 Q3\n")
    assert not publish.record_stocktake(packs_dir, "2026-09", stocktake, None)  # no pack yet: nothing to follow
    publish_it(data, engine, "2026-09")
    assert publish.stocktakes_pending(packs_dir) == ["2026-09"]

    follows = publish.published_pack(packs_dir, "2026-09")
    assert publish.record_stocktake(packs_dir, "2026-09", stocktake, follows)
    assert publish.stocktakes_pending(packs_dir) == []
    entry = next(p for p in manifest(data)["packs"] if p["period"] == "2026-09")
    assert entry["stocktake"] == {"file": "2026-09/SEND-quarterly-stocktake-2026-Q3.pdf", "bytes": 12,
                                  "sha256": hashlib.sha256(b"%PDF-1.7 Q3\n").hexdigest(), "follows": follows}

    (september / "SEND-highlight-report-2026-09.pdf").write_bytes(b"%PDF-1.7 september, re-run\n")
    publish_it(data, engine, "2026-09")  # the month re-run: its stocktake is due again
    assert publish.stocktakes_pending(packs_dir) == ["2026-09"]
    assert publish.record_stocktake(packs_dir, "2026-09", stocktake, follows)  # rendered before the re-run
    assert publish.stocktakes_pending(packs_dir) == ["2026-09"]
