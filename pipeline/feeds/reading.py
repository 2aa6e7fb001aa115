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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from pipeline.feeds.contracts import DROP, Finding, Table
from pipeline.feeds.parsing import by_distinct

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


def decode_bytes(data: bytes, table: Table, path: Path) -> tuple[bytes, str]:
    """UTF-8 bytes of the file (BOM removed), and the encoding it was in.

    UTF-8 with or without BOM is used as it is; otherwise Windows-1252 is decoded and
    re-encoded.  A NUL byte (binary data) or bytes valid in neither are refused.
    """
    if not data.strip():
        _refuse(table, path, "file has a header row", f"{path.name} is empty: it has no header row and no data.")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        _refuse(table, path, "file is text", f"{path.name} holds binary data (a NUL byte on line {line}); "
                "it is not a CSV export. Ask the sender to export it again.", line)
    if data.startswith(b"\xef\xbb\xbf"):
        data, encoding = data[3:], "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        data.decode("utf-8")
        return data, encoding
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252").encode("utf-8"), "windows-1252"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        _refuse(table, path, "file encoding", f"{path.name} line {line} decodes as neither UTF-8 nor "
                "Windows-1252; re-export the file as UTF-8 CSV.", line)
    raise AssertionError("unreachable")


def _check_line_lengths(data: bytes, table: Table, path: Path) -> None:
    if len(data) <= MAX_LINE_BYTES:
        return
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))
    starts = np.concatenate(([0], ends + 1))
    lengths = np.diff(np.concatenate((starts, [len(data) + 1]))) - 1
    too_long = np.flatnonzero(lengths > MAX_LINE_BYTES)
    if too_long.size:
        number = int(too_long[0]) + 1
        _refuse(table, path, "line length", f"{path.name} line {number} is longer than 1 MiB; "
                "the file is probably not a CSV export of this feed.", number)


def _header(data: bytes, table: Table, path: Path) -> list[str]:
    first = data.split(b"\n", 1)[0].decode("utf-8")
    header = next(csv.reader([first]), [])
    if not any(h.strip() for h in header):
        _refuse(table, path, "file has a header row", f"{path.name} has no header row on line 1.")
    return header


def _is_blank_line(row: list[str]) -> bool:
    return not row or (len(row) == 1 and not row[0].strip())


def _first_wrong_row(data: bytes, width: int) -> tuple[int, int]:
    """Line number and field count of the first row whose width is wrong (error path only)."""
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    for row in reader:
        if not _is_blank_line(row) and len(row) != width:
            return reader.line_num, len(row)
    return reader.line_num, width


def _line_numbers(data: bytes, rows: int) -> pd.Index:
    """The file line each record starts on (the header is line 1).

    Simple counting unless the file has blank lines or quotes (a quoted value may span
    lines); then the lines are counted with the csv module, as a person would.
    """
    simple = pd.RangeIndex(FIRST_DATA_LINE, FIRST_DATA_LINE + rows)
    if b'"' not in data and b"\n\n" not in data and b"\n\r\n" not in data and b"\n \n" not in data:
        return simple
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    starts, previous = [], 0
    for row in reader:
        if previous and not _is_blank_line(row):
            starts.append(previous + 1)
        previous = reader.line_num
    return pd.Index(starts) if len(starts) == rows else simple


def _read_rows(data: bytes, names: list[str], table: Table, path: Path) -> pd.DataFrame:
    """Every data row as text (pyarrow's CSV reader), refusing rows with the wrong field count."""
    wrong: list[tuple[int | None, int]] = []

    def note(row) -> str:
        if row.text.strip():  # a whitespace-only line is skipped like a blank one
            wrong.append((row.number, row.actual_columns))
        return "skip"

    arrow = pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24),
        parse_options=pacsv.ParseOptions(invalid_row_handler=note, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                             strings_can_be_null=False, quoted_strings_can_be_null=False),
    )
    if wrong:
        line, fields = _first_wrong_row(data, len(names))
        _refuse(table, path, "row has every field",
                f"{path.name} line {line} has {fields} fields where the header has {len(names)} "
                "(a truncated or broken line); nothing from this delivery was loaded.", line)
    if arrow.num_rows == 0:
        _refuse(table, path, "file has rows", f"{path.name} has a header but no data rows; "
                "a delivery must hold the extract's records.")
    return arrow.to_pandas()


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
    data, encoding = decode_bytes(path.read_bytes(), table, path)
    _check_line_lengths(data, table, path)
    names = _normalise_header(_header(data, table, path), table, path)
    frame = _read_rows(data, names, table, path)
    frame.index = _line_numbers(data, len(frame))
    del data
    frame = frame.apply(_blank_to_missing)
    frame = frame[frame.notna().any(axis=1)]  # rows of empty cells, as spreadsheets save them
    if frame.empty:
        _refuse(table, path, "file has rows", f"{path.name} has a header but no data rows; "
                "a delivery must hold the extract's records.")
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
