"""The browser harness: a good page passes every check, and each bad page fails its own check only."""
from __future__ import annotations

import json
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from tests.browser.harness import (
    CHECKS, SCRIPT, TOOL_DIR, BrowserUnavailable, check_pages, load_results,
)

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Each bad fixture and exactly the checks it must fail (no other check may fire on it).
BAD = {
    "axe-violations": {"axe"},
    "no-lang": {"lang", "axe"},          # axe's html-has-lang fires too
    "wrong-lang": {"lang"},
    "no-skip-link": {"skip_link"},
    "broken-skip-link": {"skip_link"},
    "heading-skip": {"headings"},
    "wide-table": {"reflow_320", "reflow_640", "print"},
    "hidden-focus": {"focus_visible"},
    "tabindex-order": {"focus_order"},
    "no-print-styles": {"print"},
    "external-request": {"self_contained"},
}


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_every_fixture_is_checked(fixture_results):
    assert set(fixture_results) == {"good", *BAD}
    for page in fixture_results.values():
        assert page.error is None, page.error
        assert tuple(page.checks) == CHECKS


def test_good_page_passes_every_check(fixture_results):
    good = fixture_results["good"]
    assert good.ok, good.summary()
    assert good.lang == "en-GB"
    assert [h["level"] for h in good.headings] == [1, 2, 2, 2, 2]
    # The whole focus order: the skip link first, then in document order, each with an indicator.
    seq = good.focus_sequence
    assert seq[0]["element"].startswith('a[href="#main"]')
    assert [s["index"] for s in seq] == list(range(len(seq)))
    assert len(seq) == good.raw["focus"]["expected"] == 10
    assert all(s["indicator"] in ("outline", "box-shadow") for s in seq)
    assert good.raw["skip_link"]["target_is_main"]


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_page_fails_its_own_check_only(fixture_results, name):
    page = fixture_results[name]
    assert set(page.failed) == BAD[name], page.summary()
    for check in page.failed:
        assert page.checks[check].problems, f"{name}: {check} failed without saying why"


def test_axe_reports_missing_alt_and_low_contrast(fixture_results):
    page = fixture_results["axe-violations"]
    assert page.violation_ids == {"image-alt", "color-contrast"}
    contrast = next(v for v in page.violations if v["id"] == "color-contrast")
    assert contrast["impact"] == "serious"
    assert "#c4c4c4" in contrast["nodes"][0]["summary"]
    assert fixture_results["no-lang"].violation_ids == {"html-has-lang"}


def test_lang_is_read_from_html(fixture_results):
    assert fixture_results["no-lang"].lang is None
    assert fixture_results["wrong-lang"].lang == "en"
    assert 'want lang="en-GB"' in fixture_results["wrong-lang"].checks["lang"].problems[0]


def test_skip_link_problems_say_what_is_wrong(fixture_results):
    (missing,) = fixture_results["no-skip-link"].checks["skip_link"].problems
    assert '"Home"' in missing and "does not point at an id" in missing
    (broken,) = fixture_results["broken-skip-link"].checks["skip_link"].problems
    assert "#content" in broken


def test_heading_skip_names_both_headings(fixture_results):
    (problem,) = fixture_results["heading-skip"].checks["headings"].problems
    assert "h1" in problem and "h3" in problem and "skips h2" in problem


def test_focus_checks(fixture_results):
    hidden = fixture_results["hidden-focus"]
    no_indicator = [s["element"] for s in hidden.focus_sequence if s["indicator"] is None]
    assert no_indicator and all(e.startswith("a[") for e in no_indicator)
    # The summary and the scrolling table keep their outline: only the links lost it.
    assert any(s["indicator"] for s in hidden.focus_sequence if s["element"].startswith("summary"))
    (order,) = fixture_results["tabindex-order"].checks["focus_order"].problems
    assert "Accessibility statement" in order and "back up the page" in order


