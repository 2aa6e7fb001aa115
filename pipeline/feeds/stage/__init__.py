"""Stage a delivery: type every column, flag what cannot be typed, pseudonymise.

``stage_frame`` does what every feed shares, column by column, from the spec in
``pipeline.feeds.contracts``.  One module a feed (``council_send``, ``school_census``,
``therapies``, ``nccis``, ``workforce``, ``programme``, ``reference``) adds that feed's
cross-row checks and derived columns.

A staged frame holds the warehouse columns plus boolean ``<rule>__ok`` columns that the
Great Expectations suites check.  It never holds a name, postcode, UPN, ULN or NHS
number: identifiers are checked (``upn__ok``) and then replaced by keyed hashes here.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd

from pipeline.feeds import parsing
from pipeline.feeds.contracts import (BIRTH, CODE, DATE, DROP, FLAG, FLOAT, ID, INT, NHS, PLANNED_DATE, TIMESTAMP, ULN,
                                      UPN, Table)
from pipeline.feeds.identifiers import valid_nhs_numbers, valid_upns
from pipeline.feeds.pseudonymise import pseudonymise_series

_PARSERS = {
    DATE: parsing.parse_dates, PLANNED_DATE: parsing.parse_dates, TIMESTAMP: parsing.parse_timestamps,
    INT: parsing.parse_integers, FLOAT: parsing.parse_floats, FLAG: parsing.parse_flags,
}
_CHECKS = {UPN: valid_upns, NHS: valid_nhs_numbers}


_CHUNK = 500_000  # identifiers are checked and hashed in slices to bound memory


def _identifier_chunk(cleaned: pd.Series, kind: str, key: bytes) -> tuple[pd.Series, np.ndarray]:
    lengths = cleaned.str.len().fillna(0).astype("int64").to_numpy()
    missing = cleaned.isna().to_numpy()
    check = _CHECKS.get(kind)
    if check:
        ok = missing | check(cleaned.to_numpy(dtype=object, na_value=None), lengths)
    else:
        ok = missing | ((lengths >= 1) & (lengths <= 20))
    return pseudonymise_series(cleaned, key, kind), ok


def _identifier(values: pd.Series, kind: str, key: bytes) -> tuple[pd.Series, pd.Series]:
    cleaned = values.str.upper().str.replace(" ", "", regex=False)
    parts = [_identifier_chunk(cleaned.iloc[i:i + _CHUNK], kind, key) for i in range(0, len(cleaned), _CHUNK)]
    if not parts:
        return pseudonymise_series(cleaned, key, kind), pd.Series(True, index=values.index)
    hashed = pd.concat([p[0] for p in parts])
    return hashed, pd.Series(np.concatenate([p[1] for p in parts]), index=values.index)


@parsing.by_distinct
def _birth_dates(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    dates, ok = parsing.parse_dates(values)
    return dates, parsing.year_month(dates), ok


def _birth(values: pd.Series, as_at: date | None) -> tuple[pd.Series, pd.Series]:
    dates, months, ok = _birth_dates(values)
    if as_at is not None:
        ok &= ~(dates > pd.Timestamp(as_at))
    return months, ok


def stage_frame(text: pd.DataFrame, table: Table, key: bytes, as_at: date | None) -> pd.DataFrame:
    """Type and pseudonymise one file's text frame (index = file line numbers).

    Parameters
    ----------
    text : the frame from ``pipeline.feeds.reading.read_table_file``.
    table : the spec of the staged table.
    key : the pseudonymisation secret.
    as_at : the extract date; a date of birth after it is not ok.
    """
    staged = pd.DataFrame(index=text.index)
    for column in table.columns:
        if column.kind == DROP:
            continue
        name, values = column.name, text[column.name]
        target = table.staged_name(name)
        if column.kind in (UPN, ULN, NHS):
            staged[target], staged[f"{name}__ok"] = _identifier(values, column.kind, key)
        elif column.kind == BIRTH:
            staged[target], staged[f"{name}__ok"] = _birth(values, as_at)
        elif column.kind == ID:
            staged[target] = parsing.parse_ids(values)
        elif column.kind in _PARSERS:
            staged[target], staged[f"{name}__ok"] = _PARSERS[column.kind](values)
        elif column.kind == CODE:
            staged[target] = parsing.normalise_codes(values)
        else:
            staged[target] = values
    return staged


def ok_columns(frame: pd.DataFrame) -> list[str]:
    """The rule flags of a staged frame."""
    return [c for c in frame.columns if c.endswith("__ok")]


def warehouse_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The staged frame without its rule flags, ready to load."""
    return frame.drop(columns=ok_columns(frame))


def concat_chunks(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Staged chunks of one file as one frame (the index is set by the caller); empties ``parts``.

    A column is joined and its chunks let go before the next, so the frame is never held
    twice; text columns are joined without copying (Arrow chunks).  A column typed the same
    way has the same dtype in every chunk; should a chunk whose values are all missing have
    typed to another, it takes the dtype of the first chunk holding a value, as typing the
    file whole would have given.
    """
    if len(parts) == 1:
        return parts.pop()
    names = list(parts[0].columns)
    columns = [dict(part.items()) for part in parts]
    parts.clear()
    joined = {}
    for name in names:
        pieces = [chunk.pop(name) for chunk in columns]
        if len({str(p.dtype) for p in pieces}) > 1:
            dtype = next((p.dtype for p in pieces if p.notna().any()), pieces[0].dtype)
            pieces = [p.astype(dtype) for p in pieces]
        joined[name] = pd.concat(pieces, ignore_index=True)
        del pieces
    return pd.DataFrame(joined, copy=False)


def stage_file(path, table: Table, key: bytes, as_at: date | None,
               finish_chunk: Callable[[pd.DataFrame], pd.DataFrame] | None = None) -> tuple[pd.DataFrame, list]:
    """Read and stage one file a chunk of rows at a time; raises ``UnreadableFile`` when it cannot be read.

    ``finish_chunk``, when given, adds a feed's row-by-row checks and columns to each
    staged chunk.  Only the staged chunks are kept, so a national census term (8 million
    rows) never has its text in memory whole.
    """
    from pipeline.feeds.reading import open_table_file

    source = open_table_file(path, table)
    parts = []
    for text in source.chunks():
        staged = stage_frame(text, table, key, as_at)
        parts.append(finish_chunk(staged) if finish_chunk else staged)
        del text, staged
    index = source.finish()
    frame = concat_chunks(parts)
    frame.index = index
    return frame, source.findings
