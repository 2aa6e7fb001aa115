"""Published statistics to compare with: DfE's EHC plan statistics and LAIT, and DfE's
statistical neighbours, as small files in ``reference/published/`` and warehouse tables.

The files are subsets of the published open data (Open Government Licence v3.0), written
once by :func:`extract_published` from the full downloads and committed; the pipeline only
ever reads the committed subset.  Each row is mapped to this project's measure ids:

- ``ehcp_in_force`` / ``all``: EHC plans in force in January (EES *Education, health and
  care plans*, caseload, "All EHC plans"); the year is the January's calendar year;
- ``ehcp_20wk_calendar_year`` / ``all``: new plans issued within 20 weeks excluding
  exceptions, numerator and denominator (EES timeliness, "All EHC plans issued");
- ``ks2_rwm_expected``, ``ks4_attainment8``, ``pupils_sen_share`` by SEN group: LAIT
  measures; the year is the academic year's end (2025 = 2024/25);
- ``post16_neet_nk`` / ``all`` and by SEN group: 16-17 year olds NEET or not known (DfE's
  NCCIS LA dashboard, ``nccis/neet_nk.csv``), the mean of the December, January and February
  counts; the year is the February's (2025 = Dec 2024-Feb 2025), and the ``all`` row's
  denominator is the published mean cohort (``Cohort_DJFavg``).

``load_published`` replaces the four ``ref_*`` tables in one transaction, and records the
fingerprint of what it loaded (the files and this module) in ``meta_published``; loading the
same again is skipped while the tables still hold the rows it wrote.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import logging
import math
import sys
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from pipeline.warehouse import db

log = logging.getLogger(__name__)

PUBLISHED_DIR = Path(__file__).resolve().parents[2] / "reference" / "published"
FIRST_YEAR = 2019  # older years are not needed for a plan that started in 2022
LAIT_MEASURES = {  # LAIT measure id -> (our measure id, breakdown)
    "NEW_KS2_RWM_Sen_Withsta": ("ks2_rwm_expected", "group=EHCP"),
    "NEW_KS2_RWM_Sen_W/Osta": ("ks2_rwm_expected", "group=SEN_support"),
    "NoID_SEN_NEW_KS2_RWM": ("ks2_rwm_expected", "group=no_SEN"),
    "SEN_Stat_AVG_Attain8_Score": ("ks4_attainment8", "group=EHCP"),
    "SEN_WoStat_AVG_Attain8_Score": ("ks4_attainment8", "group=SEN_support"),
    "SEN_NoID_AVG_Attain8_Score": ("ks4_attainment8", "group=no_SEN"),
    "SEN_TotStat": ("pupils_sen_share", "group=EHCP"),
    "SEN_TotSENSuP": ("pupils_sen_share", "group=SEN_support"),
}
MEASURE_COLUMNS = ["measure_id", "breakdown", "year", "la_code", "numerator", "denominator", "value"]
WAITS_COLUMNS = ["period", "org_type", "org_code", "org_name", "service", "total_waiting", "waiting_over_18_weeks",
                 "waiting_over_52_weeks"]
WAITS_SERVICES = {  # NHS England CYP service line -> this project's therapy service
    "Therapy interventions: Speech and language": "SLT", "Therapy interventions: Occupational therapy": "OT",
    "Therapy interventions: Physiotherapy": "PHYSIO", "Community paediatric service": "CDS",
}
LEVELS = {"National": "national", "Regional": "region", "Local authority": "la"}
NEET_FILE = "nccis/neet_nk.csv"
NEET_COLUMNS = ["time_period", "geographic_level", "region_code", "region_name", "old_la_code", "la_name",
                "Cohort_DJFavg", "NEET_not_known_percent", "NEET_NK_EHCP_percent", "NEET_NK_SENDsupport_percent",
                "NEET_NK_noSEN_percent"]
NEET_BREAKDOWNS = {  # NCCIS column -> breakdown of post16_neet_nk
    "NEET_not_known_percent": "all", "NEET_NK_EHCP_percent": "group=EHCP",
    "NEET_NK_SENDsupport_percent": "group=SEN_support", "NEET_NK_noSEN_percent": "group=no_SEN",
}


class PublishedError(RuntimeError):
    """The published reference files are missing or malformed; the message says which."""


# --------------------------------------------------------------------------- extracting (once, by a developer)


def _number(text: str) -> str:
    """A published cell as a number, or '' for DfE's symbols (x, z, c, low, ...)."""
    try:
        float(text)
    except ValueError:
        return ""
    return text


