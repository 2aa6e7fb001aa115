"""The committed GX suites and docs/feeds.md are what the feed specs generate."""
import json

import pytest

from pipeline.feeds.contracts import TABLES
from pipeline.feeds.suites import SUITES_DIR, render_feeds_doc, render_suite, suite_path

ALL_TABLES = [t for tables in TABLES.values() for t in tables]


@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda t: t.suite_name)
def test_committed_suite_is_current(table):
    assert suite_path(table).read_text(encoding="utf-8") == render_suite(table), \
        "run `python -m pipeline.feeds.suites` after changing pipeline/feeds/contracts.py"


@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda t: t.suite_name)
def test_every_expectation_is_blocking_or_warning_and_has_a_sentence(table):
    suite = json.loads(suite_path(table).read_text(encoding="utf-8"))
    assert suite["name"] == table.suite_name
    for expectation in suite["expectations"]:
        assert expectation["severity"] in ("critical", "warning")
        assert expectation["meta"]["blocking"] == (expectation["severity"] == "critical")
        assert "{count}" in expectation["meta"]["sentence"] and "{file}" in expectation["meta"]["sentence"]


def test_feeds_doc_is_current():
    assert (SUITES_DIR.parent / "docs" / "feeds.md").read_text(encoding="utf-8") == render_feeds_doc()
