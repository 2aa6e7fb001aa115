"""The public site: every page's numbers are checked for recoverable suppressed cells.

A DuckDB warehouse is built with 24 months of hand-made measure rows whose breakdowns add up
to their totals and hold small numbers (a service with 3 children waiting, 1 child waiting
over 52 weeks, EHC plans in alternative provision, a group of 4 young people), a gap month
for therapies, feedback of every status and programme notes that must never be shown. The
site is written, then every table of every page is parsed and each ``c`` is attacked with the
totals and the other cells: the test fails if one can be worked out.
"""
from __future__ import annotations

import hashlib
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from pipeline.definitions.registry import BREAKDOWN_VALUES, load_registry
from pipeline.periods import month_range, shift_period
from pipeline.reports.history import read_history
from pipeline.reports.highlight.therapies import SERVICE_LABELS
from pipeline.reports.public import disclosure
from pipeline.reports.public.figures import DIMENSIONS, PublicFigures
from pipeline.reports.public.site import PublicSiteError, write_site
from pipeline.warehouse import db

PERIOD = "2026-10"
EARLIER = "2026-09"
GAP_PERIOD = "2026-05"  # no therapy rows
PRODUCED = date(2026, 11, 1)
AREA = "Testshire"
POPULATION = 12754.0
MONTHS = month_range(shift_period(PERIOD, -23), PERIOD)
SECRET = "SECRET-NOTE"  # in every free-text field the site must not show
PSEUDONYM = hashlib.sha256(b"child").hexdigest()
HEX64 = re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])")


# --------------------------------------------------------------------------- the warehouse


def service_counts(measure_id: str, k: int) -> dict[str, float]:
    """Counts by service in month k (0 = oldest) with small numbers; ``all`` is their sum."""
    if measure_id in ("therapy_waiting", "therapy_wait_mean_weeks", "therapy_wait_median_weeks"):
        parts = {"SLT": 40 + k, "OT": 3 if k % 3 == 0 else 6 + k % 4, "PHYSIO": 12,
                 "CDS": 3 if k % 4 == 3 else 8 + k % 5, "ND": 60 + 2 * k}
    elif measure_id == "therapy_over_18w":  # the numerators: of those waiting
        parts = {"SLT": 15, "OT": 2, "PHYSIO": 6, "CDS": 1, "ND": 25 + k}
    elif measure_id == "therapy_over_52w":
        parts = {"SLT": 5, "OT": 1 if k % 2 == 0 else 0, "PHYSIO": 0, "CDS": 2, "ND": 9 + k % 3}
    elif measure_id == "therapy_referrals":
        parts = {"SLT": 10 + k, "OT": 4, "PHYSIO": 6, "CDS": 7, "ND": 15}
    else:  # therapy_seen_wait_median_weeks: children first seen
        parts = {"SLT": 8, "OT": 2, "PHYSIO": 5, "CDS": 3, "ND": 11}
    return {f"service={s}": float(v) for s, v in parts.items()} | {"all": float(sum(parts.values()))}


def group_numbers(k: int) -> dict[str, tuple[float, float]]:
    """(numerator, denominator) by SEN group: the EHC plan group is 4 to 6 young people."""
    parts = {"EHCP": (2.0, 4.0 + k % 3), "SEN_support": (30.0 + k, 60.0), "no_SEN": (300.0, 400.0)}
    parts = {f"group={g}": v for g, v in parts.items()}
    return parts | {"all": (sum(n for n, _ in parts.values()), sum(d for _, d in parts.values()))}


SETTING_PLANS = {"mainstream": 200, "special_state": 150, "special_independent": 30, "alternative_provision": 2,
                 "post16": 40, "elsewhere": 0, "not_recorded": 3}


