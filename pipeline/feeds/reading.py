"""Read one delivered CSV file into text columns, refusing what cannot be read safely.

Accepts UTF-8 with or without BOM and Windows-1252; one header row; comma-delimited.
A file that cannot be decoded, has a line over 1 MiB, or a row with the wrong number of
fields is refused with a finding naming the file and line.  Column names are matched
case-insensitively after trimming; older layouts' names are mapped by alias.

The file is never held in memory whole: ``open_table_file`` checks it in one pass of
16 MiB blocks, then Arrow parses it in 2 MiB blocks and its rows are handed out a chunk at
a time (``TableFile.chunks``), so staging types a national census term (8 million rows) a
million rows at a time.
``read_table_file`` is the same reading with the chunks put together.
"""
from __future__ import annotations

import codecs
import csv
import io
import logging
from array import array
from collections.abc import Iterator
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
BLOCK_BYTES = 1 << 24  # the file is checked 16 MiB at a time ...
PARSE_BYTES = 1 << 21  # ... and parsed 2 MiB at a time (Arrow reads a few blocks ahead): a record
QUOTED_PARSE_BYTES = 1 << 24  # is one line (at most 1 MiB), or with quotes may span lines, as before
CHUNK_ROWS = 1 << 20  # rows handed out at a time (about 70 MiB of census text)
_BOM = codecs.BOM_UTF8
_WHITESPACE = b" \t\n\r\x0b\x0c"  # what bytes.strip() removes
_BLANK_LINES = (b"\n\n", b"\n\r\n", b"\n \n")  # with these or quotes, lines are counted with the csv module


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


# --------------------------------------------------------------------------- the checks of the whole file


class _Lines:
    """Fed the file's text block by block: notes the first line over ``MAX_LINE_BYTES`` and
    whether a blank line follows a line end (``\\n\\n``, ``\\n\\r\\n`` or ``\\n \\n``)."""

    def __init__(self) -> None:
        self.line = 1  # the line being read
        self.length = 0  # its bytes so far (without the line end)
        self.too_long: int | None = None
        self.blank = False
        self._tail = b""  # the last two bytes fed

    def feed(self, block: bytes) -> int:
        """Take the next block of text; returns its line ends."""
        if not block:
            return 0
        data = np.frombuffer(block, dtype=np.uint8)
        ends = np.flatnonzero(data == ord("\n"))
        if not self.blank:
            seam = self._tail + block[:2]
            gaps = np.diff(ends)
            between = data[ends[:-1][gaps == 2] + 1]
            self.blank = (any(p in seam for p in _BLANK_LINES) or bool((gaps == 1).any())
                          or bool(((between == ord("\r")) | (between == ord(" "))).any()))
            self._tail = block[-2:] if len(block) >= 2 else (self._tail + block)[-2:]
        if self.too_long is None:
            self._lengths(ends, len(block))
        return int(ends.size)

    def _lengths(self, ends: np.ndarray, size: int) -> None:
        if ends.size:
            lengths = np.diff(ends, prepend=-1) - 1
            lengths[0] += self.length
            over = np.flatnonzero(lengths > MAX_LINE_BYTES)
            if over.size:
                self.too_long = self.line + int(over[0])
                return
            self.line += int(ends.size)
            self.length = size - int(ends[-1]) - 1
        else:
            self.length += size
        if self.length > MAX_LINE_BYTES:
            self.too_long = self.line


@dataclass
class _Layout:
    """What the pass over the file found: how to decode it and where its text starts."""

    encoding: str  # utf-8, utf-8-sig or windows-1252 (as reported)
    codec: str  # the Python codec of the bytes after any BOM
    offset: int  # bytes of BOM skipped
    simple_lines: bool  # no quotes or blank lines: record n is on line n + 1


def _blocks(path: Path, offset: int = 0) -> Iterator[bytes]:
    with path.open("rb") as handle:
        handle.seek(offset)
        yield from iter(lambda: handle.read(BLOCK_BYTES), b"")


