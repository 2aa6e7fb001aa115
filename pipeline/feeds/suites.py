"""Write the Great Expectations suites in ``expectations/`` from the feed specs.

The JSON files are what validation runs; they are generated from ``pipeline.feeds.contracts`` so a
column's rules and its typing never disagree (a test checks the files are current).
Each expectation carries GX's own ``severity`` (``critical`` = blocking, ``warning``)
and ``meta`` with the source column, the rule in words and the sentence the validation
report prints.  Run ``python -m pipeline.feeds.suites`` after changing ``pipeline/feeds/contracts.py``.
"""
from __future__ import annotations

import json
from pathlib import Path

from pipeline.feeds.contracts import (BIRTH, DATE, FLAG, FLOAT, INT, NHS, PLANNED_DATE, TABLES, TIMESTAMP, ULN, UPN,
                                      Column, Table)

SUITES_DIR = Path(__file__).resolve().parents[2] / "expectations"
INT32_MAX = 2**31 - 1  # whole-number columns are 32-bit integers in the warehouse
_FORMS = "YYYY-MM-DD, DD/MM/YYYY or 2022-Sep-28 00:00:00"
_FLAG_WORDS = {
    DATE: ("date in an accepted form", f"is not a real date in an accepted form ({_FORMS})"),
    PLANNED_DATE: ("date in an accepted form", f"is not a real date in an accepted form ({_FORMS})"),
    TIMESTAMP: ("date-time in an accepted form", "is not a date-time in an accepted form"),
    INT: ("whole number", "is not a whole number"),
    FLOAT: ("number", "is not a number"),
    FLAG: ("flag Y/N, 1/0 or true/false", "is not Y, N, 1, 0, true or false"),
    UPN: ("UPN check letter", "is not a 13-character UPN with a valid check letter"),
    ULN: ("ULN form", "is not a unique learner number"),
    NHS: ("NHS number check digit", "is not a 10-digit NHS number with a valid check digit"),
    BIRTH: ("date of birth", "is not a real date of birth on or before the extract"),
}
_EXTRA_FLAGS = {
    "parent__ok": ("", "parent row exists", "blocking", "{count} rows of {file} point to a parent record that is "
                   "not in the snapshot (orphan rows), e.g. lines {rows}."),
    "absence__ok": ("sessions_possible", "absence within possible sessions", "blocking",
                    "{count} rows of {file} have more sessions of absence than sessions possible, e.g. lines {rows}."),
    "academic_year__ok": ("academic_year", "academic year form", "blocking",
                          "{count} rows of {file} have an academic_year not written like 2024/25, e.g. lines {rows}."),
    "wait__ok": ("referral_received_date", "wait under 3 years", "warning",
                 "{count} referrals in {file} have been open more than 3 years without being seen; "
                 "check they are still waiting (lines {rows})."),
    "pupil_code__ok": ("activity_code", "activity of a young person past school age", "warning",
                       "{count} young people in {file} have an activity code of 110-150, which describes a pupil "
                       "below school-leaving age; check their records (lines {rows})."),
    "activity_start__ok": ("activity_start_date", "activity started by the extract date", "warning",
                           "{count} young people in {file} have an activity_start_date after the extract date "
                           "(lines {rows})."),
    "academic_age__ok": ("date_of_birth", "academic age 16 to 24", "warning",
                         "{count} young people in {file} are not of academic age 16 to 24 at the extract, or have "
                         "no date of birth; they count in no measure (lines {rows})."),
    "urn__ok": ("urn", "school in establishments.csv", "blocking",
                "{count} rows of {file} name a urn that is not in the reference establishments.csv, "
                "e.g. lines {rows}."),
}


def _expectation(kind: str, kwargs: dict, column: str, rule: str, severity: str, sentence: str) -> dict:
    return {
        "type": kind,
        "kwargs": kwargs,
        "severity": "critical" if severity == "blocking" else "warning",
        "meta": {"column": column, "rule": rule, "blocking": severity == "blocking", "sentence": sentence},
    }


def _flag_expectations(table: Table) -> list[dict]:
    out = []
    for col in table.columns:
        if col.kind in _FLAG_WORDS:
            rule, words = _FLAG_WORDS[col.kind]
            out.append(_expectation("expect_column_values_to_be_in_set",
                                    {"column": f"{col.name}__ok", "value_set": [True]}, col.name, rule, "blocking",
                                    f"{{count}} rows of {{file}} have a {col.name} that {words}, e.g. lines {{rows}}."))
    return out


def _column_expectations(table: Table, col: Column) -> list[dict]:
    name, out = table.staged_name(col.name), []
    if not col.nullable:
        out.append(_expectation("expect_column_values_to_not_be_null", {"column": name}, col.name, "value present",
                                "blocking", f"{{count}} rows of {{file}} have no {col.name}, e.g. lines {{rows}}."))
    if col.codes:
        codes = [int(c) for c in col.codes] if col.kind == INT else list(col.codes)
        out.append(_expectation("expect_column_values_to_be_in_set", {"column": name, "value_set": codes}, col.name,
                                "code in the list", "blocking",
                                f"{{count}} rows of {{file}} have a {col.name} outside its code list "
                                f"({', '.join(col.codes)}), e.g. lines {{rows}}."))
    maximum = col.maximum if col.maximum is not None else (INT32_MAX if col.kind == INT else None)
    if col.minimum is not None or maximum is not None:
        bounds = {k: v for k, v in (("min_value", col.minimum), ("max_value", maximum)) if v is not None}
        words = " and ".join(f"{'at least' if k == 'min_value' else 'at most'} {v:g}" for k, v in bounds.items())
        out.append(_expectation("expect_column_values_to_be_between", {"column": name, **bounds}, col.name,
                                "value in range", "blocking",
                                f"{{count}} rows of {{file}} have a {col.name} that is not {words}, "
                                "e.g. lines {rows}."))
    if col.kind == DATE and table.feed in ("council_send", "therapies"):
        out.append(_expectation("expect_column_values_to_be_between",
                                {"column": name, "max_value": {"$PARAMETER": "extract_date"}}, col.name,
                                "not after the extract date", "blocking",
                                f"{{count}} rows of {{file}} have a {col.name} after the extract date, "
                                "e.g. lines {rows}."))
    return out


