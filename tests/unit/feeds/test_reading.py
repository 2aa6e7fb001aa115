"""Reading a delivered CSV file a chunk of rows at a time (``pipeline.feeds.reading``).

A national census term (8 million rows) is checked whole in one pass of blocks and then
typed a chunk of rows at a time.  Whatever the chunk and block sizes, the staged frame
(values, dtypes, index = file line numbers) and the findings (rule, line) must be what
reading the file whole gives: each test reads the same small file with chunks and blocks
of a few rows or bytes and with the defaults, and compares.
"""
from __future__ import annotations

import codecs
from pathlib import Path

import pandas as pd
import pytest

import pipeline.feeds.reading as reading
from pipeline.feeds.contracts import CENSUS
from pipeline.feeds.identifiers import upn_check_letter
from pipeline.feeds.reading import MAX_LINE_BYTES, UnreadableFile, open_table_file, read_table_file
from pipeline.feeds.stage import concat_chunks
from pipeline.feeds.stage.school_census import stage_census

KEY = b"test-key"
HEADER = ("upn,laestab,urn,census_date,date_of_birth,sex,nc_year_actual,enrol_status,sen_provision,"
          "primary_sen_type,secondary_sen_type,sessions_possible,sessions_authorised_absence,"
          "sessions_unauthorised_absence")
NAME = "census_2026_SPR.csv"


def _upn(n: int) -> str:
    body = f"8902000{n:05d}"
    return upn_check_letter(body) + body


def _row(n: int, dob: str = "2015-03-01", sex: str = "F", possible: str = "300") -> str:
    return f"{_upn(n)},8902000,100001,2026-01-15,{dob},{sex},5,C,N,,,{possible},10,2"


ROWS = [_row(n, dob="" if n < 4 else f"2015-0{1 + n % 9}-01", sex="m" if n % 3 else "F") for n in range(1, 21)]


def write(tmp_path: Path, lines: list[str], *, ending: str = "\n", encoding: str = "utf-8", bom: bool = False,
          name: str = NAME) -> Path:
    """The lines as a file, each ended by ``ending`` (``""``: joined by new lines, the last not ended)."""
    path = tmp_path / name
    data = (ending.join(lines) + ending if ending else "\n".join(lines)).encode(encoding)
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + data)
    return path


# Chunks of one, two and three rows, blocks of a few bytes for the whole-file checks, 4 KiB
# Arrow blocks, against the defaults (one chunk, 16 MiB blocks).
SIZES = [(1, 64, 4096), (2, 100, 4096), (3, 7, 1 << 21)]
LONG = (4, 4096, 1 << 21)  # for a line of 1 MiB: 4 KiB blocks, and Arrow's must hold a record


@pytest.fixture
def sizes(monkeypatch):
    def use(chunk_rows: int, block_bytes: int, parse_bytes: int) -> None:
        monkeypatch.setattr(reading, "CHUNK_ROWS", chunk_rows)
        monkeypatch.setattr(reading, "BLOCK_BYTES", block_bytes)
        monkeypatch.setattr(reading, "PARSE_BYTES", parse_bytes)
        monkeypatch.setattr(reading, "QUOTED_PARSE_BYTES", max(parse_bytes, 1 << 16))
    return use


def outcome(read, path: Path):
    """What reading or staging ``path`` gives: (frame, findings) or the refusal's finding."""
    try:
        return read(path)
    except UnreadableFile as exc:
        return exc.finding


def same(whole, chunked) -> None:
    if isinstance(whole, tuple):
        assert isinstance(chunked, tuple), chunked
        pd.testing.assert_frame_equal(whole[0], chunked[0], check_exact=True)
        assert type(whole[0].index) is type(chunked[0].index)
        assert whole[1] == chunked[1]
    else:
        assert whole == chunked


def read(path: Path):
    result = read_table_file(path, CENSUS)
    return result.frame, result.findings


def stage(path: Path):
    return stage_census(path, KEY)


# --------------------------------------------------------------------------- files that are read
def _quoted(lines: list[str]) -> list[str]:
    lines = list(lines)
    lines[3] = lines[3].replace(",F,", ',"F\nX",').replace(",m,", ',"m\nX",')
    lines[7] = lines[7].replace(",8902000,", ',"8902000",', 1)
    return lines