def rows_of(measure, k: int) -> list[dict]:
    unit = measure.unit
    if "service" in measure.breakdowns:
        counts = service_counts(measure.id, k)
        waiting = service_counts("therapy_waiting", k)
        out = []
        for breakdown, n in counts.items():
            if unit == "count":
                out.append((breakdown, n, n, None))
            elif unit == "percent":
                out.append((breakdown, 100 * n / waiting[breakdown], n, waiting[breakdown]))
            elif measure.id == "therapy_wait_mean_weeks":
                out.append((breakdown, 10.0 + k / 10, n * (10.0 + k / 10), n))
            else:  # medians
                out.append((breakdown, 12.0 + k / 10, None, n))
        return [dict(zip(("breakdown", "value", "numerator", "denominator"), r)) for r in out]
    if measure.id == "ehcp_rate_by_setting":
        return [{"breakdown": f"setting={s}", "value": n / POPULATION * 10000, "numerator": float(n),
                 "denominator": POPULATION} for s, n in SETTING_PLANS.items()]
    if measure.id == "ehcp_rate":
        n = float(sum(SETTING_PLANS.values()))
        return [{"breakdown": "all", "value": n / POPULATION * 10000, "numerator": n, "denominator": POPULATION}]
    out = []
    groups = group_numbers(k)
    for position, breakdown in enumerate(measure.expected_breakdowns()):
        numerator, denominator = groups.get(breakdown, (50.0 + k + position, 200.0 + 10 * position))
        if measure.id == "ehcp_20wk_6m":
            numerator, denominator = (3.0, 8.0) if k % 4 == 3 else (30.0 + k % 10, 50.0)
        if unit == "count":
            value, numerator, denominator = 40.0 + 2 * k + position, 40.0 + 2 * k + position, None
        elif unit == "percent":
            value = 100 * numerator / denominator
        elif unit == "per_10000":
            numerator = 500.0 + 3 * k + position
            value, denominator = numerator / POPULATION * 10000, POPULATION
        else:  # weeks, points
            value = 40.0 + 0.1 * k + position
            numerator = value * denominator
        out.append({"breakdown": breakdown, "value": value, "numerator": numerator, "denominator": denominator})
    return out


def measure_frame() -> pd.DataFrame:
    rows = []
    for k, period in enumerate(MONTHS):
        for measure in load_registry():
            if not (measure.is_computed and measure.kind == "value"):
                continue
            if period == GAP_PERIOD and measure.section == "therapies":
                continue
            for row in rows_of(measure, k):
                rows.append({"measure_id": measure.id, "period": period, "unit": measure.unit, **row})
    return pd.DataFrame(rows)


def snapshots(period: str) -> pd.DataFrame:
    return pd.DataFrame([
        {"feed": "council_send", "extract_date": date(2026, 11, 5), "is_stale": False},
        {"feed": "therapies", "extract_date": date(2026, 10, 5), "is_stale": True},
        {"feed": "school_census", "extract_date": date(2026, 10, 1), "is_stale": False},
        {"feed": "population", "extract_date": date(2025, 6, 30), "is_stale": False},
    ]).assign(period=period)


FEEDBACK = pd.DataFrame([
    {"feedback_id": "F01", "received_on": date(2026, 9, 1), "theme": "Therapies", "status": "DONE",
     "you_said": "Waiting lists were not explained.", "we_are_doing": "Publishing waits monthly.",
     "we_did": "A therapies dashboard is on this site.", "linked_refs": "4.1.5"},
    {"feedback_id": "F02", "received_on": date(2026, 7, 1), "theme": "Co-production", "status": "IN_PROGRESS",
     "you_said": "Involve parents before decisions.", "we_are_doing": "The forum sits on every workstream.",
     "we_did": f"{SECRET} not done yet", "linked_refs": "3.2.1"},
    {"feedback_id": "F03", "received_on": date(2026, 8, 1), "theme": "Schools", "status": "OPEN",
     "you_said": f"{SECRET} open item", "we_are_doing": None, "we_did": None, "linked_refs": "1.1.1"},
    {"feedback_id": "F04", "received_on": date(2026, 11, 20), "theme": "Later", "status": "DONE",
     "you_said": f"{SECRET} after the month", "we_are_doing": "x", "we_did": "y", "linked_refs": ""},
])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("public")
    engine = db.get_engine(f"duckdb:///{folder / 'db.duckdb'}")
    db.ensure_schema(engine)
    db.replace_rows(engine, "measures", measure_frame(), {})
    for period in (EARLIER, PERIOD):
        db.replace_rows(engine, "measure_snapshots", snapshots(period), {"period": period})
    db.replace_rows(engine, "src_programme__feedback", FEEDBACK, {})
    db.replace_rows(engine, "src_programme__risks", pd.DataFrame([
        {"risk_id": "R01", "title": f"{SECRET} risk", "owner_role": "Lead", "likelihood": 3, "impact": 4,
         "target_likelihood": 1, "target_impact": 2, "mitigation": f"{SECRET} mitigation", "linked_refs": "1.1.1",
         "status": "OPEN", "reviewed_on": date(2026, 10, 1)}]), {})
    db.replace_rows(engine, "src_programme__tracker", pd.DataFrame([
        {"milestone_id": "1.1.1.1", "status": "IN_PROGRESS", "update_note": f"{SECRET} {PSEUDONYM}",
         "updated_on": date(2026, 10, 1), "updated_by_role": "Officer"}]), {})
    public = folder / "public"
    written = write_site(engine, PERIOD, public, area_name=AREA, produced_on=PRODUCED)
    pages = {p.relative_to(public).as_posix(): p.read_text(encoding="utf-8") for p in sorted(public.rglob("*.html"))}
    yield {"engine": engine, "public": public, "written": written, "pages": pages, "folder": folder}
    engine.dispose()


