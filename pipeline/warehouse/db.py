"""The warehouse: engines, schema, fast replacement of rows, and the SQL models.

One module for every database concern, so nothing else in ``pipeline/`` knows whether the
warehouse is a DuckDB file (the default) or PostgreSQL (production):

- :func:`get_engine` and :func:`ensure_schema` open the warehouse and create its tables
  from ``sql/schema/*.sql``;
- :func:`replace_rows` and :func:`replace_delivery` delete the rows of one delivery (or one
  period) and insert a DataFrame in their place inside one transaction, using each engine's
  bulk path (a registered DataFrame on DuckDB, ``COPY ... FROM STDIN`` on PostgreSQL);
- :func:`list_models` and :func:`materialise_models` run the SQL models of ``sql/staging``,
  ``sql/intermediate`` and ``sql/kpi`` as temporary views (staging) and tables (the
  others), in dependency order.
"""
from __future__ import annotations

import io
import logging
import re
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

log = logging.getLogger(__name__)

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
MODEL_LAYERS = ("staging", "intermediate", "kpi")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_MODEL_REFERENCE = re.compile(r"\b((?:stg|int|kpi)_[a-z0-9_]+)\b")
_INTEGER_TYPES = {"smallint", "integer", "bigint", "int", "int2", "int4", "int8", "hugeint", "tinyint"}
_COPY_CHUNK_ROWS = 200_000
# The published statistics' tables and the table recording what pipeline.warehouse.published last
# loaded into them: replacing their rows here (anyone but load_published) forgets that record.
PUBLISHED_TABLES = ("ref_published_measures", "ref_geography", "ref_statistical_neighbours",
                    "ref_community_health_waits")
PUBLISHED_STAMP = "meta_published"


class WarehouseError(RuntimeError):
    """A warehouse operation could not be done; the message says what to fix."""


# --------------------------------------------------------------------------- engines


def get_engine(url: str) -> sa.Engine:
    """Open the warehouse at ``url``.

    Parameters
    ----------
    url
        ``duckdb:///path/to/warehouse.duckdb`` (the default) or
        ``postgresql+psycopg://user@host/db`` (production).

    Returns
    -------
    sqlalchemy.Engine
        An engine; connections are pinged before use.  A DuckDB file's folder is
        created when missing.
    """
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "duckdb" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    return sa.create_engine(url, pool_pre_ping=True)


def is_duckdb(bind: sa.Engine | sa.Connection) -> bool:
    """True when ``bind`` talks to DuckDB (False means PostgreSQL)."""
    return bind.dialect.name == "duckdb"


def lock(conn: sa.Connection, *parts: str) -> None:
    """Serialise work on one thing (a month's measures, a feed's delivery) until ``conn``'s transaction ends.

    On PostgreSQL a transaction-level advisory lock on the joined ``parts``: a second run of
    the same month or delivery waits, then replaces the same rows, so two runs at once leave
    exactly the rows of one. DuckDB has one writer process at a time already (the pool of
    one slot, and its file lock), so nothing is needed there.
    """
    if conn.dialect.name == "postgresql":  # keyed by the area's schema too, so areas never wait for each other
        conn.execute(sa.text("select pg_advisory_xact_lock(hashtextextended("
                             "current_setting('search_path') || '|' || :key, 0))"), {"key": ":".join(parts)})


def ensure_schema(engine: sa.Engine) -> list[str]:
    """Create every table of ``sql/schema/*.sql`` that does not exist yet (idempotent).

    Returns
    -------
    list of str
        The schema files run, in order.
    """
    files = sorted((SQL_DIR / "schema").glob("*.sql"))
    with engine.begin() as conn:
        lock(conn, "schema")  # two runs starting together on an empty database
        if not is_duckdb(conn):  # an area's schema (pipeline.areas), named first on the connection's search_path
            first = conn.exec_driver_sql("select current_setting('search_path')").scalar().split(",")[0].strip()
            if first.startswith("area_"):
                conn.exec_driver_sql(f"create schema if not exists {_check_identifier(first)}")
        for path in files:
            conn.exec_driver_sql(read_statement(path))
    return [path.name for path in files]


