"""Build every measure of a period from the warehouse, and write them out.

``build_measures`` chooses the snapshot of each feed for the period (FEEDS.md), writes the
one-row ``run_params`` table, runs the SQL models (staging → intermediate → kpi) as
temporary views and tables, and replaces the period's rows of ``measures`` and
``measure_snapshots`` in one transaction. The definitions live in the SQL
(``sql/kpi/kpi_<measure>.sql``, one file a measure) and in MEASURES.md; this module only
orchestrates. ``select_audit_sample`` draws the annual audit's list of plans.
"""
from __future__ import annotations

import calendar
import csv
import hashlib
import logging
import math
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from pipeline.files import atomic_path
from pipeline.warehouse import db, programme

log = logging.getLogger(__name__)

MEASURE_COLUMNS = ["measure_id", "period", "breakdown", "numerator", "denominator", "value", "unit"]
SNAPSHOT_WINDOW_DAYS = 31
AUDIT_FRACTION = 0.1
AUDIT_SEED = "send-ehcp-audit"
_MISSING_EFFECT = {
    "council_send": "its measures are absent",
    "therapies": "its measures are absent",
    "nccis": "the preparing-for-adulthood measures are absent",
    "workforce": "senco_trained is absent",
    "school_census": "the census measures are absent",
    "ks2": "ks2_rwm_expected is absent",
    "ks4": "ks4_attainment8 is absent",
    "population": "rates per 10,000 have blank denominators and values",
}
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class MeasureError(ValueError):
    """A measure could not be built; the message says what to change."""


@dataclass(frozen=True)
class RunParams:
    """The one row of ``run_params`` that every SQL model reads."""

    period: str
    period_start: date
    period_end: date
    start_6m: date
    start_12m: date
    calendar_year_start: date
    calendar_year_end: date
    council_extract_date: date | None
    therapies_extract_date: date | None
    la_code: str | None
    january_census_date: date | None = None  # SEN2 census day of the latest January on or before PE
    nccis_extract_date: date | None = None


@dataclass(frozen=True)
class Snapshot:
    """Which delivery of a source a period's measures come from (None: there is none)."""

    feed: str
    extract_date: date | None
    is_stale: bool | None


@dataclass(frozen=True)
class BuildResult:
    """What :func:`build_measures` wrote for a period."""

    period: str
    la_code: str | None
    rows: pd.DataFrame
    snapshots: tuple[Snapshot, ...]

    @property
    def missing_feeds(self) -> tuple[str, ...]:
        """Sources with no data for the period: their measures are absent (or blank)."""
        return tuple(s.feed for s in self.snapshots if s.extract_date is None)

    @property
    def stale_feeds(self) -> tuple[str, ...]:
        """Sources whose newest usable delivery is older than the period end."""
        return tuple(s.feed for s in self.snapshots if s.is_stale)


@dataclass(frozen=True)
class AuditSampleEntry:
    """One plan drawn for the annual audit: the plan's table id and its setting group."""

    named_plan_id: int
    setting_group: str


# --------------------------------------------------------------------------- dates


def period_dates(period: str) -> tuple[date, date]:
    """The first and last day (PE) of a ``YYYY-MM`` period."""
    match = _PERIOD.match(period or "")
    if not match:
        raise MeasureError(f"Period {period!r} is not a month written YYYY-MM, e.g. 2026-10.")
    year, month = int(match.group(1)), int(match.group(2))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _month_start_before(start: date, months: int) -> date:
    index = start.year * 12 + start.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def choose_snapshot(extract_dates: Iterable[date], period_end: date) -> tuple[date | None, bool]:
    """Choose a snapshot feed's extract for a period (FEEDS.md, "Snapshots").

    The earliest extract dated from ``period_end`` to ``period_end`` + 31 days; when there
    is none, the newest extract dated before ``period_end``, marked stale; when there is
    none of those either, ``(None, False)``. Later extracts never change the choice.
    """
    dates = sorted(set(extract_dates))
    window_end = period_end + timedelta(days=SNAPSHOT_WINDOW_DAYS)
    in_window = [d for d in dates if period_end <= d <= window_end]
    if in_window:
        return in_window[0], False
    earlier = [d for d in dates if d < period_end]
    if earlier:
        return earlier[-1], True
    return None, False


def plan_run(engine: sa.Engine, period: str, la_code: str | None = None) -> RunParams:
    """Work out the run parameters of a period from what the warehouse holds."""
    start, end = period_dates(period)
    calendar_year = end.year if (end.month, end.day) == (12, 31) else end.year - 1
    with engine.connect() as conn:
        council, _ = choose_snapshot(_extract_dates(conn, "src_council_send__sen2"), end)
        therapies, _ = choose_snapshot(_extract_dates(conn, "src_therapies__referrals"), end)
        nccis, _ = choose_snapshot(_extract_dates(conn, "src_nccis__caseload"), end)
        if la_code is None and council is not None:
            la_code = conn.execute(
                sa.text(
                    "select min(trim(lea)) from src_council_send__sen2 "
                    "where extract_date = :d and nullif(trim(lea), '') is not null"
                ),
                {"d": council},
            ).scalar()
    return RunParams(
        period=period,
        period_start=start,
        period_end=end,
        start_6m=_month_start_before(start, 5),
        start_12m=_month_start_before(start, 11),
        calendar_year_start=date(calendar_year, 1, 1),
        calendar_year_end=date(calendar_year, 12, 31),
        council_extract_date=council,
        therapies_extract_date=therapies,
        la_code=la_code,
        january_census_date=january_census_date(end.year),
        nccis_extract_date=nccis,
    )