# --------------------------------------------------------------------------- reading the pages back


class Page(HTMLParser):
    """The parts of a page the tests look at: tables (caption, columns, rows), headings, tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.headings: list[int] = []
        self.tags: list[tuple[str, dict]] = []
        self._table: dict | None = None
        self._row: list | None = None
        self._cell: dict | None = None
        self._caption: list | None = None
        self._section = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "table":
            self._table = {"caption": None, "columns": [], "rows": [], "scopes_ok": True}
        elif self._table is None:
            return
        elif tag == "caption":
            self._caption = []
        elif tag in ("thead", "tbody"):
            self._section = tag
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            if tag == "th" and attrs.get("scope") != ("col" if self._section == "thead" else "row"):
                self._table["scopes_ok"] = False
            self._cell = {"tag": tag, "text": []}

    def handle_endtag(self, tag):
        if self._table is None:
            return
        if tag == "caption" and self._caption is not None:
            self._table["caption"] = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("th", "td") and self._cell is not None:
            text = " ".join("".join(self._cell["text"]).split())
            (self._table["columns"] if self._section == "thead" else self._row).append(text)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._section == "tbody":
                self._table["rows"].append(self._row)
            self._row = None
        elif tag == "table":
            self.tables.append(self._table)
            self._table = None

    def handle_data(self, data):
        if self._caption is not None:
            self._caption.append(data)
        if self._cell is not None:
            self._cell["text"].append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def number(text: str) -> float | None | str:
    """A cell as a number; ``"c"`` for a suppressed cell; None when it is not a number (text, "no data")."""
    if text == disclosure.SUPPRESSED:
        return "c"
    match = re.fullmatch(r"(-?[\d,]+(?:\.\d+)?)%?", text)
    return float(match.group(1).replace(",", "")) if match else None


def lines_of(table: dict) -> list[tuple[str, list[str]]]:
    """Every line of the table that adds up: (name, cells with the total first).

    A row whose header starts with "All" is the total of the other rows (in each column); a
    column whose heading starts with "All" is the total of the other columns (in each row).
    """
    rows, columns = table["rows"], table["columns"]
    out = []
    totals = [i for i, r in enumerate(rows) if r[0].startswith("All")]
    for t in totals:
        for j in range(1, len(columns)):
            cells = [rows[t][j]] + [r[j] for i, r in enumerate(rows) if i not in totals]
            out.append((f"column {columns[j]!r}", cells))
    total_columns = [j for j, c in enumerate(columns) if j > 0 and c.startswith("All")]
    for t in total_columns:
        for r in rows:
            cells = [r[t]] + [r[j] for j in range(1, len(columns)) if j not in total_columns]
            out.append((f"row {r[0]!r}", cells))
    return out


def attack(table: dict) -> list[str]:
    """Suppressed cells a reader could work out from a total and the other cells of its line."""
    found = []
    for name, cells in lines_of(table):
        values = [number(c) for c in cells]
        if any(v is None for v in values):  # text or "no data": not a line of numbers
            continue
        hidden = [i for i, v in enumerate(values) if v == "c"]
        if len(hidden) == 1:  # the total minus the others (for a rate: its numerator, rate x denominator)
            known = [v for v in values if v != "c"]
            guess = known[0] - sum(known[1:]) if hidden[0] > 0 else sum(known[1:])
            found.append(f"{table['caption']}, {name}: the c at position {hidden[0]} can be worked out "
                         f"({guess:g} in a column of counts)")
    if any(r[0].startswith("All") for r in table["rows"]) and any(c.startswith("All") for c in table["columns"][1:]):
        found += attack_two_way(table)
    return found


def attack_two_way(table: dict) -> list[str]:
    """A table with total rows and columns: solve all its equations at once (exact linear algebra)."""
    rows, columns = table["rows"], table["columns"]
    total_row = next(i for i, r in enumerate(rows) if r[0].startswith("All"))
    total_col = next(j for j, c in enumerate(columns) if j > 0 and c.startswith("All"))
    parts_r = [i for i in range(len(rows)) if i != total_row]
    parts_c = [j for j in range(1, len(columns)) if j != total_col]
    sums = disclosure.two_way(parts_r, parts_c, row_total=total_row, column_total=total_col)
    hidden = {(i, j) for i in range(len(rows)) for j in range(1, len(columns)) if rows[i][j] == "c"}
    return [f"{table['caption']}: cell {cell} recoverable" for cell in disclosure.recoverable(sums, hidden)]


# --------------------------------------------------------------------------- the tests


def test_every_page_is_written(built):
    names = set(built["pages"])
    month = {"index.html", "therapies.html", "you-said-we-did.html", "sources.html",
             *(f"area-{ref}.html" for ref in ("1", "2", "3", "4"))}
    assert month | {"archive.html", "accessibility.html"} <= names
    assert {f"archive/{PERIOD}/{name}" for name in month} <= names
    assert (built["public"] / "public.css").is_file()
    css = (built["public"] / "public.css").read_text(encoding="utf-8")
    assert "@media print" in css and ":focus" in css
    assert not [p for p in built["public"].rglob("*.tmp")]  # atomic: no temporary file left


def test_no_suppressed_cell_can_be_recovered_on_any_page(built):
    attacked, found = 0, []
    for name, html in built["pages"].items():
        for table in parse(html).tables:
            lines = lines_of(table)
            attacked += sum(1 for _, cells in lines if "c" in cells)
            found += [f"{name}: {f}" for f in attack(table)]
    assert not found, "\n".join(found)
    assert attacked >= 10  # the attack met suppressed cells in lines with totals


def test_the_attack_would_find_a_cell_left_alone():
    """The test above can fail: one c beside a shown total is found, and so is a corner of a two-way table."""
    table = {"caption": "t", "columns": ["Service", "Children waiting"],
             "rows": [["A", "40"], ["B", "c"], ["C", "12"], ["All services", "55"]]}
    assert attack(table) == ["t, column 'Children waiting': the c at position 2 can be worked out "
                             "(3 in a column of counts)"]
    two_way = {"caption": "u", "columns": ["Month", "All", "x", "y"],
               "rows": [["r1", "10", "c", "c"], ["r2", "20", "c", "15"], ["All", "30", "10", "c"]]}
    assert attack(two_way)  # each line has two c, but together the equations pin them down


def test_suppression_is_the_same_on_every_page(built):
    therapies = {t["caption"]: t for t in parse(built["pages"]["therapies.html"]).tables}
    overview = next(t for c, t in therapies.items() if c.startswith("Therapy waits by service"))
    by_service = {r[0]: r[1] for r in overview["rows"]}  # children waiting
    trend = next(t for c, t in therapies.items() if c.startswith("Children waiting for therapy by service"))
    latest = dict(zip(trend["columns"][1:], trend["rows"][0][1:]))
    assert latest == by_service
    assert "c" in by_service.values()  # a service is hidden this month
    home = parse(built["pages"]["index.html"])
    waiting_row = next(r for t in home.tables for r in t["rows"] if r[0] == "Children waiting for therapy")
    assert waiting_row[1] == by_service["All services"]
    area = parse(built["pages"]["area-4.html"])
    breakdown = next(t for t in area.tables if t["caption"].startswith("Children waiting for therapy, by service"))
    assert {r[0]: r[1] for r in breakdown["rows"]} == by_service


def test_every_hidden_pattern_protects_the_unrounded_figures(built):
    """Behind the pages: no hidden cell is recoverable, nor a line's hidden cells sum to 1-4, any month."""
    registry = {m.id: m for m in load_registry()}
    figures = PublicFigures(read_history(built["engine"], PERIOD, 24), registry)
    checked = 0
    for measure in registry.values():
        if not (measure.is_computed and measure.kind == "value"):
            continue
        for dimension in (d for d in measure.breakdowns if d in DIMENSIONS):
            total = figures.total_of(measure.id, dimension)
            if total is None:
                continue
            parts = figures.parts(measure.id, dimension)
            sums = disclosure.one_way(total, parts)
            for month in MONTHS:
                hidden = figures.group_hidden(measure.id, dimension, month)
                if not hidden:
                    continue
                checked += 1
                assert not disclosure.recoverable(sums, hidden), (measure.id, month, hidden)
                field = "value" if measure.unit == "count" else "numerator"
                values = {k: (figures.row(*k, month) or {}).get(field) for k in [*parts, total]}
                if measure.unit == "count" or all(v is not None for v in values.values()):
                    assert not disclosure.small_groups(values, sums, hidden), (measure.id, month, hidden)
                for key in hidden:
                    assert figures.text(*key, month) == "c"
    assert checked > 50