READ = {
    "plain": lambda t: write(t, [HEADER, *ROWS]),
    "crlf": lambda t: write(t, [HEADER, *ROWS], ending="\r\n"),
    "bom": lambda t: write(t, [HEADER, *ROWS], bom=True),
    "windows-1252": lambda t: write(t, [HEADER, *ROWS[:4], ROWS[4].replace(",m,", ",é,"), *ROWS[5:]],
                                    encoding="cp1252"),
    "blank and whitespace lines": lambda t: write(t, [HEADER, *ROWS[:2], "", *ROWS[2:9], "   ", *ROWS[9:], "", ""]),
    "rows of empty cells": lambda t: write(t, [HEADER, ",,,,,,,,,,,,,", *ROWS[:6], ",,,,,,,,,,,,,", " , ,,,,,,,,,,,,",
                                               *ROWS[6:]]),
    "quoted values over lines": lambda t: write(t, [HEADER, *_quoted(ROWS)]),
    "no line end at the end": lambda t: write(t, [HEADER, *ROWS], ending=""),
    "extra and missing optional columns": lambda t: write(
        t, [HEADER.replace("urn,", "") + ",notes"] + [r.replace(",100001,", ",") + ",x" for r in ROWS]),
    "a line of exactly 1 MiB": lambda t: write(t, [HEADER, *ROWS[:2], ROWS[2] + "x" * (MAX_LINE_BYTES - len(ROWS[2])),
                                                   *ROWS[3:]]),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"chunk{s[0]}-block{s[1]}-parse{s[2]}")
@pytest.mark.parametrize("case", list(READ), ids=lambda c: c.replace(" ", "-"))
def test_chunks_read_and_stage_as_the_whole_file(case, size, tmp_path, sizes):
    path = READ[case](tmp_path)
    whole = outcome(read, path), outcome(stage, path)
    assert isinstance(whole[1], tuple), whole[1]
    sizes(*(LONG if "1 MiB" in case else size))
    same(whole[0], outcome(read, path))
    same(whole[1], outcome(stage, path))


def test_line_numbers_are_the_files_across_chunks(tmp_path, sizes):
    path = READ["blank and whitespace lines"](tmp_path)
    sizes(2, 16, 4096)
    frame, _ = stage(path)
    # header line 1; rows 1-2 on lines 2-3, a blank line 4, rows 3-9 on 5-11, whitespace line 12, then 13-23
    assert list(frame.index) == [2, 3, *range(5, 12), *range(13, 24)]
    path = READ["quoted values over lines"](tmp_path)
    frame, _ = stage(path)
    assert list(frame.index) == [2, 3, 4, 5, *range(7, 23)]  # the fourth record spans lines 5 and 6
    path = READ["rows of empty cells"](tmp_path)
    frame, _ = stage(path)
    assert list(frame.index) == [*range(3, 9), *range(11, 25)]


def test_a_census_term_is_staged_in_chunks(tmp_path, sizes, monkeypatch):
    path = READ["plain"](tmp_path)
    seen = []
    real = reading.TableFile.chunks

    def chunks(self):
        for chunk in real(self):
            seen.append(len(chunk))
            yield chunk

    monkeypatch.setattr(reading.TableFile, "chunks", chunks)
    sizes(3, 64, 4096)
    frame, findings = stage(path)
    assert len(seen) > 1 and max(seen) <= 3 and sum(seen) == len(ROWS) == len(frame)
    assert findings == []
    assert frame["census_file"].eq("census_2026_SPR").all() and frame["absence__ok"].all()


def test_the_file_is_opened_without_reading_its_rows(tmp_path):
    source = open_table_file(READ["bom"](tmp_path), CENSUS)
    assert source.encoding == "utf-8-sig" and source.names == HEADER.split(",") and source.rows == 0


# --------------------------------------------------------------------------- files that are refused
def _wrong_row(lines: list[str], at: int) -> list[str]:
    lines = list(lines)
    lines[at] = lines[at] + ",9"
    return lines


