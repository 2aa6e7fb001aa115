"""Fixtures for the browser checks: Chromium and the node packages, or a skip (a failure when CI is set).

``SEND_BROWSER_OUT=/some/dir`` keeps the screenshots, PDFs and results.json there to look at;
otherwise they go to pytest's temporary folder (its path is printed with each failure).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.harness import check_pages, unavailable_reason

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def browser_ready():
    """Skip without Chromium or the node packages (`make browser`); fail instead when CI is set."""
    reason = unavailable_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"cannot run the browser checks and CI is set: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_out(tmp_path_factory) -> Path:
    """Where the screenshots, PDFs and results.json go."""
    keep = os.environ.get("SEND_BROWSER_OUT")
    if keep:
        path = Path(keep).resolve()
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="session")
def fixture_results(browser_ready, browser_out):
    """Every fixture page checked once, in one Chromium: {name: PageResult}."""
    return check_pages(sorted(FIXTURES.glob("*.html")), browser_out / "fixtures")