def test_small_numbers_are_c_and_counts_are_rounded(built):
    therapies = parse(built["pages"]["therapies.html"])
    overview = next(t for t in therapies.tables if t["caption"].startswith("Therapy waits by service"))
    rows = {r[0]: r for r in overview["rows"]}
    assert rows["Child development service (community paediatrics)"][1] == "c"  # 3 children in October
    counted = [number(r[1]) for r in overview["rows"]]
    assert all(v == "c" or v % 5 == 0 for v in counted)
    assert "c" in {r[5] for r in overview["rows"]}  # 1 child waiting over 52 weeks: c and a partner
    assert sum(1 for r in overview["rows"][:-1] if r[5] == "c") >= 2
    area1 = parse(built["pages"]["area-1.html"])
    settings = next(t for t in area1.tables if "by where they go" in t["caption"])
    shown = {r[0]: r[1] for r in settings["rows"]}
    assert shown["Alternative provision"] == "c" and shown["Setting not recorded"] == "c"
    assert shown["Elsewhere (e.g. educated at home, not in education)"] == "0.0"


def test_every_page_explains_c_and_has_an_accessible_structure(built):
    for name, html in built["pages"].items():
        page = parse(html)
        assert '<html lang="en-GB">' in html, name
        assert page.headings.count(1) == 1, name
        assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:])), (name, page.headings)
        first_link = next(attrs for tag, attrs in page.tags if tag == "a")
        assert first_link.get("href") == "#main" and "skip-link" in first_link.get("class", ""), name
        assert ("main", {"id": "main"}) in page.tags, name
        assert '<meta name="viewport"' in html, name
        ids = [attrs["id"] for _, attrs in page.tags if "id" in attrs]
        assert len(ids) == len(set(ids)), name
        for table in page.tables:
            assert table["caption"], name
            assert table["scopes_ok"], (name, table["caption"])
        if any(t["rows"] and "c" in (cell for r in t["rows"] for cell in r) for t in page.tables):
            assert disclosure.EXPLANATION.replace("'", "&#39;") in html, name
        for tag, attrs in page.tags:
            if tag == "svg":
                assert attrs.get("role") == "img", name
                for part in attrs["aria-labelledby"].split():
                    assert part in ids, (name, part)