def _scan(path: Path, table: Table) -> _Layout:
    """The checks of the whole file, in one pass of blocks (a second one for Windows-1252).

    In the order a person would meet them: an empty file, binary data (a NUL byte), bytes
    valid in neither UTF-8 nor Windows-1252, a line over 1 MiB.  UTF-8 with or without BOM
    is read as it is; otherwise the whole file is read as Windows-1252.
    """
    printable = bom = quotes = False
    newlines = 0  # in the blocks before this one
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    lines = _Lines()  # of the UTF-8 text while it is that
    for number, block in enumerate(_blocks(path)):
        if number == 0 and block.startswith(_BOM):
            bom, text = True, block[len(_BOM):]
        else:
            text = block
        printable = printable or bool(block.translate(None, _WHITESPACE))
        nul = block.find(b"\x00")
        if nul >= 0:
            line = newlines + block.count(b"\n", 0, nul) + 1
            _refuse(table, path, "file is text", f"{path.name} holds binary data (a NUL byte on line {line}); "
                    "it is not a CSV export. Ask the sender to export it again.", line)
        quotes = quotes or b'"' in text
        if is_utf8 and not (text.isascii() and not utf8.getstate()[0]):  # ASCII is UTF-8
            try:
                utf8.decode(text)
            except UnicodeDecodeError:
                is_utf8 = False
        newlines += lines.feed(text)  # line ends and blank lines look the same in either encoding
    if not printable:
        _refuse(table, path, "file has a header row", f"{path.name} is empty: it has no header row and no data.")
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    offset, simple = (len(_BOM) if bom else 0), not (quotes or lines.blank)
    if is_utf8:
        layout = _Layout("utf-8-sig" if bom else "utf-8", "utf-8", offset, simple)
    else:  # line lengths count the UTF-8 bytes the text becomes
        layout, lines, newlines = _Layout("windows-1252", "cp1252", offset, simple), _Lines(), 0
        for block in _blocks(path, offset):
            try:
                newlines += lines.feed(block.decode("cp1252").encode("utf-8"))
            except UnicodeDecodeError as exc:
                line = newlines + block.count(b"\n", 0, exc.start) + 1
                _refuse(table, path, "file encoding", f"{path.name} line {line} decodes as neither UTF-8 nor "
                        "Windows-1252; re-export the file as UTF-8 CSV.", line)
    if lines.too_long is not None:
        number = lines.too_long
        _refuse(table, path, "line length", f"{path.name} line {number} is longer than 1 MiB; "
                "the file is probably not a CSV export of this feed.", number)
    return layout


def _text(path: Path, layout: _Layout) -> io.TextIOWrapper:
    """The file's text after any BOM, lines untranslated (as the csv module wants them)."""
    handle = path.open("rb")
    handle.seek(layout.offset)
    return io.TextIOWrapper(handle, encoding=layout.codec, newline="")


def _header(path: Path, layout: _Layout, table: Table) -> list[str]:
    with path.open("rb") as handle:
        handle.seek(layout.offset)
        first = handle.readline().split(b"\n", 1)[0].decode(layout.codec)
    header = next(csv.reader([first]), [])
    if not any(h.strip() for h in header):
        _refuse(table, path, "file has a header row", f"{path.name} has no header row on line 1.")
    return header


def _is_blank_line(row: list[str]) -> bool:
    return not row or (len(row) == 1 and not row[0].strip())


def _first_wrong_row(path: Path, layout: _Layout, width: int) -> tuple[int, int]:
    """Line number and field count of the first row whose width is wrong (error path only)."""
    with _text(path, layout) as text:
        reader = csv.reader(text)
        for row in reader:
            if not _is_blank_line(row) and len(row) != width:
                return reader.line_num, len(row)
        return reader.line_num, width


def _line_numbers(path: Path, layout: _Layout, rows: int) -> pd.Index:
    """The file line each record starts on (the header is line 1).

    Simple counting unless the file has blank lines or quotes (a quoted value may span
    lines); then the lines are counted with the csv module, as a person would.
    """
    simple = pd.RangeIndex(FIRST_DATA_LINE, FIRST_DATA_LINE + rows)
    if layout.simple_lines:
        return simple
    starts, previous = array("q"), 0
    with _text(path, layout) as text:
        reader = csv.reader(text)
        for row in reader:
            if previous and not _is_blank_line(row):
                starts.append(previous + 1)
            previous = reader.line_num
    return pd.Index(np.frombuffer(starts, dtype=np.int64).copy()) if len(starts) == rows else simple


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


# --------------------------------------------------------------------------- reading in chunks


