"""The highlight report: numbers as displayed, direction of travel, and the PDF itself.

A DuckDB warehouse is built in a temporary folder with 25 months of hand-made measure rows
(every computed measure and breakdown of the registry), a gap month for the therapy
measures, small numbers to suppress, and a stale therapies snapshot. The report is
rendered once for the module (and once more to check that re-rendering gives the same
text); the tests read it back with pypdf.
"""
from __future__ import annotations

import base64
import csv
import re
from collections import namedtuple
from datetime import date
from pathlib import Path

import pandas as pd
import pypdf
import pytest

from pipeline.analysis.oba import NOT_WRITTEN, load_oba_settings
from pipeline.definitions.registry import load_registry, registry_by_id
from pipeline.periods import shift_period
from pipeline.reports.formatting import (SUPPRESSION_NOTE, count_text, date_label, direction_of_travel, format_value,
                                         period_label)
from pipeline.reports.highlight.adulthood import TRENDS
from pipeline.reports.highlight.cover import headline_measures
from pipeline.reports.highlight.report import (SECTION_HEADINGS, RenderError, build_context, highlight_names,
                                               render_highlight_report)
from pipeline.reports.highlight.therapies import SERVICE_LABELS, THERAPY_COLUMNS
from pipeline.reports.history import read_history
from pipeline.reports.pdf import render_html
from pipeline.reports.quality import REPORT_COLUMNS
from pipeline.reports.spc_chart import ASSURANCE_SHORT, VARIATION_SHORT
from pipeline.reports.spc_pack import SPC_SERIES
from pipeline.warehouse import db

PERIOD = "2026-10"
GAP_PERIOD = "2026-05"  # no therapy rows: a gap in the therapy charts
PRODUCED = date(2026, 11, 26)
AREA = "Testshire"
POPULATION = 12754.0
MONTHS = [shift_period(PERIOD, -k) for k in range(24, -1, -1)]  # 25 months, oldest first


# --------------------------------------------------------------------------- unit: formatting


def row(value, numerator=None, denominator=None, unit="count"):
    return {"value": value, "numerator": numerator, "denominator": denominator, "unit": unit}


@pytest.mark.parametrize("given, unit, shown", [
    (row(1670, 1670), "count", "1,670"),
    (row(0, 0), "count", "0"),
    (row(1, 1), "count", "c"),
    (row(4, 4), "count", "c"),
    (row(5, 5), "count", "5"),
    (row(61.666, 37, 60), "percent", "61.7%"),
    (row(0.0, 0, 82), "percent", "0.0%"),
    (row(50.0, 2, 4), "percent", "c"),
    (row(0.3448, 2, 580), "percent", "c"),
    (row(75.0, 3, 4), "percent", "c"),
    (row(50.0, 41, 82), "percent", "50.0%"),
    (row(454.7592, 580, POPULATION), "per_10000", "454.8"),
    (row(0.784, 1, POPULATION), "per_10000", "c"),
    (row(12.25, None, 30), "weeks", "12.3"),  # half up, not to even
    (row(90.57, None, 3), "weeks", "c"),  # a median of 3 children
    (row(28.719, 6921.3, 241), "weeks", "28.7"),
    (row(43.7839, 20622.2, 471), "points", "43.8"),
    (row(-0.04, None, 50), "weeks", "0.0"),
    (row(None, 0, 0), "percent", "no data"),
    (row(float("nan"), None, None), "weeks", "no data"),
    (None, "count", "no data"),
])
def test_format_value(given, unit, shown):
    assert format_value(given, unit) == shown


def test_format_value_takes_series_named_tuples_and_the_rows_unit():
    assert format_value(pd.Series(row(61.666, 37, 60, "percent"))) == "61.7%"
    Row = namedtuple("Row", "measure_id value numerator denominator unit")
    assert format_value(Row("x", 3.0, 3.0, None, "count")) == "c"
    assert count_text(3) == "c" and count_text(220) == "220"


