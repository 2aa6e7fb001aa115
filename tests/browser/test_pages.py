"""Every page a person reads in a browser, checked in headless Chromium: the public site, the Easy Read
page and the HTML twins of the board packs, made from a small synthetic area run through the pipeline.

Each page must pass every check of the harness (axe-core WCAG 2.x A and AA with no violation, lang
en-GB, skip link, headings in order, focus order and visible focus, reflow at 320 and 640 CSS px,
print stylesheet, nothing fetched from outside). The screenshots are kept with the results
(``SEND_BROWSER_OUT=dir`` keeps them where you can look at them).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.orchestration.run import open_warehouse, run_period
from pipeline.reports.easy_read import render_easy_read
from pipeline.reports.highlight.report import highlight_names
from pipeline.reports.public.site import write_site
from pipeline.reports.stocktake import render_stocktake, stocktake_name
from pipeline.synthetic.inbox import write_inbox
from tests.browser.harness import check_pages

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AREA = "Browser test area"
PRODUCED = date(2026, 11, 26)


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    """A small area's October pack (and September's, a quarter end), its stocktake, public site and Easy Read."""
    root = tmp_path_factory.mktemp("pages")
    inbox = root / "inbox"
    write_inbox(inbox, scale=0.05, months=14, end_period="2026-10")
    settings = Settings(data_dir=root / "data", warehouse_url=f"duckdb:///{root / 'data' / 'warehouse.duckdb'}",
                        pseudonymisation_key=b"browser-test-key")
    for period in ("2026-09", "2026-10"):
        result = run_period(period, inbox, settings, render=period == "2026-10")
        assert not result.refused, result.reason()
    packs = settings.data_dir / "packs"
    with open_warehouse(settings) as engine:
        render_stocktake(engine, "2026-09", packs / "2026-09", area_name=AREA, produced_on=PRODUCED)
        site = write_site(engine, "2026-10", settings.data_dir / "public", area_name=AREA, produced_on=PRODUCED)
        easy_read, _ = render_easy_read(engine, "2026-10", settings.data_dir / "public" / "easy-read", area_name=AREA,
                                        produced_on=PRODUCED)
    found = {p.name: p for p in site if p.suffix == ".html" and p.parent == settings.data_dir / "public"}
    found["highlight-twin.html"] = packs / "2026-10" / highlight_names("2026-10")["twin"]
    found["stocktake-twin.html"] = (packs / "2026-09" / stocktake_name("2026-09")).with_suffix(".html")
    found["easy-read.html"] = easy_read
    return found


@pytest.fixture(scope="module")
def results(browser_ready, browser_out, pages):
    return check_pages(sorted(pages.values()), browser_out / "pages")


def test_the_site_has_every_page_the_issue_names(pages):
    for name in ("index.html", "therapies.html", "you-said-we-did.html", "sources.html", "archive.html",
                 "accessibility.html", "area-1.html", "area-4.html", "highlight-twin.html", "stocktake-twin.html",
                 "easy-read.html"):
        assert name in pages and pages[name].is_file(), name


def test_every_page_passes_every_browser_check(results):
    failed = {name: result.summary() for name, result in results.items() if not result.ok}
    assert not failed, "\n\n".join(f"{name}:\n{summary}" for name, summary in failed.items())


def test_axe_ran_the_wcag_a_and_aa_rules_and_found_nothing(results):
    for name, result in results.items():
        assert result.checks["axe"].ok and not result.violations, (name, result.violation_ids)
        assert result.lang == "en-GB", name


def test_screenshots_were_taken_to_look_at(results):
    for name, result in results.items():
        for kind in ("desktop", "320", "print"):
            assert Path(result.screenshots[kind]).is_file(), (name, kind)