def january_census_date(year: int) -> date:
    """DfE's SEN2 census day: the third Thursday of January (16 January 2025, 18 January 2024)."""
    first = date(year, 1, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 14)


def _extract_dates(conn: sa.Connection, table: str) -> list[date]:
    rows = conn.execute(sa.text(f"select distinct extract_date from {table} where extract_date is not null"))
    return [_as_date(value) for (value,) in rows]


def _as_date(value: object) -> date:
    return pd.Timestamp(value).date() if not isinstance(value, date) else value


# --------------------------------------------------------------------------- building


def build_measures(engine: sa.Engine, period: str, la_code: str | None = None) -> BuildResult:
    """Compute every measure of ``period`` and replace its rows in the warehouse.

    Parameters
    ----------
    engine
        The warehouse.
    period
        ``YYYY-MM``.
    la_code
        The council's 3-digit LA number (for the population); defaults to the ``lea`` of
        the chosen council_send snapshot.

    Returns
    -------
    BuildResult
        The rows written, and the snapshot used from each source (a source with no data
        has no measures: ``result.missing_feeds`` names it).
    """
    db.schema_ready(engine)
    params = plan_run(engine, period, la_code)
    models = db.list_models()
    with engine.begin() as conn:
        db.lock(conn, "measures", period)  # one build of a month at a time; another month's runs beside it
        _create_run_params(conn, params)
        programme.write_statuses(conn, params.period)  # the status words the programme models count
        db.materialise_models(conn, models)
        snapshots = _snapshots_used(conn, params)
        _replace_period_rows(conn, params.period, [m.name for m in models if m.layer == "kpi"], snapshots)
        db.drop_models(conn, reversed(models))
        db.drop_temporary(conn, ["run_params"])
        rows = read_measures(conn, period)
    for snapshot in snapshots:
        if snapshot.feed == "population" and params.council_extract_date is None:
            continue  # no council measures: nothing needs the population
        if snapshot.extract_date is None:
            log.warning("%s: no %s data for this period; %s.", period, snapshot.feed, _MISSING_EFFECT[snapshot.feed])
        elif snapshot.is_stale:
            log.warning("%s: %s is stale (newest delivery %s).", period, snapshot.feed, snapshot.extract_date)
    log.info("%s: %d measure rows written.", period, len(rows))
    return BuildResult(period=period, la_code=params.la_code, rows=rows, snapshots=tuple(snapshots))


def _create_run_params(conn: sa.Connection, params: RunParams) -> None:
    db.drop_temporary(conn, ["run_params"])
    conn.exec_driver_sql(
        "create temporary table run_params (period varchar, period_start date, period_end date, "
        "start_6m date, start_12m date, calendar_year_start date, calendar_year_end date, "
        "council_extract_date date, therapies_extract_date date, la_code varchar, january_census_date date, "
        "nccis_extract_date date)"
    )
    values = asdict(params)
    names = ", ".join(values)
    binds = ", ".join(f":{name}" for name in values)
    conn.execute(sa.text(f"insert into run_params ({names}) values ({binds})"), values)


def _snapshots_used(conn: sa.Connection, params: RunParams) -> list[Snapshot]:
    """The delivery of every source the models used (read back from the staged tables)."""
    def scalar(sql: str) -> object:
        return conn.exec_driver_sql(sql).scalar()

    census = scalar("select max(census_date) from int_enrolments_summed")
    ks2 = scalar("select max(academic_year_end) from stg_school_census__ks2_results")
    ks4 = scalar("select max(academic_year_end) from stg_school_census__ks4_results")
    population = scalar("select max(population_year) from int_populations_summed")
    training = scalar("select max(completed_on) from stg_workforce__training "  # the log's latest completion by PE
                      "where completed_on <= (select period_end from run_params)")
    end = params.period_end
    return [
        Snapshot("council_send", params.council_extract_date, _stale(params.council_extract_date, end)),
        Snapshot("therapies", params.therapies_extract_date, _stale(params.therapies_extract_date, end)),
        Snapshot("nccis", params.nccis_extract_date, _stale(params.nccis_extract_date, end)),
        Snapshot("workforce", _as_date(training) if training else None, False if training else None),
        Snapshot("school_census", _as_date(census) if census else None, False if census else None),
        Snapshot("ks2", date(int(ks2), 8, 31) if ks2 else None, False if ks2 else None),
        Snapshot("ks4", date(int(ks4), 8, 31) if ks4 else None, False if ks4 else None),
        Snapshot("population", date(int(population), 6, 30) if population else None, False if population else None),
    ]