def _ees_rows(path: Path, breakdown: str, measure_id: str, numerator: str | None, denominator: str | None,
              value: str, year_of) -> list[dict]:
    out = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["breakdown"] != breakdown or row["geographic_level"] not in LEVELS:
                continue
            year = year_of(row["time_period"])
            if year < FIRST_YEAR:
                continue
            code = {"National": "970", "Regional": row["region_code"], "Local authority": row["old_la_code"]}
            out.append({"measure_id": measure_id, "breakdown": "all", "year": year,
                        "la_code": code[row["geographic_level"]],
                        "numerator": _number(row[numerator]) if numerator else "",
                        "denominator": _number(row[denominator]) if denominator else "",
                        "value": _number(row[value])})
    return out


def extract_published(source: Path, out: Path = PUBLISHED_DIR) -> dict[str, int]:
    """Write the committed subset from the full published files in ``source``.

    ``source`` holds ``ehcp_2025/``, ``nccis/``, ``lait_send_measures.csv``, ``geography_lookup.csv`` and
    ``statistical_neighbours.csv`` as downloaded.  Returns the rows written a file.
    """
    rows = _ees_rows(source / "ehcp_2025" / "caseload.csv", "All EHC plans", "ehcp_in_force", None, None,
                     "ehcplans", lambda period: int(period[:4]) + 1)
    rows += _ees_rows(source / "ehcp_2025" / "timeliness_20_week.csv", "All EHC plans issued",
                      "ehcp_20wk_calendar_year", "plans_issued_20_weeks_ex", "plans_issued_den_ex",
                      "PC_plans_issued_20_weeks_ex", int)
    regions = {}
    with (source / "geography_lookup.csv").open(encoding="utf-8", newline="") as handle:
        geography = list(csv.DictReader(handle))
    for g in geography:
        regions[g["new_la_code"]] = g["la_code"]
    for row in rows:  # EES regions are E12 codes; the project uses LAIT's 3-digit codes throughout
        row["la_code"] = regions.get(row["la_code"], row["la_code"])
    with (source / "lait_send_measures.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["measure_id"] in LAIT_MEASURES and int(row["time_period"]) >= FIRST_YEAR:
                measure_id, breakdown = LAIT_MEASURES[row["measure_id"]]
                rows.append({"measure_id": measure_id, "breakdown": breakdown, "year": int(row["time_period"]),
                             "la_code": row["la_code"], "numerator": "", "denominator": "",
                             "value": _number(row["value"])})
    out.mkdir(parents=True, exist_ok=True)
    rows.sort(key=lambda r: (r["measure_id"], r["breakdown"], r["year"], r["la_code"]))
    _write(out / "measures.csv", MEASURE_COLUMNS, rows)
    _write(out / "geography.csv", ["la_code", "new_la_code", "area_name", "geographic_level", "region_code"],
           [{**g, "region_code": regions.get(g["region_code"], "")} for g in geography])
    with (source / "statistical_neighbours.csv").open(encoding="utf-8", newline="") as handle:
        neighbours = [{"la_code": r["la_code"], "sn_rank": r["sn_rank"], "neighbour_la_code": r["neighbour_la_code"]}
                      for r in csv.DictReader(handle)]
    _write(out / "statistical_neighbours.csv", ["la_code", "sn_rank", "neighbour_la_code"], neighbours)
    waits = _waits_rows(source / "community_health_waits.csv")
    _write(out / "community_health_waits.csv", WAITS_COLUMNS, waits)
    neet = neet_rows(source / "nccis")
    (out / NEET_FILE).parent.mkdir(exist_ok=True)
    _write(out / NEET_FILE, NEET_COLUMNS, neet)
    return {"measures.csv": len(rows), "geography.csv": len(geography), "statistical_neighbours.csv": len(neighbours),
            "community_health_waits.csv": len(waits), NEET_FILE: len(neet)}


def neet_rows(folder: Path) -> list[dict]:
    """The NEET + not known columns of DfE's NCCIS LA dashboards (every year in ``folder``), suppressed cells blank."""
    out = []
    for path in sorted(folder.glob("UD_NEETNK_LA_dashboard_*_final.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["geographic_level"] in LEVELS:
                    out.append({**row, **{c: _number(row[c]) for c in NEET_COLUMNS[6:]}})
    return out


def _waits_rows(path: Path) -> list[dict]:
    """NHS England's CYP community health waiting lists for the four therapy services we measure."""
    out = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            service = WAITS_SERVICES.get(row["service_line"])
            if service is None or row["org_type"] not in ("National", "Region", "Provider"):
                continue
            over_18 = [row["waiting_18_52_weeks"], row["waiting_over_52_weeks"]]
            out.append({**row, "service": service, "org_code": row["org_code"] or "",
                        "waiting_over_18_weeks": "" if "" in over_18 else str(sum(int(v) for v in over_18))})
    return out


def _write(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# --------------------------------------------------------------------------- loading


def read_published(folder: Path = PUBLISHED_DIR) -> dict[str, pd.DataFrame]:
    """The five committed files as frames, checked; raises ``PublishedError`` naming the file."""
    frames = {}
    expected = {"measures.csv": MEASURE_COLUMNS,
                "geography.csv": ["la_code", "new_la_code", "area_name", "geographic_level", "region_code"],
                "statistical_neighbours.csv": ["la_code", "sn_rank", "neighbour_la_code"],
                "community_health_waits.csv": WAITS_COLUMNS, NEET_FILE: NEET_COLUMNS}
    for name, columns in expected.items():
        path = folder / name
        if not path.exists():
            raise PublishedError(f"{path} is missing: the published statistics ship with the project "
                                 "(reference/published/); restore it from git.")
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if list(frame.columns) != columns:
            raise PublishedError(f"{path} has columns {list(frame.columns)}, expected {columns}.")
        frames[name] = frame
    measures = frames["measures.csv"]
    for column in ("numerator", "denominator", "value"):
        measures[column] = pd.to_numeric(measures[column].replace("", None), errors="raise").astype("float64")
    measures["year"] = measures["year"].astype("int64")
    frames["statistical_neighbours.csv"]["sn_rank"] = frames["statistical_neighbours.csv"]["sn_rank"].astype("int64")
    waits = frames["community_health_waits.csv"]
    for column in WAITS_COLUMNS[5:]:
        waits[column] = pd.to_numeric(waits[column].replace("", None), errors="raise").astype("float64")
    neet = frames[NEET_FILE]
    for column in NEET_COLUMNS[6:]:
        neet[column] = pd.to_numeric(neet[column].replace("", None), errors="raise").astype("float64")
    return frames


def neet_measures(neet: pd.DataFrame, geography: pd.DataFrame) -> pd.DataFrame:
    """``nccis/neet_nk.csv`` as ``post16_neet_nk`` rows of ``ref_published_measures``, a row a breakdown and area.

    England is 970, a region its 3-digit code from ``geography.csv``, an LA its ``old_la_code``.
    """
    regions = dict(zip(geography["new_la_code"], geography["la_code"]))
    unknown = set(neet.loc[neet["geographic_level"] == "Regional", "region_code"]) - set(regions)
    if unknown:
        raise PublishedError(f"{NEET_FILE} has regions {sorted(unknown)} that geography.csv does not list.")
    level = neet["geographic_level"]
    codes = neet["old_la_code"].where(level == "Local authority", neet["region_code"].map(regions))
    codes = codes.where(level != "National", "970")
    frames = [pd.DataFrame({"measure_id": "post16_neet_nk", "breakdown": breakdown,
                            "year": neet["time_period"].astype("int64"), "la_code": codes, "numerator": math.nan,
                            "denominator": neet["Cohort_DJFavg"] if breakdown == "all" else math.nan,
                            "value": neet[column]})
              for column, breakdown in NEET_BREAKDOWNS.items()]
    return pd.concat(frames, ignore_index=True)


def published_measures(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every row of ``ref_published_measures``: ``measures.csv`` and the NCCIS NEET figures."""
    return pd.concat([frames["measures.csv"], neet_measures(frames[NEET_FILE], frames["geography.csv"])],
                     ignore_index=True)


PUBLISHED_FILES = ("measures.csv", "geography.csv", "statistical_neighbours.csv", "community_health_waits.csv",
                   NEET_FILE)
STAMP_TABLE = "meta_published"  # what load_published last loaded: fingerprint and rows a table


def published_fingerprint(folder: Path = PUBLISHED_DIR) -> str | None:
    """The sha256 of the committed files and of this module (which turns them into rows); None if one is missing."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for name in PUBLISHED_FILES:
        path = folder / name
        if not path.is_file():
            return None
        digest.update(f"\0{name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _ensure_stamp_table(conn: sa.Connection) -> None:
    conn.exec_driver_sql(f"create table if not exists {STAMP_TABLE} (fingerprint varchar, "
                         "measures_rows integer, geography_rows integer, neighbours_rows integer, waits_rows integer)")


def _row_counts(conn: sa.Connection) -> tuple[int, ...]:
    return tuple(int(conn.exec_driver_sql(f"select count(*) from {table}").scalar())
                 for table in db.PUBLISHED_TABLES)


def _already_loaded(conn: sa.Connection, fingerprint: str | None) -> int | None:
    """The measures' rows when the tables hold exactly what ``fingerprint``'s files give, else None."""
    if fingerprint is None:
        return None
    stamp = conn.exec_driver_sql(f"select fingerprint, measures_rows, geography_rows, neighbours_rows, waits_rows "
                                 f"from {STAMP_TABLE}").all()
    if len(stamp) != 1 or stamp[0][0] != fingerprint or tuple(stamp[0][1:]) != _row_counts(conn):
        return None
    return int(stamp[0][1])


def load_published(engine: sa.Engine, folder: Path = PUBLISHED_DIR) -> int:
    """Replace the four ``ref_*`` tables from the committed files, in one transaction; returns the measures' rows.

    Skipped when the tables already hold what the same files gave (same fingerprint, same
    rows a table); :func:`pipeline.warehouse.db.replace_rows` on a ``ref_*`` table by
    anyone else forgets the fingerprint, so the next call loads again.
    """
    fingerprint = published_fingerprint(folder)
    with engine.begin() as conn:
        db.lock(conn, "published")  # two runs starting together on an empty database
        _ensure_stamp_table(conn)
        rows = _already_loaded(conn, fingerprint)
        if rows is not None:
            log.info("published statistics already loaded: %d rows", rows)
            return rows
        frames = read_published(folder)
        measures = published_measures(frames)
        db.replace_rows(conn, "ref_published_measures", measures, {})
        db.replace_rows(conn, "ref_geography", frames["geography.csv"], {})
        db.replace_rows(conn, "ref_statistical_neighbours", frames["statistical_neighbours.csv"], {})
        db.replace_rows(conn, "ref_community_health_waits", frames["community_health_waits.csv"], {})
        conn.exec_driver_sql(f"delete from {STAMP_TABLE}")
        if fingerprint is not None:
            conn.execute(sa.text(f"insert into {STAMP_TABLE} values (:f, :m, :g, :n, :w)"),
                         dict(zip("fmgnw", (fingerprint, *_row_counts(conn)))))
    log.info("published statistics loaded: %d rows", len(measures))
    return len(measures)


def main(argv: list[str] | None = None) -> int:
    """``python -m pipeline.warehouse.published --source DIR``: rewrite reference/published/ from the downloads."""
    parser = argparse.ArgumentParser(prog="python -m pipeline.warehouse.published", description=main.__doc__)
    parser.add_argument("--source", type=Path, required=True, help="folder of the full published files")
    parser.add_argument("--out", type=Path, default=PUBLISHED_DIR)
    args = parser.parse_args(argv)
    print(extract_published(args.source, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