def test_reflow_and_print_catch_the_wide_table(fixture_results):
    wide = fixture_results["wide-table"]
    r320 = wide.raw["reflow"]["320"]
    assert r320["scroll_width"] > 320 and r320["offenders"][0].startswith("table")
    assert wide.raw["reflow"]["640"]["device_scale_factor"] == 2
    # The good page's table scrolls inside its own box, so the page itself does not.
    good = fixture_results["good"].raw
    assert good["reflow"]["320"]["scroll_width"] <= 320
    assert good["print"]["has_print_styles"] and good["print"]["media_print_rules"] >= 1
    assert not fixture_results["no-print-styles"].raw["print"]["has_print_styles"]


def test_outside_requests_are_blocked_and_missing_files_reported(fixture_results):
    problems = fixture_results["external-request"].checks["self_contained"].problems
    assert any("blocked request to https://fonts.example.org/" in p for p in problems), problems
    assert any("missing.css" in p for p in problems), problems


def test_screenshots_and_pdf_are_written(fixture_results):
    for name, page in fixture_results.items():
        shots = page.screenshots
        assert set(shots) == {"desktop", "focus", "320", "print", "pdf"}
        assert png_size(shots["focus"]) == (1280, 800), name
        assert png_size(shots["desktop"])[0] >= 1280, name
        assert png_size(shots["320"])[0] >= 320, name
        assert shots["pdf"].read_bytes()[:5] == b"%PDF-", name
        assert page.raw["print"]["pdf_pages"] >= 1
    # The overflowing page's screenshot shows the overflow (fullPage takes the page's width).
    assert png_size(fixture_results["wide-table"].screenshots["320"])[0] > 320
    assert png_size(fixture_results["good"].screenshots["320"])[0] == 320
    assert png_size(fixture_results["good"].screenshots["desktop"])[0] == 1280


def test_results_json_names_the_pinned_versions(fixture_results, browser_out):
    results = json.loads((browser_out / "fixtures" / "results.json").read_text())
    pinned = json.loads((TOOL_DIR / "package.json").read_text())["dependencies"]
    assert all(v[0].isdigit() for v in pinned.values()), f"pin exact versions: {pinned}"
    assert results["tool"]["axe_core"] == pinned["axe-core"]
    assert results["tool"]["puppeteer_core"] == pinned["puppeteer-core"]
    assert {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"} <= set(results["axe_tags"])
    lock = json.loads((TOOL_DIR / "package-lock.json").read_text())
    for dep, version in pinned.items():
        assert lock["packages"][f"node_modules/{dep}"]["version"] == version
    assert load_results(browser_out / "fixtures")["good"].ok


def test_pages_are_checked_quickly(fixture_results):
    slowest = max(fixture_results.values(), key=lambda p: p.seconds)
    assert slowest.seconds < 20, f"{slowest.name} took {slowest.seconds} s"


def test_names_stay_unique_across_folders(browser_ready, tmp_path):
    for folder in ("site", "site/archive"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES / "good.html", tmp_path / folder / "index.html")
        shutil.copy(FIXTURES / "fixture.css", tmp_path / folder / "fixture.css")
    results = check_pages([tmp_path / "site/index.html", tmp_path / "site/archive/index.html"], tmp_path / "out")
    assert list(results) == ["index", "archive__index"]
    assert all(r.ok for r in results.values()), [r.summary() for r in results.values()]
    assert results["archive__index"].screenshots["desktop"].name == "archive__index-desktop.png"


def test_missing_page_and_missing_chromium(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError):
        check_pages([tmp_path / "nowhere.html"], tmp_path)
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "no-chromium"))
    with pytest.raises(BrowserUnavailable, match="make browser"):
        check_pages([FIXTURES / "good.html"], tmp_path)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_script_says_how_to_install_chromium(tmp_path):
    proc = subprocess.run(
        ["node", str(SCRIPT), "--out", str(tmp_path), "--chromium", str(tmp_path / "no-chromium"),
         str(FIXTURES / "good.html")],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 3
    assert "install Debian's chromium: make browser" in proc.stderr
    usage = subprocess.run(["node", str(SCRIPT), str(FIXTURES / "good.html")],
                           capture_output=True, text=True, timeout=60, check=False)
    assert usage.returncode == 2 and "--out" in usage.stderr