@pytest.mark.parametrize("latest, earlier, polarity, text, css", [
    (row(71.05, 27, 38, "percent"), row(61.0, 25, 41, "percent"), "up", "improving ↑", "improving"),
    (row(58.0, 29, 50, "percent"), row(61.0, 25, 41, "percent"), "up", "worsening ↓", "worsening"),
    (row(19.4, None, 241, "weeks"), row(22.1, None, 215, "weeks"), "down", "improving ↓", "improving"),
    (row(241, 241), row(215, 215), "down", "worsening ↑", "worsening"),
    (row(580, 580), row(578, 578), "neutral", "not judged ↑", "neutral"),
    (row(58.72, 44, 75, "percent"), row(58.66, 44, 75, "percent"), "up", "no change →", "same"),
    (row(3, 3), row(7, 7), "down", "not judged (small numbers)", "none"),
    (row(7, 7), None, "down", "no earlier figure", "none"),
    (row(None), row(7, 7), "down", "no data", "none"),
])
def test_direction_of_travel(latest, earlier, polarity, text, css):
    direction = direction_of_travel(latest, earlier, polarity)
    assert (direction.text, direction.css) == (text, css)


def test_periods_and_labels():
    assert shift_period("2026-01", -1) == "2025-12"
    assert shift_period("2026-10", -12) == "2025-10"
    assert shift_period("2025-12", 1) == "2026-01"
    assert period_label("2026-10") == "October 2026"
    assert period_label("2026-10", short=True) == "Oct 2026"
    assert date_label(date(2026, 11, 5)) == "5 November 2026"


# --------------------------------------------------------------------------- the warehouse


def measure_row(measure, breakdown: str, position: int, k: int) -> dict:
    """A deterministic row for month k (0 = oldest) and the breakdown's position."""
    unit, b = measure.unit, position
    if unit == "count":
        value = 40 + 2 * k + b
        if (measure.id, breakdown) == ("therapy_over_52w", "service=OT"):
            value = 3  # suppressed every month
        return row(float(value), float(value), None, unit)
    if unit == "percent":
        numerator, denominator = 50 + k + b, 200 + 10 * b
        if (measure.id, breakdown) == ("ehcp_primary_need", "need=HI"):
            numerator = 2  # suppressed
        return row(100 * numerator / denominator, float(numerator), float(denominator), unit)
    if unit == "per_10000":
        numerator = 500 + 3 * k + b
        if (measure.id, breakdown) == ("ehcp_rate_by_setting", "setting=alternative_provision"):
            numerator = 1  # suppressed
        return row(numerator / POPULATION * 10000, float(numerator), POPULATION, unit)
    n = 30 + b
    value = 10 + 0.25 * k + 0.05 * b if unit == "weeks" else 40 + 0.1 * k + b
    return row(value, None if "median" in measure.id else value * n, float(n), unit)


def measure_frame() -> pd.DataFrame:
    rows = []
    computed = [m for m in load_registry() if m.is_computed and m.kind == "value"]
    for k, period in enumerate(MONTHS):
        for measure in computed:
            if period == GAP_PERIOD and measure.section == "therapies":
                continue
            for position, breakdown in enumerate(measure.expected_breakdowns()):
                rows.append({"measure_id": measure.id, "period": period, "breakdown": breakdown,
                             **measure_row(measure, breakdown, position, k)})
    return pd.DataFrame(rows)


def snapshot_frame(period: str, stale_therapies: bool) -> pd.DataFrame:
    return pd.DataFrame([
        {"feed": "council_send", "extract_date": date(2026, 11, 5), "is_stale": False},
        {"feed": "therapies", "extract_date": date(2026, 10, 5) if stale_therapies else date(2026, 11, 5),
         "is_stale": stale_therapies},
        {"feed": "school_census", "extract_date": date(2026, 10, 1), "is_stale": False},
        {"feed": "ks2", "extract_date": date(2026, 8, 31), "is_stale": False},
        {"feed": "ks4", "extract_date": date(2026, 8, 31), "is_stale": False},
        {"feed": "population", "extract_date": date(2025, 6, 30), "is_stale": False},
    ]).assign(period=period)