def test_every_chart_has_a_title_a_description_a_summary_and_a_table(built):
    html = built["pages"]["therapies.html"]
    charts = re.findall(r"<svg .*?</svg>\s*<figcaption[^>]*>(.*?)</figcaption>", html, re.S)
    assert len(charts) >= 8  # six line charts and two SPC charts
    for svg_text in re.findall(r"<svg .*?</svg>", html, re.S):
        assert "<title" in svg_text and "<desc" in svg_text
    assert "<script" not in "".join(built["pages"].values())
    spc = parse(html)
    assert any(t["caption"].startswith("Children waiting for therapy, all services: month by month")
               and t["columns"][-1] == "What the chart shows" for t in spc.tables)


def test_no_pseudonym_row_or_unpublished_free_text_is_shown(built):
    everything = "\n".join(built["pages"].values()) + (built["public"] / "public.css").read_text(encoding="utf-8")
    assert not HEX64.search(everything)
    assert SECRET not in everything
    feedback = built["pages"]["you-said-we-did.html"]
    for sentence in ("Waiting lists were not explained.", "A therapies dashboard is on this site.",
                     "Involve parents before decisions.", "The forum sits on every workstream."):
        assert sentence in feedback
    assert "F01" not in feedback  # no ids


def test_the_home_page_shows_each_area_with_latest_year_ago_and_direction(built):
    home = parse(built["pages"]["index.html"])
    captions = [t["caption"] for t in home.tables]
    assert captions == [f"Area of concern {ref}: impact measures, October 2026" for ref in ("1", "2", "4")]
    for table in home.tables:
        assert table["columns"][:5] == ["Measure", "October 2026", "A year before (October 2025)", "England",
                                        "Compared with a year before"]
        for row in table["rows"]:
            assert re.match(r"(Better|Worse|Higher|Lower|About the same|Not compared|No figure)", row[4]), row
    assert "We are still developing the measures for this area" in built["pages"]["index.html"]
    rows = {r[0]: r for t in home.tables for r in t["rows"]}
    assert rows["New EHC plans agreed within 20 weeks (%)"][1] == "c"  # 3 of 8 this month
    assert rows["New EHC plans agreed within 20 weeks (%)"][4].startswith("Not compared")


