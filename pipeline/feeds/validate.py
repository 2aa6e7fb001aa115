"""Run the Great Expectations suites on staged frames and turn results into findings.

A finding is what a person reads: file, column, rule, rows affected, sample line
numbers and a sentence.  ``severity`` is GX's own field: ``critical`` refuses the
delivery (blocking), ``warning`` is recorded and shown in the pack.  Row numbers are
the staged frame's index, which is the line number in the delivered file.

Each frame is validated twice at most, both times by GX with the table's suite: first
with the ``BOOLEAN_ONLY`` result format (GX computes only what decides each
expectation: no unexpected values or row indexes), then, only when something failed,
the failed expectations again with ``SUMMARY`` to get the counts and sample lines the
findings report.  Most frames pass, so most never pay for the second, dearer run; the
findings are those one ``SUMMARY`` run of the whole suite gives.  One ephemeral GX
context serves the whole process, and GX is imported only when a frame is validated.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from datetime import date, timedelta
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import pandas as pd

from pipeline.feeds.contracts import Finding, Table
from pipeline.feeds.suites import SUITES_DIR, suite_path

log = logging.getLogger(__name__)
SAMPLE_ROWS = 5
DETAILED = {"result_format": "SUMMARY", "partial_unexpected_count": 20}  # what a finding reports


@lru_cache(maxsize=1)
def _context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every frame under 1 GB (an md5 of every cell) to label the batch;
    # nothing here reads the label, and it cost 40% of validating a census. Turn it off.
    pandas_execution_engine.HASH_THRESHOLD = 0

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas("staged").add_dataframe_asset("frame")
    return gx, asset.add_batch_definition_whole_dataframe("whole")


@lru_cache(maxsize=None)
def load_suite(table: Table):
    """The GX suite of ``table`` from ``expectations/<feed>/<table>.json``.

    Each expectation gets an id from its position in the file, so that a result can be
    traced back to its expectation (:func:`_failed_only`).
    """
    gx, _ = _context()
    raw = json.loads(suite_path(table).read_text(encoding="utf-8"))
    for position, expectation in enumerate(raw.get("expectations", [])):
        expectation.setdefault("id", f"{position:08d}-0000-4000-8000-000000000000")
    return gx.ExpectationSuite(**raw)


@lru_cache(maxsize=256)
def _failed_only(table: Table, ids: tuple[str, ...]):
    """The suite of ``table`` cut down to the expectations with ``ids``, in the suite's order."""
    gx, _ = _context()
    suite = load_suite(table)
    wanted = set(ids)
    return gx.ExpectationSuite(name=f"{suite.name} (failed)",
                               expectations=[e.configuration for e in suite.expectations if e.id in wanted])


@lru_cache(maxsize=1)
def suites_fingerprint() -> str:
    """What a delivery's findings depend on besides its staged rows: the suites, this module, GX's version.

    A staged delivery validated under the same fingerprint is not validated again
    (``pipeline.orchestration.steps``): the findings would be the same.
    """
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(metadata.version("great_expectations").encode())
    for path in sorted(SUITES_DIR.glob("*/*.json")):
        digest.update(f"\0{path.relative_to(SUITES_DIR).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def suite_parameters(extract_date: date | None) -> dict:
    """Run-time values the suites refer to with ``$PARAMETER``."""
    if extract_date is None:
        return {}
    as_at = pd.Timestamp(extract_date)
    return {"extract_date": as_at, "oldest_plausible_plan": as_at - timedelta(days=int(25 * 365.25))}


def _raised(info: dict | None) -> dict | None:
    """The exception GX caught while checking, if any (flat or keyed by metric)."""
    if not info:
        return None
    if info.get("raised_exception"):
        return info
    nested = [v for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
    return nested[0] if nested else None


def _finding(table: Table, file: str, result) -> Finding:
    config = result.expectation_config
    meta = config.meta or {}
    blocking = str(config.severity).lower().endswith("critical")
    error = _raised(result.exception_info)
    if error:
        message = error.get("exception_message") or "unknown error"
        return Finding(table.feed, file, meta.get("column", ""), meta.get("rule", config.type), "blocking", None, [],
                       f"The check '{meta.get('rule', config.type)}' could not run on {file}: {message}")
    rows = result.result.get("partial_unexpected_index_list") or []
    count = result.result.get("unexpected_count")
    sample = sorted({int(r) for r in rows if not isinstance(r, dict)})[:SAMPLE_ROWS]
    sentence = meta.get("sentence", "{count} rows of {file} fail " + config.type).format(
        count=count if count is not None else "Some", file=file, rows=", ".join(map(str, sample)) or "n/a")
    if count == 1:
        for plural, singular in (("1 rows ", "1 row "), (" have ", " has "), (" repeat ", " repeats "),
                                 (" point ", " points ")):
            sentence = sentence.replace(plural, singular, 1)
    return Finding(table.feed, file, meta.get("column", ""), meta.get("rule", config.type),
                   "blocking" if blocking else "warning", count, sample, sentence)


def _vectorisable(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with dtypes GX checks in bulk: nanosecond dates and plain floats.

    GX 1.24 compares ``datetime64[ns]``, ``int64`` and ``float64`` columns vectorised but
    falls back to a Python call per row for other dtypes (minutes at national size).
    """
    out = {}
    for name, column in frame.items():
        if pd.api.types.is_datetime64_dtype(column.dtype):
            out[name] = column.astype("datetime64[ns]")
        elif isinstance(column.dtype, (pd.Int64Dtype, pd.Float64Dtype)):
            out[name] = column.astype("float64")
        else:
            out[name] = column
    return pd.DataFrame(out, index=frame.index)


def validate_frame(frame: pd.DataFrame, table: Table, file: str, extract_date: date | None = None) -> list[Finding]:
    """Validate one staged frame with its suite; returns the failures as findings."""
    _, batch_definition = _context()
    batch = batch_definition.get_batch(batch_parameters={"dataframe": _vectorisable(frame)})
    parameters = suite_parameters(extract_date)
    suite = load_suite(table)
    quick = batch.validate(suite, result_format="BOOLEAN_ONLY", expectation_parameters=parameters)
    failed = tuple(r.expectation_config.id for r in quick.results if not r.success)
    if not failed:
        return []
    if None in failed:  # a result GX could not trace to its expectation: check the whole suite in detail
        detailed_suite = suite
    else:
        detailed_suite = _failed_only(table, failed)
    results = batch.validate(detailed_suite, result_format=DETAILED, expectation_parameters=parameters)
    findings = [_finding(table, file, r) for r in results.results if not r.success]
    for finding in findings:
        log.log(logging.WARNING if finding.blocking else logging.INFO, "%s: %s", finding.severity, finding.sentence)
    return findings