VALIDATION = [
    {"feed": "council_send", "delivery": "2026-11-05", "status": "loaded", "sentence": "loaded: no problems found"},
    {"feed": "therapies", "delivery": "2026-11-05", "status": "refused", "file": "therapy_referrals_05-11-2026.csv",
     "column": "referral_received_date", "rule": "is a date", "severity": "blocking", "rows_affected": "2",
     "sample_rows": "14 77", "sentence": "referral_received_date is not a date on 2 rows."},
    {"feed": "school_census", "delivery": "census_2026_AUT", "status": "loaded", "file": "census_2026_AUT.csv",
     "column": "upn", "rule": "pupil appears once", "severity": "warning", "rows_affected": "1",
     "sample_rows": "9", "sentence": "1 pupil appears twice in the census."},
    {"feed": "therapies", "delivery": "", "status": "not read", "file": "notes.txt", "rule": "file name matches",
     "severity": "warning", "sentence": "notes.txt in therapies/ does not match a file name of the therapies feed."},
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("render")
    engine = db.get_engine(f"duckdb:///{folder / 'db.duckdb'}")
    db.ensure_schema(engine)
    db.replace_rows(engine, "measures", measure_frame(), {})
    db.replace_rows(engine, "measure_snapshots", snapshot_frame(PERIOD, True), {"period": PERIOD})
    earlier = shift_period(PERIOD, -1)
    db.replace_rows(engine, "measure_snapshots", snapshot_frame(earlier, False), {"period": earlier})
    validation = folder / "validation-report.csv"
    with validation.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=REPORT_COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(VALIDATION)
    out = folder / "packs" / PERIOD
    pdf = render_highlight_report(engine, PERIOD, out, area_name=AREA, produced_on=PRODUCED,
                                         validation_csv=validation)
    reader = pypdf.PdfReader(pdf)
    pages = [p.extract_text() for p in reader.pages]
    annex = [p.extract_text() for p in pypdf.PdfReader(out / highlight_names(PERIOD)["annex"]).pages]
    yield {"engine": engine, "pdf": pdf, "out": out, "validation": validation, "folder": folder,
           "reader": reader, "pages": pages, "annex": annex, "both": pages + annex,
           "twin": (out / highlight_names(PERIOD)["twin"]).read_text(encoding="utf-8")}
    engine.dispose()


def squash(text: str) -> str:
    """Text without whitespace, so a phrase is found wherever a line or a cell wrapped."""
    return re.sub(r"\s+", "", text)


def page_with(pages: list[str], heading: str, following: int = 0) -> str:
    """The page where ``heading`` appears, with the ``following`` pages after it."""
    first = next(n for n, p in enumerate(pages) if squash(heading) in squash(p))
    return "\n".join(pages[first:first + 1 + following])


# --------------------------------------------------------------------------- the PDF


def test_the_pdf_is_written_atomically_with_its_name(built):
    assert built["pdf"] == built["out"] / f"SEND-highlight-report-{PERIOD}.pdf"
    names = highlight_names(PERIOD)
    assert sorted(p.name for p in built["out"].iterdir()) == sorted(names.values())  # no temporary file left


def test_the_pdf_is_tagged_in_english_with_a_title(built):
    reader = built["reader"]
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en-GB"
    assert reader.metadata.title == f"SEND highlight report, October 2026: {AREA}"
    assert reader.metadata.author == f"{AREA} SEND partnership"
    assert reader.metadata.creation_date.date() == PRODUCED


def test_every_section_heading_is_in_the_text(built):
    text = squash("".join(built["both"]))
    for heading in SECTION_HEADINGS.values():
        assert squash(heading) in text, heading
    for service in SERVICE_LABELS.values():
        assert squash(f"{service}: trends over the last 24 months") in text


def test_the_cover_names_the_area_period_date_and_the_stale_feed(built):
    cover = built["pages"][0]
    assert "SEND highlight report: October 2026" in cover
    assert AREA in cover and "26 November 2026" in cover
    assert squash("Some data in this report is stale: Children's therapy waiting lists") in squash(cover)
    assert squash("Children's therapy waiting lists extract of 5 October 2026 stale") in squash(cover)
    assert squash("Council SEND records (SEN2 extract) extract of 5 November 2026 up to date") in squash(cover)


def test_the_summary_shows_every_headline_number_as_displayed(built):
    summary = squash(page_with(built["pages"], SECTION_HEADINGS["summary"], following=1))
    history = read_history(built["engine"], PERIOD, 13)
    registry = {m.id: m for m in load_registry()}
    headline = headline_measures(registry)
    assert len(headline) == 28
    for measure in headline:
        shown = [format_value(history.row(measure.id, "all", p), measure.unit)
                 for p in (PERIOD, shift_period(PERIOD, -1), shift_period(PERIOD, -12))]
        assert squash(" ".join(shown)) in summary, (measure.id, shown)
        assert squash(measure.title) in summary
    assert squash("Children waiting for therapy STALE DATA") in summary


def test_the_pack_opens_with_the_spc_icon_summary_and_has_a_chart_a_series(built):
    pages = built["pages"]
    assert squash(SECTION_HEADINGS["spc_summary"]) in squash(pages[1])  # straight after the cover
    summary = squash(pages[1] + pages[2])
    for _, _, title in SPC_SERIES:
        assert squash(title) in summary, title
    assert any(squash(word) in summary for word in VARIATION_SHORT.values())
    assert any(squash(word) in summary for word in ASSURANCE_SHORT.values())
    charts = squash(page_with(pages, SECTION_HEADINGS["spc"]))
    assert squash("Making Data Count") in charts
    assert all(squash("SPC: Making Data Count rules (mdc)") in squash(p) for p in pages)  # footer


def test_small_numbers_are_shown_as_c_with_a_note(built):
    text = "\n".join(built["both"])
    assert squash(SUPPRESSION_NOTE) in squash(text)
    assert squash("Alternative provision c c c") in squash(text)  # plans, rate, last month
    assert squash("Hearing impairment (HI) c c c") in squash(text)
    overview = squash(page_with(built["pages"], "Therapy waits at the end of October 2026", following=1))
    registry = {m.id: m for m in load_registry()}
    shown = [format_value(read_history(built["engine"], PERIOD, 1).row(m, "service=OT", PERIOD),
                                 registry[m].unit) for m, _ in THERAPY_COLUMNS]
    assert shown[4] == "c"
    assert squash("Occupational therapy " + " ".join(shown)) in overview


def test_the_appendices_say_what_was_refused_and_define_every_measure(built):
    text = squash("".join(built["both"]))
    assert squash("Children's therapy waiting lists, extract of 5 November 2026: referral_received_date is not "
                  "a date on 2 rows.") in text
    assert squash("1 pupil appears twice in the census.") in text
    assert squash("notes.txt in therapies/ does not match") in text
    assert squash("This month's figures rest on 3 deliveries: 2 loaded and 1 refused") in text
    for measure in load_registry():
        assert squash(measure.definition) in text, measure.id


def test_rendering_again_gives_the_same_text(built, tmp_path):
    again = render_highlight_report(built["engine"], PERIOD, tmp_path, area_name=AREA,
                                           produced_on=PRODUCED, validation_csv=built["validation"])
    if again.read_bytes() != built["pdf"].read_bytes():  # the same bytes are the same text
        assert [p.extract_text() for p in pypdf.PdfReader(again).pages] == built["pages"]


# --------------------------------------------------------------------------- the content, without a PDF


@pytest.fixture(scope="module")
def context(built):
    return build_context(built["engine"], PERIOD, area_name=AREA, produced_on=PRODUCED,
                                validation_csv=built["validation"])


def test_every_chart_is_an_svg_image_with_title_desc_and_alt(context):
    html = render_html({**context, "part": "html", "twin": True}, template="highlight_twin.html")
    images = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]*)"', html)
    curves = sum(len(a.headlines) for a in load_oba_settings(registry_by_id()))
    assert len(images) == html.count("<img") == 4 + 2 + 5 * 6 + len(TRENDS) + len(SPC_SERIES) + curves
    for encoded, alt in images:
        svg = base64.b64decode(encoded).decode("utf-8")
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
        assert "The numbers are in the table that follows the chart." in alt