class TableFile:
    """A delivered file of ``table``, checked whole and read a chunk of rows at a time.

    ``chunks()`` yields text frames (blanks as missing, rows of empty cells left out, the
    contract's columns in order) indexed by record number (0 = the first record);
    ``finish()`` then refuses what only the whole file shows (a row with the wrong number
    of fields, no rows, a required column missing) and returns the file line numbers of
    the rows yielded, in order.  ``findings`` holds the warnings (columns the contract
    does not use).  The rows are what ``read_table_file`` reads, whatever the chunk size.
    """

    def __init__(self, path: Path, table: Table, chunk_rows: int | None = None):
        if path.is_symlink():
            _refuse(table, path, "file is a regular file", f"{path.name} is a link; links are not read.")
        self.path, self.table, self.chunk_rows = path, table, chunk_rows or CHUNK_ROWS
        self.layout = _scan(path, table)
        self.encoding = self.layout.encoding
        self.names = _normalise_header(_header(path, self.layout, table), table, path)
        self.findings: list[Finding] = []
        present = set(self.names)
        self.missing = [c.name for c in table.columns if c.required and c.name not in present]
        self.rows = 0  # records parsed
        self._kept: list[np.ndarray] = []  # a chunk's rows that were not all empty
        self._wrong = False

    def chunks(self) -> Iterator[pd.DataFrame]:
        """The rows as text frames of ``chunk_rows`` records (the last fewer; none when refused)."""
        pending: list[pa.RecordBatch] = []
        count = 0
        for batch in self._batches():
            while batch.num_rows:
                take = min(batch.num_rows, self.chunk_rows - count)
                pending.append(batch.slice(0, take))
                batch, count = batch.slice(take), count + take
                if count == self.chunk_rows:
                    chunk = self._chunk(pending)
                    pending, count = [], 0
                    if chunk is not None:
                        yield chunk
        chunk = self._chunk(pending)
        if chunk is not None:
            yield chunk

    def _batches(self) -> Iterator[pa.RecordBatch]:
        names = self.names

        def note(row) -> str:
            if row.text.strip():  # a whitespace-only line is skipped like a blank one
                self._wrong = True
            return "skip"

        source = pa.input_stream(str(self.path))
        source.read(self.layout.offset)  # the BOM
        reader = pacsv.open_csv(
            source,
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1,
                                           block_size=PARSE_BYTES if self.layout.simple_lines else QUOTED_PARSE_BYTES,
                                           encoding="utf8" if self.layout.codec == "utf-8" else self.layout.codec),
            parse_options=pacsv.ParseOptions(invalid_row_handler=note, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
        try:
            yield from reader
        finally:
            reader.close()
            source.close()

    def _chunk(self, batches: list[pa.RecordBatch]) -> pd.DataFrame | None:
        rows = sum(b.num_rows for b in batches)
        if not rows:
            return None
        first, self.rows = self.rows, self.rows + rows
        if self._wrong:  # refused by finish(): read on, type nothing
            return None
        frame = pa.Table.from_batches(batches).to_pandas()
        del batches[:]
        frame.index = pd.RangeIndex(first, first + rows)
        frame = frame.apply(_blank_to_missing)
        kept = frame.notna().any(axis=1).to_numpy()
        self._kept.append(kept)
        frame = frame[kept]  # rows of empty cells, as spreadsheets save them
        if frame.empty or self.missing:  # nothing to type, or refused by finish()
            return None
        for col in self.table.columns:  # optional columns absent from this layout
            if col.name not in frame.columns:
                frame[col.name] = None
        return frame[[c.name for c in self.table.columns if c.kind != DROP]]

    def finish(self) -> pd.Index:
        """Refuse what only the whole file shows; the file line numbers of the rows yielded."""
        table, path = self.table, self.path
        if self._wrong:
            line, fields = _first_wrong_row(path, self.layout, len(self.names))
            _refuse(table, path, "row has every field",
                    f"{path.name} line {line} has {fields} fields where the header has {len(self.names)} "
                    "(a truncated or broken line); nothing from this delivery was loaded.", line)
        kept = np.concatenate(self._kept) if self._kept else np.zeros(0, dtype=bool)
        if not kept.any():  # no records, or only rows of empty cells
            _refuse(table, path, "file has rows", f"{path.name} has a header but no data rows; "
                    "a delivery must hold the extract's records.")
        if self.missing:
            _refuse(table, path, "required column present",
                    f"{path.name} has no column {', '.join(self.missing)}; the feed contract requires it "
                    "(names are matched ignoring case and spaces).", column=self.missing[0])
        extra = sorted(set(self.names) - {c.name for c in table.columns})
        if extra:
            self.findings.append(Finding(table.feed, path.name, ", ".join(extra), "extra columns", "warning", None,
                                         [], f"{path.name} has columns the contract does not use "
                                         f"({', '.join(extra)}); they are kept in the raw copy and ignored."))
        return _line_numbers(path, self.layout, self.rows)[kept]


def open_table_file(path: Path, table: Table, chunk_rows: int | None = None) -> TableFile:
    """Check ``path`` whole as ``table``'s file, ready to read in chunks; raises ``UnreadableFile``."""
    return TableFile(path, table, chunk_rows)


def read_table_file(path: Path, table: Table) -> ReadResult:
    """Read ``path`` as ``table``'s file: text columns, blanks as missing, index = line number."""
    source = open_table_file(path, table)
    parts = list(source.chunks())
    index = source.finish()
    frame = parts[0] if len(parts) == 1 else pd.concat(parts)
    frame.index = index
    return ReadResult(frame, source.encoding, source.findings)
