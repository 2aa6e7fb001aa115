"""The published statistics: loaded whole, and the national figures DfE publishes reproduced
from the files (England's own row, and the sum of every LA's row; NCCIS NEET + not known)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from pipeline.warehouse import db
from pipeline.warehouse.published import (NEET_COLUMNS, NEET_FILE, PUBLISHED_DIR, PublishedError, load_published,
                                          neet_rows, published_measures, read_published)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    engine = db.get_engine(f"duckdb:///{tmp_path_factory.mktemp('published') / 'w.duckdb'}")
    db.ensure_schema(engine)
    load_published(engine)
    yield engine
    engine.dispose()


def one(engine, sql, **params):
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).one()


def test_england_had_638745_ehc_plans_in_january_2025(engine):
    assert one(engine, "select value from ref_published_measures where measure_id = 'ehcp_in_force' "
                       "and year = 2025 and la_code = '970'")[0] == 638745
    # ... and the LAs' own rows add up to it
    total, = one(engine, "select sum(m.value) from ref_published_measures m join ref_geography g "
                         "on g.la_code = m.la_code and g.geographic_level = 'Local authority' "
                         "where m.measure_id = 'ehcp_in_force' and m.year = 2025")
    assert total == 638745


def test_46_4_percent_of_new_plans_in_2024_were_issued_within_20_weeks_excluding_exceptions(engine):
    numerator, denominator, value = one(
        engine, "select numerator, denominator, value from ref_published_measures "
                "where measure_id = 'ehcp_20wk_calendar_year' and year = 2024 and la_code = '970'")
    assert (numerator, denominator, value) == (39407, 84866, 46.4)
    assert round(100 * numerator / denominator, 1) == 46.4
    las = one(engine, "select sum(m.numerator), sum(m.denominator) from ref_published_measures m "
                      "join ref_geography g on g.la_code = m.la_code and g.geographic_level = 'Local authority' "
                      "where m.measure_id = 'ehcp_20wk_calendar_year' and m.year = 2024")
    assert round(100 * las[0] / las[1], 1) == 46.4


def test_blackpool_is_in_the_north_west_with_ten_statistical_neighbours(engine):
    assert one(engine, "select g.area_name, r.area_name from ref_geography g join ref_geography r "
                       "on r.la_code = g.region_code where g.la_code = '890'") == ("Blackpool", "North West")
    assert one(engine, "select count(*) from ref_statistical_neighbours where la_code = '890'")[0] == 10
    assert one(engine, "select value from ref_published_measures where measure_id = 'ehcp_20wk_calendar_year' "
                       "and year = 2024 and la_code = '890'")[0] == 61.6


def test_loading_again_replaces_the_rows(engine):
    before = one(engine, "select count(*) from ref_published_measures")[0]
    load_published(engine)
    assert one(engine, "select count(*) from ref_published_measures")[0] == before == len(
        published_measures(read_published()))


def test_a_missing_or_reshaped_file_is_refused_by_name(tmp_path):
    with pytest.raises(PublishedError, match="measures.csv is missing"):
        read_published(tmp_path)
    for name in ("measures.csv", "geography.csv", "statistical_neighbours.csv"):
        (tmp_path / name).write_text((PUBLISHED_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "geography.csv").write_text("la_code,name\n970,England\n", encoding="utf-8")
    with pytest.raises(PublishedError, match="geography.csv has columns"):
        read_published(tmp_path)


def neet_nk(engine, year, la_code):
    """post16_neet_nk as published: all, EHCP, SEN support, no SEN."""
    with engine.connect() as conn:
        rows = dict(conn.execute(sa.text("select breakdown, value from ref_published_measures where measure_id = "
                                         "'post16_neet_nk' and year = :y and la_code = :c"),
                                 {"y": year, "c": la_code}).all())
    return tuple(rows.get(b) for b in ("all", "group=EHCP", "group=SEN_support", "group=no_SEN"))


@pytest.fixture()
def either_engine(warehouse_url):
    """A DuckDB or PostgreSQL warehouse with the published statistics loaded."""
    engine = db.get_engine(warehouse_url)
    db.ensure_schema(engine)
    load_published(engine)
    yield engine
    engine.dispose()


def test_16_17_year_olds_neet_or_not_known_as_dfe_published_them(either_engine):
    # England 2023 (Dec 2022-Feb 2023): 5.2% of all 16-17s; 10.1% EHCP, 9.3% SEN support, 4.6% no SEN
    assert neet_nk(either_engine, 2023, "970") == (5.2, 10.1, 9.3, 4.6)
    assert neet_nk(either_engine, 2025, "970") == (5.6, 10.1, 9.6, 4.9)
    assert neet_nk(either_engine, 2023, "890")[:3] == (11.1, 10.1, 17.2)  # Blackpool
    assert one(either_engine, "select denominator from ref_published_measures where measure_id = 'post16_neet_nk' "
                              "and breakdown = 'all' and year = 2023 and la_code = '970'")[0] == 1236365


def test_neet_regions_and_las_take_the_project_s_3_digit_codes(engine):
    # North West (981 here, E12000002 in the NCCIS file) is Blackpool's region
    assert one(engine, "select region_code from ref_geography where la_code = '890'")[0] == "981"
    assert neet_nk(engine, 2023, "981") == (5.3, 11.4, 9.0, 4.7)
    counts = one(engine, "select count(*), count(distinct m.la_code) from ref_published_measures m "
                         "join ref_geography g on g.la_code = m.la_code "
                         "where m.measure_id = 'post16_neet_nk' and m.breakdown = 'all' and m.year = 2025")
    assert counts == (161, 161)  # England, 9 regions, 151 LAs: every code is a geography


def test_suppressed_neet_cells_are_blank_in_the_subset_and_null_when_loaded(tmp_path, engine):
    source = tmp_path / "UD_NEETNK_LA_dashboard_2024_final.csv"
    header = ",".join(NEET_COLUMNS + ["NEET_percent"])
    source.write_text(f"""{header}
2024,Local authority,E12000002,North West,890,Blackpool,3000,9.1,c,x,,2
2024,Local authority district,E12000002,North West,,Somewhere,1,1,1,1,1,1
""", encoding="utf-8")
    rows = neet_rows(tmp_path)
    assert len(rows) == 1 and [rows[0][c] for c in NEET_COLUMNS[6:]] == ["3000", "9.1", "", "", ""]
    assert one(engine, "select count(*), count(value) from ref_published_measures where measure_id = "
                       "'post16_neet_nk' and breakdown = 'group=SEN_support' and year = 2022") == (160, 154)


def test_the_neet_file_is_refused_by_name_when_missing(tmp_path):
    for name in ("measures.csv", "geography.csv", "statistical_neighbours.csv", "community_health_waits.csv"):
        (tmp_path / name).write_text((PUBLISHED_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(PublishedError, match=f"{NEET_FILE} is missing"):
        read_published(tmp_path)
