"""Read one delivered CSV file into text columns, refusing what cannot be read safely.

Accepts UTF-8 with or without BOM and Windows-1252; one header row; comma-delimited.
A file that cannot be decoded, has a line over 1 MiB, or a row with the wrong number of
fields is refused with a finding naming the file and line.  Column names are matched
case-insensitively after trimming; older layouts' names are mapped by alias.
"""
from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.feeds import DROP, Finding, Table
from pipeline.parsing import by_distinct

log = logging.getLogger(__name__)

MAX_LINE_BYTES = 1024 * 1024
FIRST_DATA_LINE = 2  # the header is line 1: row numbers in reports are file line numbers


class UnreadableFile(Exception):
    """The file cannot be read as a CSV of this feed; carries the finding to report."""

    def __init__(self, finding: Finding):
        super().__init__(finding.sentence)
        self.finding = finding


@dataclass
class ReadResult:
    """The text frame of one file (index = file line number) and what reading noticed."""

    frame: pd.DataFrame
    encoding: str
    findings: list[Finding] = field(default_factory=list)


def _refuse(table: Table, path: Path, rule: str, sentence: str, line: int | None = None, column: str = "") -> None:
    finding = Finding(table.feed, path.name, column, rule, "blocking", 1 if line else None,
                      [line] if line else [], sentence)
    raise UnreadableFile(finding)


def decode_bytes(data: bytes, table: Table, path: Path) -> tuple[str, str]:
    """Decode as UTF-8 (BOM or not), else Windows-1252; refuse binary content."""
    if not data.strip():
        _refuse(table, path, "file has a header row", f"{path.name} is empty: it has no header row and no data.")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        _refuse(table, path, "file is text", f"{path.name} holds binary data (a NUL byte on line {line}); "
                "it is not a CSV export. Ask the sender to export it again.", line)
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        _refuse(table, path, "file encoding", f"{path.name} line {line} decodes as neither UTF-8 nor "
                "Windows-1252; re-export the file as UTF-8 CSV.", line)
    raise AssertionError("unreachable")


def _check_line_lengths(data: bytes, table: Table, path: Path) -> None:
    if len(data) <= MAX_LINE_BYTES:
        return
    for number, line in enumerate(data.split(b"\n"), start=1):
        if len(line) > MAX_LINE_BYTES:
            _refuse(table, path, "line length", f"{path.name} line {number} is longer than 1 MiB; "
                    "the file is probably not a CSV export of this feed.", number)


def _rows(text: str, table: Table, path: Path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()  # trailing blank lines
    if not rows:
        _refuse(table, path, "file has a header row", f"{path.name} is empty: it has no header row.")
    header, body = rows[0], rows[1:]
    for offset, row in enumerate(body):
        if len(row) != len(header):
            line = offset + FIRST_DATA_LINE
            _refuse(table, path, "row has every field",
                    f"{path.name} line {line} has {len(row)} fields where the header has {len(header)} "
                    "(a truncated or broken line); nothing from this delivery was loaded.", line)
    if not body:
        _refuse(table, path, "file has rows", f"{path.name} has a header but no data rows; "
                "a delivery must hold the extract's records.")
    return header, body


def _normalise_header(header: list[str], table: Table, path: Path) -> list[str]:
    names = [h.strip().lower() for h in header]
    aliases = {alias: col.name for col in table.columns for alias in col.aliases}
    names = [aliases.get(n, n) if aliases.get(n, n) not in names else n for n in names]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            _refuse(table, path, "column names are unique",
                    f"{path.name} has the column '{name}' twice (names are matched ignoring case).",
                    column=name)
        seen.add(name)
    return names


@by_distinct
def _blank_to_missing(values: pd.Series) -> pd.Series:
    stripped = values.str.strip()
    return stripped.where(stripped != "", None)


def read_table_file(path: Path, table: Table) -> ReadResult:
    """Read ``path`` as ``table``'s file: text columns, blanks as missing, index = line number."""
    if path.is_symlink():
        _refuse(table, path, "file is a regular file", f"{path.name} is a link; links are not read.")
    data = path.read_bytes()
    text, encoding = decode_bytes(data, table, path)
    _check_line_lengths(data, table, path)
    header, body = _rows(text, table, path)
    names = _normalise_header(header, table, path)
    frame = pd.DataFrame(body, columns=names, dtype=object)
    frame.index = pd.RangeIndex(FIRST_DATA_LINE, FIRST_DATA_LINE + len(body))
    frame = frame.apply(_blank_to_missing)
    result = ReadResult(frame, encoding)
    _check_columns(result, table, path)
    return result


def _check_columns(result: ReadResult, table: Table, path: Path) -> None:
    present = set(result.frame.columns)
    known = {c.name for c in table.columns}
    missing = [c.name for c in table.columns if c.required and c.name not in present]
    if missing:
        names = ", ".join(missing)
        _refuse(table, path, "required column present",
                f"{path.name} has no column {names}; the feed contract requires it "
                "(names are matched ignoring case and spaces).", column=missing[0])
    extra = sorted(present - known)
    if extra:
        result.findings.append(Finding(table.feed, path.name, ", ".join(extra), "extra columns", "warning", None, [],
                                       f"{path.name} has columns the contract does not use ({', '.join(extra)}); "
                                       "they are kept in the raw copy and ignored."))
    for col in table.columns:  # optional columns absent from this layout
        if col.name not in present:
            result.frame[col.name] = None
    keep = [c.name for c in table.columns if c.kind != DROP]
    result.frame = result.frame[keep]