def _key_expectation(table: Table) -> list[dict]:
    names = [table.staged_name(c) for c in table.key]
    if len(names) == 1:
        kind, kwargs = "expect_column_values_to_be_unique", {"column": names[0]}
    else:
        kind, kwargs = "expect_compound_columns_to_be_unique", {"column_list": names}
    return [_expectation(kind, kwargs, ", ".join(table.key), "key is unique", table.key_severity,
                         f"{{count}} rows of {{file}} repeat a key ({', '.join(table.key)}) that must be unique, "
                         "e.g. lines {rows}.")]


def _extra_expectations(table: Table) -> list[dict]:
    flags = {"parent__ok"} if table.parent else set()
    flags |= {"census": {"absence__ok"}, "ks2": {"academic_year__ok"}, "ks4": {"academic_year__ok"},
              "referrals": {"wait__ok"}, "caseload": {"pupil_code__ok", "activity_start__ok", "academic_age__ok"},
              "training": {"urn__ok"}}.get(table.name, set())
    out = []
    for flag in sorted(flags):
        column, rule, severity, sentence = _EXTRA_FLAGS[flag]
        out.append(_expectation("expect_column_values_to_be_in_set", {"column": flag, "value_set": [True]},
                                column or (table.parent[1] if table.parent else ""), rule, severity, sentence))
    if table.name == "namedplan":
        out.append(_expectation("expect_column_values_to_be_between",
                                {"column": "startdate", "min_value": {"$PARAMETER": "oldest_plausible_plan"}},
                                "startdate", "plan under 25 years old", "warning",
                                "{count} plans in {file} started more than 25 years before the extract; "
                                "check their start dates (lines {rows})."))
    return out


def build_suite(table: Table) -> dict:
    """The suite for one staged table, as the JSON dict GX loads."""
    expectations = _flag_expectations(table) + _key_expectation(table)
    for col in table.columns:
        expectations += _column_expectations(table, col)
    expectations += _extra_expectations(table)
    return {"name": table.suite_name, "expectations": expectations,
            "meta": {"generated_by": "python -m pipeline.feeds.suites", "feed": table.feed, "table": table.name},
            "notes": f"Checks on the staged table {table.suite_name}; see docs/feeds.md."}


def suite_path(table: Table) -> Path:
    """Where the suite of ``table`` is kept."""
    return SUITES_DIR / table.feed / f"{table.name}.json"


def render_suite(table: Table) -> str:
    """The file text of a suite (stable, so regenerating gives no diff)."""
    return json.dumps(build_suite(table), indent=2, sort_keys=True) + "\n"


_KIND_WORDS = {
    "text": "text", "code": "code", "int": "whole number", "float": "number", "date": "date (not after the extract)",
    "planned_date": "date (may be in the future)", "timestamp": "date-time", "flag": "flag (1/0, true/false, Y/N)",
    "id": "table id", "upn": "UPN (hashed)", "uln": "ULN (hashed)", "nhs": "NHS number (hashed)",
    "birth": "date of birth (kept as year and month)", "drop": "dropped when read",
}


def render_feeds_doc() -> str:
    """``docs/feeds.md``: the contract of every delivered file, generated from the specs."""
    lines = ["# Feed contracts (generated by `python -m pipeline.feeds.suites`; do not edit)", "",
             "Dates are read in the forms YYYY-MM-DD, DD/MM/YYYY and 2022-Sep-28 00:00:00. Column names are",
             "matched ignoring case and spaces. Blocking rules refuse the delivery; see `expectations/`.", ""]
    for tables in TABLES.values():
        for table in tables:
            lines += [f"## {table.suite_name}", "", f"File name pattern: `{table.file_pattern}`; "
                      f"key: {', '.join(table.key)}" + (f"; parent: {table.parent[0]}" if table.parent else ""), "",
                      "| column | kind | required | codes |", "|---|---|---|---|"]
            lines += [f"| {c.name} | {_KIND_WORDS[c.kind]} | {'yes' if c.required else 'no'} | "
                      f"{' '.join(c.codes)} |" for c in table.columns]
            lines.append("")
    return "\n".join(lines)


def write_suites() -> list[Path]:
    """Write every suite file and ``docs/feeds.md``; returns their paths."""
    doc = SUITES_DIR.parent / "docs" / "feeds.md"
    doc.write_text(render_feeds_doc(), encoding="utf-8")
    paths = [doc]
    for tables in TABLES.values():
        for table in tables:
            path = suite_path(table)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render_suite(table), encoding="utf-8")
            paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_suites():
        print(written.relative_to(SUITES_DIR.parent))