def test_trend_tables_show_gap_months_as_no_data(context):
    assert context["ehcp"]["trend"]["span"] == "over the last 24 months"
    for block in context["therapies"]["blocks"]:
        rows = {r["header"]: [c["text"] for c in r["cells"]] for r in block["trend"]["table"]["rows"]}
        assert len(rows) == 24
        assert rows["May 2026"] == ["no data"] * 5
        assert rows["Oct 2026"][0] != "no data"


def test_a_month_with_nothing_stale_has_no_stale_warning(built):
    previous = shift_period(PERIOD, -1)
    ctx = build_context(built["engine"], previous, area_name=AREA, produced_on=PRODUCED)
    assert ctx["cover"]["stale"] == ""
    html = render_html({**ctx, "part": "board"})
    assert "Some data in this report is stale" not in html and "No validation report was available" in html
    assert ctx["ehcp"]["trend"]["table"]["rows"][0]["header"] == "Sep 2026"


def test_trends_start_at_the_first_month_with_data(built):
    ctx = build_context(built["engine"], PERIOD, area_name=AREA, produced_on=PRODUCED, history_months=30)
    assert ctx["ehcp"]["trend"]["span"] == "since October 2024"
    assert len(ctx["ehcp"]["trend"]["table"]["rows"]) == 25


