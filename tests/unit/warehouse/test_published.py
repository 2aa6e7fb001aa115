"""The published statistics: loaded whole, and the national figures DfE publishes reproduced
from the files (England's own row, and the sum of every LA's row)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from pipeline.warehouse import db
from pipeline.warehouse.published import PUBLISHED_DIR, PublishedError, load_published, read_published


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
        read_published()["measures.csv"])


def test_a_missing_or_reshaped_file_is_refused_by_name(tmp_path):
    with pytest.raises(PublishedError, match="measures.csv is missing"):
        read_published(tmp_path)
    for name in ("measures.csv", "geography.csv", "statistical_neighbours.csv"):
        (tmp_path / name).write_text((PUBLISHED_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "geography.csv").write_text("la_code,name\n970,England\n", encoding="utf-8")
    with pytest.raises(PublishedError, match="geography.csv has columns"):
        read_published(tmp_path)