_SCHEMA_READY: weakref.WeakSet[sa.Engine] = weakref.WeakSet()


def schema_ready(engine: sa.Engine) -> None:
    """:func:`ensure_schema`, once an engine: a process that builds a month asks again and again."""
    if engine not in _SCHEMA_READY:
        ensure_schema(engine)
        _SCHEMA_READY.add(engine)


def read_statement(path: Path) -> str:
    """The one SQL statement in ``path``, without its trailing semicolon."""
    text = path.read_text(encoding="utf-8").strip()
    text = text[:-1].rstrip() if text.endswith(";") else text
    body = "\n".join(line.split("--", 1)[0] for line in text.splitlines())
    if ";" in body:
        raise WarehouseError(f"{path} holds more than one statement: keep one statement a file.")
    return text


def read_sql_frame(
    engine: sa.Engine | sa.Connection, sql: str, params: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Run a query (``:name`` bind parameters) on an engine or connection; rows as a DataFrame."""
    if isinstance(engine, sa.Engine):
        with engine.connect() as conn:
            return read_sql_frame(conn, sql, params)
    result = engine.execute(sa.text(sql), dict(params or {}))
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


# --------------------------------------------------------------------------- replacing rows


def replace_rows(
    engine_or_conn: sa.Engine | sa.Connection,
    table: str,
    frame: pd.DataFrame,
    where: Mapping[str, object],
    *,
    columns: Mapping[str, str] | None = None,
) -> int:
    """Delete the rows of ``table`` matching ``where`` and insert ``frame``, atomically.

    Parameters
    ----------
    engine_or_conn
        An engine (a transaction is opened and committed here) or a connection (the
        caller's transaction is used).
    table
        A table created by :func:`ensure_schema`.
    frame
        The new rows. Columns are matched to the table's by name; table columns missing
        from the frame are filled from ``where`` (e.g. ``extract_date``) or left NULL.
    where
        Column → value of the rows to replace (``None`` matches NULL); empty replaces the
        whole table.
    columns
        The table's columns as :func:`table_columns` gives them, when the caller has just
        looked them up (saves asking the database again).

    Returns
    -------
    int
        The number of rows inserted.
    """
    if isinstance(engine_or_conn, sa.Engine):
        with engine_or_conn.begin() as conn:
            return replace_rows(conn, table, frame, where, columns=columns)
    bind = engine_or_conn
    columns = table_columns(bind, table) if columns is None else columns
    frame = _conform_frame(table, frame, where, columns)
    if table in PUBLISHED_TABLES:
        _forget_published(bind)
    _delete_where(bind, table, where)
    if frame.empty:
        return 0
    try:
        if is_duckdb(bind):
            _insert_duckdb(bind, table, frame, columns)
        else:
            _insert_postgres(bind, table, frame)
    except Exception as exc:  # the driver's own error: say which table and why
        raise WarehouseError(f"Could not load {len(frame)} rows into {table}: {exc}") from exc
    return len(frame)


def replace_delivery(
    engine: sa.Engine | sa.Connection,
    frames: Mapping[str, pd.DataFrame],
    where: Mapping[str, object],
) -> dict[str, int]:
    """Replace several tables' rows matching ``where`` in ONE transaction.

    A ``council_send`` snapshot is nine tables that must change together: either every
    table holds the new delivery or (on any error) every table keeps the old one.

    Returns
    -------
    dict
        Table → rows inserted.
    """
    if isinstance(engine, sa.Engine):
        with engine.begin() as conn:
            return replace_delivery(conn, frames, where)
    return {table: replace_rows(engine, table, frame, where) for table, frame in frames.items()}


def _check_identifier(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise WarehouseError(f"{name!r} is not a plain lowercase identifier; use letters, digits and _.")
    return name


def table_columns(engine_or_conn: sa.Engine | sa.Connection, table: str) -> dict[str, str]:
    """The columns of a warehouse table: name → lowercase data type, in the table's order.

    Raises
    ------
    WarehouseError
        When the table does not exist (run :func:`ensure_schema` first).
    """
    if isinstance(engine_or_conn, sa.Engine):
        with engine_or_conn.connect() as conn:
            return table_columns(conn, table)
    _check_identifier(table)
    rows = engine_or_conn.execute(
        sa.text(
            "select column_name, data_type from information_schema.columns "
            "where table_name = :t and table_schema = current_schema() order by ordinal_position"
        ),
        {"t": table},
    ).fetchall()
    if not rows:
        raise WarehouseError(f"Table {table} does not exist: run ensure_schema(engine) first.")
    return {str(name).lower(): str(kind).lower() for name, kind in rows}


def _conform_frame(
    table: str, frame: pd.DataFrame, where: Mapping[str, object], columns: Mapping[str, str]
) -> pd.DataFrame:
    """The frame with the table's column names, the ``where`` columns filled, integers fixed."""
    renamed = frame.rename(columns={c: str(c).strip().lower() for c in frame.columns})
    unknown = [c for c in renamed.columns if c not in columns]
    if unknown:
        raise WarehouseError(f"Columns {unknown} are not in table {table}; its columns are {list(columns)}.")
    for column in where:
        if column not in columns:
            raise WarehouseError(f"Cannot replace rows of {table} by {column!r}: no such column.")
    out = renamed.copy()
    for column, value in where.items():
        if column not in out.columns:
            out[column] = value  # broadcast: one value for every row
    for column in out.columns:
        if _base_type(columns[column]) in _INTEGER_TYPES and pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].round().astype("Int64")
    return out


def _forget_published(conn: sa.Connection) -> None:
    """Forget what the published statistics' tables were loaded from (they are being changed)."""
    exists = conn.execute(sa.text("select count(*) from information_schema.tables where table_name = :t "
                                  "and table_schema = current_schema()"), {"t": PUBLISHED_STAMP}).scalar()
    if exists:
        conn.exec_driver_sql(f"delete from {PUBLISHED_STAMP}")


def _base_type(data_type: str) -> str:
    return data_type.split("(")[0].strip()


def _delete_where(conn: sa.Connection, table: str, where: Mapping[str, object]) -> None:
    clauses, params = [], {}
    for i, (column, value) in enumerate(where.items()):
        _check_identifier(column)
        if value is None:
            clauses.append(f"{column} is null")
        else:
            clauses.append(f"{column} = :w{i}")
            params[f"w{i}"] = value
    condition = " and ".join(clauses) if clauses else "true"
    conn.execute(sa.text(f"delete from {table} where {condition}"), params)


def _insert_duckdb(conn: sa.Connection, table: str, frame: pd.DataFrame, columns: Mapping[str, str]) -> None:
    """Bulk insert by scanning the DataFrame from DuckDB (no per-row round trips)."""
    raw = conn.connection.driver_connection
    view = f"_replace_{table}"
    names = list(frame.columns)
    select = ", ".join(f'cast("{c}" as {columns[c]}) as {c}' for c in names)
    raw.register(view, frame)
    try:
        raw.execute(f"insert into {table} ({', '.join(names)}) select {select} from {view}")
    except Exception:
        try:  # the transaction is aborted: unregistering may fail too, keep the first error
            raw.unregister(view)
        except Exception:  # noqa: BLE001
            log.debug("could not unregister %s after a failed insert", view)
        raise
    raw.unregister(view)


def _insert_postgres(conn: sa.Connection, table: str, frame: pd.DataFrame) -> None:
    """Bulk insert with psycopg 3 ``COPY ... FROM STDIN`` (CSV, written in chunks).

    pandas writes dates and timestamps in ISO form and booleans as True/False, which
    PostgreSQL reads back exactly; a blank unquoted field is NULL (so an empty string
    arrives as NULL, as blanks do everywhere in the warehouse).
    """
    raw = conn.connection.driver_connection
    names = list(frame.columns)
    statement = f"copy {table} ({', '.join(names)}) from stdin with (format csv, null '')"
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for start in range(0, len(frame), _COPY_CHUNK_ROWS):
            chunk = frame.iloc[start : start + _COPY_CHUNK_ROWS]
            buffer = io.StringIO()
            chunk.to_csv(buffer, index=False, header=False, na_rep="", lineterminator="\n")
            copy.write(buffer.getvalue())


# --------------------------------------------------------------------------- SQL models


@dataclass(frozen=True)
class Model:
    """One SQL model file: its name (the temporary view or table it becomes), layer and path."""

    name: str
    layer: str
    path: Path

    @property
    def kind(self) -> str:
        """``view`` for staging models, ``table`` for the others."""
        return "view" if self.layer == "staging" else "table"

    @property
    def sql(self) -> str:
        """The model's single SELECT statement."""
        return read_statement(self.path)

    def references(self, known: Iterable[str]) -> set[str]:
        """The other models this one selects from."""
        names = set(_MODEL_REFERENCE.findall(_strip_comments(self.sql)))
        return (names & set(known)) - {self.name}


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def list_models(sql_dir: Path = SQL_DIR) -> list[Model]:
    """Every model, staging then intermediate then kpi, each after the models it reads."""
    models = [
        Model(path.stem, layer, path)
        for layer in MODEL_LAYERS
        for path in sorted((sql_dir / layer).glob("*.sql"))
    ]
    return _sort_by_dependency(models)


def _sort_by_dependency(models: list[Model]) -> list[Model]:
    by_name = {m.name: m for m in models}
    pending = {m.name: m.references(by_name) for m in models}
    ordered: list[Model] = []
    while pending:
        ready = [m.name for m in models if m.name in pending and not pending[m.name]]
        if not ready:
            raise WarehouseError(f"SQL models depend on each other in a cycle: {sorted(pending)}.")
        name = ready[0]
        ordered.append(by_name[name])
        del pending[name]
        for deps in pending.values():
            deps.discard(name)
    return ordered


def model_closure(models: list[Model], targets: Iterable[str]) -> list[Model]:
    """The ``targets`` and every model they read, in run order."""
    by_name = {m.name: m for m in models}
    wanted: set[str] = set()
    stack = list(targets)
    while stack:
        name = stack.pop()
        if name in wanted:
            continue
        if name not in by_name:
            raise WarehouseError(f"No SQL model called {name}.")
        wanted.add(name)
        stack.extend(by_name[name].references(by_name))
    return [m for m in models if m.name in wanted]


def materialise_models(conn: sa.Connection, models: list[Model]) -> None:
    """Create each model, in order, on ``conn``'s transaction.

    Staging models (renames and the choice of snapshot) become temporary views, so that a
    national-size census is not copied before it is summed; intermediate and kpi models
    become temporary tables. :func:`drop_models` removes them.
    """
    for model in models:
        drop_models(conn, [model])
        sql = model.sql if is_duckdb(conn) else model.sql.replace("%", "%%")  # psycopg placeholders
        conn.exec_driver_sql(f"create temporary {model.kind} {model.name} as\n{sql}")
        if model.kind == "table" and not is_duckdb(conn):
            conn.exec_driver_sql(f"analyze {model.name}")
        log.debug("materialised %s as a temporary %s", model.name, model.kind)


def drop_models(conn: sa.Connection, models: Iterable[Model]) -> None:
    """Drop the temporary views and tables of ``models`` (dependants first)."""
    for model in models:
        conn.exec_driver_sql(f"drop {model.kind} if exists {_check_identifier(model.name)}")


def drop_temporary(conn: sa.Connection, names: Iterable[str]) -> None:
    """Drop temporary tables (such as ``run_params``) left on a pooled connection."""
    for name in names:
        conn.exec_driver_sql(f"drop table if exists {_check_identifier(name)}")