def test_a_period_without_measures_is_refused(built, tmp_path):
    with pytest.raises(RenderError, match="run `python -m pipeline run --period 2027-01"):
        render_highlight_report(built["engine"], "2027-01", tmp_path, area_name=AREA, produced_on=PRODUCED)
    assert list(tmp_path.iterdir()) == []


def test_the_content_is_the_same_on_duckdb_and_postgresql(warehouse_url, built, context):
    engine = db.get_engine(warehouse_url)
    try:
        db.ensure_schema(engine)
        db.replace_rows(engine, "measures", measure_frame(), {})
        db.replace_rows(engine, "measure_snapshots", snapshot_frame(PERIOD, True), {"period": PERIOD})
        again = build_context(engine, PERIOD, area_name=AREA, produced_on=PRODUCED,
                                     validation_csv=built["validation"])
    finally:
        engine.dispose()
    assert again == context


def test_a_failed_render_leaves_the_previous_pdf_and_no_temporary_file(built, tmp_path, monkeypatch):
    import weasyprint

    class Failing:
        def __init__(self, **kwargs):
            pass

        def write_pdf(self, target, **kwargs):
            Path(target).write_bytes(b"half a PDF")
            raise RuntimeError("layout failed")

    previous = tmp_path / f"SEND-highlight-report-{PERIOD}.pdf"
    previous.write_bytes(b"the previous good PDF")
    monkeypatch.setattr(weasyprint, "HTML", Failing)
    with pytest.raises(RuntimeError, match="layout failed"):
        render_highlight_report(built["engine"], PERIOD, tmp_path, area_name=AREA, produced_on=PRODUCED)
    assert previous.read_bytes() == b"the previous good PDF"
    assert [p.name for p in tmp_path.iterdir()] == [previous.name]


def test_the_comparison_with_england_has_a_row_a_benchmarked_measure(built):
    from pipeline.reports.benchmarks import BENCHMARKS

    text = squash(page_with(built["pages"], SECTION_HEADINGS["benchmarks"]))
    assert squash("The area beside England, its region and its statistical neighbours") in text
    for benchmark in BENCHMARKS:
        assert squash(benchmark.title) in text, benchmark.title