def test_the_site_is_the_same_when_written_twice_and_keeps_the_latest_month_on_top(built, tmp_path):
    public, engine = built["public"], built["engine"]

    def files() -> dict[str, bytes]:
        return {p.relative_to(public).as_posix(): p.read_bytes() for p in sorted(public.rglob("*")) if p.is_file()
                and not p.name.startswith(".")}

    before = files()
    write_site(engine, PERIOD, public, area_name=AREA, produced_on=PRODUCED)
    assert files() == before
    fresh = tmp_path / "fresh"
    write_site(engine, PERIOD, fresh, area_name=AREA, produced_on=PRODUCED)
    assert {p.relative_to(fresh).as_posix(): p.read_bytes() for p in fresh.rglob("*") if p.is_file()
            and not p.name.startswith(".")} == before

    write_site(engine, EARLIER, public, area_name=AREA, produced_on=date(2026, 10, 1))
    after = files()
    assert after["index.html"] == before["index.html"]  # an earlier month never replaces the latest
    assert f"archive/{EARLIER}/index.html" in after
    assert "September 2026" in after["archive.html"].decode() and "October 2026" in after["archive.html"].decode()
    write_site(engine, PERIOD, public, area_name=AREA, produced_on=PRODUCED)
    assert files() == after  # re-running the latest month changes nothing
    archived = after[f"archive/{EARLIER}/index.html"].decode()
    assert 'href="../../public.css"' in archived and "See the latest figures" in archived


def test_a_month_without_measures_is_refused(built, tmp_path):
    with pytest.raises(PublicSiteError, match="No measures have been built for 2026-11"):
        write_site(built["engine"], "2026-11", tmp_path / "public", area_name=AREA, produced_on=PRODUCED)


def test_the_accessibility_statement_says_what_was_tested(built):
    html = built["pages"]["accessibility.html"]
    for words in ("Accessibility statement for", "Compliance status", "Enforcement procedure",
                  "Non-accessible content", "Preparation of this accessibility statement", "axe-core",
                  "WCAG 2.2", "headless Chromium", "320 CSS pixels", "200% zoom", "Skip to main content",
                  'lang="en-GB"', "print"):
        assert words in html.replace("&#34;", '"').replace("&#39;", "'").replace("&quot;", '"'), words


def test_the_sources_page_lists_the_data_and_its_dates(built):
    sources = parse(built["pages"]["sources.html"])
    table = sources.tables[0]
    rows = {r[0]: r for r in table["rows"]}
    stale = "An older extract was used: these figures may be out of date"
    assert rows["Children's therapy waiting lists"][1:] == ["extract of 5 October 2026", stale]
    assert rows["Council SEND records (SEN2 extract)"][2] == "Up to date"


def test_each_service_and_all_services_have_a_chart(built):
    html = built["pages"]["therapies.html"]
    for label in ["All services", *(SERVICE_LABELS[s] for s in BREAKDOWN_VALUES["service"])]:
        assert re.search(rf'id="chart-waiting-\d+-title">Children waiting: {re.escape(label)}</title>', html), label


def test_write_site_returns_every_file_it_wrote(built):
    written = {p.relative_to(built["public"]).as_posix() for p in built["written"]}
    assert {"index.html", "archive.html", "accessibility.html", "public.css", f"archive/{PERIOD}/therapies.html"} \
        <= written
    assert all(Path(p).is_file() for p in built["written"])