REFUSED = {
    # name: (lines or bytes, rule, line)
    "empty": (b"", "file has a header row", None),
    "whitespace only": (b" \n\r\n  \n", "file has a header row", None),
    "binary data": ("\n".join([HEADER, *ROWS[:5]]).encode() + b"\n\x00\x01", "file is text", 7),
    "neither UTF-8 nor Windows-1252": ("\n".join([HEADER, *ROWS[:9]]).encode() + b"\nabc,\x81\x8d\n",
                                       "file encoding", 11),
    "a line over 1 MiB": ([HEADER, *ROWS[:12], ROWS[12] + "x" * MAX_LINE_BYTES, *ROWS[13:]], "line length", 14),
    "no header": ([""] + ROWS, "file has a header row", None),
    "a column twice": ([HEADER.replace("urn,", "laestab,")] + ROWS, "column names are unique", None),
    "header only": ([HEADER], "file has rows", None),
    "only rows of empty cells": ([HEADER] + [",,,,,,,,,,,,,"] * 7, "file has rows", None),
    "a wrong row early": (_wrong_row([HEADER, *ROWS], 2), "row has every field", 3),
    "a wrong row late": (_wrong_row([HEADER, *ROWS], 19), "row has every field", 20),
    "a truncated last line": ([HEADER, *ROWS[:-1], ROWS[-1][:20]], "row has every field", 21),
    "a wrong row after quoted lines": (_wrong_row([HEADER, *_quoted(ROWS)], 15), "row has every field", 17),
    "a required column missing": ([HEADER.replace(",enrol_status", "")] + [r.replace(",C,", ",") for r in ROWS],
                                  "required column present", None),
    "a required column missing and a wrong row": (
        _wrong_row([HEADER.replace(",enrol_status", "")] + [r.replace(",C,", ",") for r in ROWS], 9),
        "row has every field", 10),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"chunk{s[0]}-block{s[1]}-parse{s[2]}")
@pytest.mark.parametrize("case", list(REFUSED), ids=lambda c: c.replace(" ", "-"))
def test_refusals_name_the_same_line_whatever_the_chunks(case, size, tmp_path, sizes):
    content, rule, line = REFUSED[case]
    path = tmp_path / NAME
    path.write_bytes(content if isinstance(content, bytes) else ("\n".join(content) + "\n").encode())
    whole = outcome(stage, path)
    assert not isinstance(whole, tuple), f"{case} was not refused"
    assert whole.rule == rule and whole.severity == "blocking" and whole.file == NAME
    assert whole.sample_rows == ([line] if line else [])
    sizes(*(LONG if "1 MiB" in case else size))
    assert outcome(stage, path) == whole
    assert outcome(read, path) == whole


def test_a_line_over_1_mib_across_check_blocks(tmp_path, sizes):
    long = ROWS[4] + "x" * MAX_LINE_BYTES
    path = write(tmp_path, [HEADER, *ROWS[:4], long, *ROWS[5:]])
    sizes(2, 1000, 4096)  # the long line spans a thousand blocks
    assert outcome(stage, path).sample_rows == [6]
    path = write(tmp_path, [HEADER, *ROWS[:4], long[:MAX_LINE_BYTES], *ROWS[5:]])
    sizes(2, 1000, 1 << 21)
    assert isinstance(outcome(stage, path), tuple)  # exactly 1 MiB is allowed


@pytest.mark.parametrize("block", [1, 2, 3, 5, 64])
def test_a_blank_line_on_a_block_seam_is_seen(block, tmp_path, sizes):
    path = write(tmp_path, [HEADER, *ROWS[:3], "", *ROWS[3:]], ending="\r\n")
    sizes(4, block, 4096)
    frame, _ = stage(path)
    assert list(frame.index) == [2, 3, 4, *range(6, 23)]


# --------------------------------------------------------------------------- putting chunks together
def test_chunks_put_together_take_the_dtype_of_those_holding_values():
    parts = [pd.DataFrame({"a": pd.Series([None, None], dtype=object), "b": [1, 2]}),
             pd.DataFrame({"a": pd.Series(["x", None], dtype="str"), "b": [3, 4]})]
    frame = concat_chunks(parts)
    assert parts == []  # let go as they were joined
    assert frame["a"].dtype == "str" and frame["a"].isna().tolist() == [True, True, False, True]
    assert frame["b"].tolist() == [1, 2, 3, 4] and list(frame.index) == [0, 1, 2, 3]