def test_the_oba_pages_have_each_area_and_say_what_is_not_yet_written(built):
    text = squash("".join(built["both"]))
    assert squash(SECTION_HEADINGS["oba"]) in text
    for area in load_oba_settings(registry_by_id()):
        assert squash(f"Area of concern {area.ref}: {area.title}") in text
    assert squash("Has the curve turned?") in text and squash(NOT_WRITTEN) in text
    assert squash("The forecast if nothing changes is a straight line fitted to the last 12 months") in text


def test_without_a_plan_the_programme_section_says_what_to_load(built):
    text = squash(page_with(built["pages"], SECTION_HEADINGS["programme"]))
    assert squash("No plan has been loaded yet: put plan.yaml and tracker.csv in the programme folder") in text


def test_preparing_for_adulthood_page_shows_groups_training_and_trends(built):
    page = squash(page_with(built["pages"], SECTION_HEADINGS["adulthood"], following=2))
    history = read_history(built["engine"], PERIOD, 13)
    for group, breakdown in (("All 16-17 year olds", "all"), ("With an EHC plan", "group=EHCP"),
                             ("On SEN support", "group=SEN_support"), ("With no SEN", "group=no_SEN")):
        eet = format_value(history.row("post16_eet", breakdown, PERIOD), "percent")
        neet = format_value(history.row("post16_neet_nk", breakdown, PERIOD), "percent")
        assert squash(f"{group}") in page and squash(f"{eet} {neet}") in page, (group, eet, neet)
    senco = format_value(history.row("senco_trained", "all", PERIOD), "percent")
    assert squash(f"{senco} of the area's") in page and squash("the plan's target is 75%") in page
    assert squash(format_value(history.row("post19_eet", "all", PERIOD), "percent") + " of 19-24 year olds") in page
    for _, _, title in TRENDS:
        assert squash(title) in page


def _appendix_start(pages: list[str]) -> int:
    return next(n for n, p in enumerate(pages) if squash(SECTION_HEADINGS["quality"]) in squash(p))


def test_the_board_reads_the_verdict_first_in_16_pages_and_the_annex_holds_the_detail(built):
    pages, annex = built["pages"], built["annex"]
    assert _appendix_start(pages) <= 16, "at most 16 pages before the appendices"
    order = [SECTION_HEADINGS[k] for k in ("spc_summary", "programme", "summary")]
    firsts = [next(n for n, p in enumerate(pages) if squash(h) in squash(p)) for h in order]
    assert firsts == sorted(firsts) and firsts[0] == 1, "icon summary, then exceptions and programme, then headlines"
    board, rest = squash("".join(pages)), squash("".join(annex))
    assert squash(SECTION_HEADINGS["dictionary"]) not in board and squash(SECTION_HEADINGS["dictionary"]) in rest
    for title in ("month by month (newest first)", "Has the curve turned?"):
        assert squash(title) not in board and squash(title) in rest, title
    for _, _, title in SPC_SERIES:  # every chart stays in the board's PDF, with its verdict in words
        assert squash(title) in board, title
    assert squash("Variation:") in board and squash("The numbers, month by month, are in the annex") not in board


def test_board_charts_point_to_the_annex_for_their_numbers(context):
    html = render_html({**context, "part": "board"})
    alts = re.findall(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="([^"]*)"', html)
    assert alts and all("in the annex of this report" in a and "table that follows" not in a for a in alts)


def test_the_html_twin_is_one_accessible_file_with_everything(built):
    html = built["twin"]
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in html
    assert '<a class="skip-link" href="#main">' in html and '<main id="main">' in html
    assert 'rel="stylesheet"' not in html and "<style>" in html  # self-contained beside the PDFs
    assert html.count("<h1") == 1
    for key, heading in SECTION_HEADINGS.items():
        assert f'href="#{key}"' in html and f'id="{key}"' in html, key
    assert html.count('class="table-wrap" role="region"') == html.count("<table")
    assert "month by month (newest first)" in html and "Turning the curve" in html