def _stale(extract_date: date | None, period_end: date) -> bool | None:
    return None if extract_date is None else extract_date < period_end


def _replace_period_rows(conn: sa.Connection, period: str, kpi_models: list[str], snapshots: list[Snapshot]) -> None:
    columns = ", ".join(MEASURE_COLUMNS)
    conn.execute(sa.text("delete from measures where period = :p"), {"p": period})
    for name in kpi_models:
        conn.exec_driver_sql(f"insert into measures ({columns}) select {columns} from {name}")
    conn.execute(sa.text("delete from measure_snapshots where period = :p"), {"p": period})
    conn.execute(
        sa.text(
            "insert into measure_snapshots (period, feed, extract_date, is_stale) "
            "values (:period, :feed, :extract_date, :is_stale)"
        ),
        [{"period": period, **asdict(snapshot)} for snapshot in snapshots],
    )


# --------------------------------------------------------------------------- reading and writing


def read_measures(engine: sa.Engine | sa.Connection, period: str) -> pd.DataFrame:
    """The period's measure rows, ordered by measure id, then 'all', then breakdown."""
    sql = (
        f"select {', '.join(MEASURE_COLUMNS)} from measures where period = :period "
        "order by measure_id, case when breakdown = 'all' then 0 else 1 end, breakdown"
    )
    frame = db.read_sql_frame(engine, sql, {"period": period})
    for column in ("numerator", "denominator", "value"):
        frame[column] = pd.to_numeric(frame[column]).astype("float64")
    return frame.reset_index(drop=True)


def read_snapshots(engine: sa.Engine | sa.Connection, period: str) -> pd.DataFrame:
    """The period's rows of ``measure_snapshots`` (which delivery each source came from)."""
    sql = "select period, feed, extract_date, is_stale from measure_snapshots where period = :period order by feed"
    return db.read_sql_frame(engine, sql, {"period": period})


def format_number(value: object) -> str:
    """A CSV cell: blank for missing, whole numbers without ``.0``, else full precision."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    number = float(value)  # type: ignore[arg-type]
    if math.isfinite(number) and number == int(number):
        return str(int(number))
    return repr(number)


def write_measures_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write measure rows as CSV (exactly :data:`MEASURE_COLUMNS`), atomically.

    Missing values are blank and whole numbers have no trailing ``.0``. The file is
    written to a temporary name in the same folder and renamed over ``path``.
    """
    target = Path(path)
    missing = [c for c in MEASURE_COLUMNS if c not in frame.columns]
    if missing:
        raise MeasureError(f"Cannot write measures: columns {missing} are missing from the frame.")
    with atomic_path(target) as temp, temp.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(MEASURE_COLUMNS)
        for row in frame[MEASURE_COLUMNS].itertuples(index=False):
            text = ["" if pd.isna(v) else str(v) for v in row[:3]]
            numbers = [format_number(v) for v in row[3:6]]
            writer.writerow([*text, *numbers, "" if pd.isna(row[6]) else str(row[6])])
    return target


# --------------------------------------------------------------------------- audit sample


def select_audit_sample(
    engine: sa.Engine,
    period: str,
    la_code: str | None = None,
    *,
    seed: str = AUDIT_SEED,
    fraction: float = AUDIT_FRACTION,
) -> list[AuditSampleEntry]:
    """Draw the annual audit's reproducible sample of plans in force (``ehcp_audit_sample``).

    Stratified by the setting group of each plan's main setting at the period end: in
    each group, ``ceil(fraction × plans)`` plans are drawn, the plans whose
    ``sha256(seed:named_plan_id)`` is smallest. The same seed and the same plans always give
    the same sample, and a plan that is drawn stays drawn when other plans are added
    unless it is displaced by a newly added plan. Only plan table ids and setting groups
    are returned: no identifiers.
    """
    if not 0 < fraction <= 1:
        raise MeasureError(f"The audit fraction must be in (0, 1], not {fraction}.")
    db.schema_ready(engine)
    params = plan_run(engine, period, la_code)
    models = db.model_closure(db.list_models(), ["int_named_plans_joined"])
    with engine.connect() as conn, conn.begin() as transaction:
        _create_run_params(conn, params)
        programme.write_statuses(conn, params.period)  # the status words the programme models count
        db.materialise_models(conn, models)
        plans = db.read_sql_frame(
            conn, "select named_plan_id, setting_group from int_named_plans_joined where is_in_force"
        )
        transaction.rollback()
    return _stratified_sample(plans, seed, fraction)


def _stratified_sample(plans: pd.DataFrame, seed: str, fraction: float) -> list[AuditSampleEntry]:
    sample: list[AuditSampleEntry] = []
    for group, members in sorted(plans.groupby("setting_group"), key=lambda item: str(item[0])):
        ids = sorted(int(i) for i in members["named_plan_id"].dropna())
        take = math.ceil(fraction * len(ids) - 1e-9)
        ranked = sorted(ids, key=lambda i: (hashlib.sha256(f"{seed}:{i}".encode()).hexdigest(), i))
        sample.extend(AuditSampleEntry(i, str(group)) for i in sorted(ranked[:take]))
    return sample
