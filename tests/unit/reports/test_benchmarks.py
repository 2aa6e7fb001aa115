"""Comparisons with England, the region and statistical neighbours, on hand-worked rows."""
from __future__ import annotations

import pandas as pd
import pytest

from pipeline.reports.benchmarks import BENCHMARKS, compare, rank_among, year_label, year_of
from pipeline.warehouse import db
from pipeline.warehouse.published import PUBLISHED_DIR, load_published

TIMELINESS = BENCHMARKS[0]


@pytest.mark.parametrize("kind, period, year", [
    ("calendar", "2024-12", 2024), ("calendar", "2025-11", 2024), ("calendar", "2025-12", 2025),
    ("academic", "2025-08", 2024), ("academic", "2025-09", 2025), ("january", "2025-03", 2025),
])
def test_the_published_year_of_a_month(kind, period, year):
    assert year_of(kind, period) == year


def test_year_labels():
    assert [year_label(k, 2025) for k in ("calendar", "academic", "january")] == ["2025", "2024/25", "January 2025"]


@pytest.mark.parametrize("local, others, polarity, expected", [
    (50.0, [40.0, 60.0, 70.0], "up", (3, 4, 3)),    # two LAs higher: third of four, third quarter
    (50.0, [40.0, 60.0, 70.0], "down", (2, 4, 2)),  # one LA lower
    (90.0, [40.0, 60.0, 70.0], "up", (1, 4, 1)),
    (60.0, [60.0, 60.0], "up", (1, 3, 1)),          # ties share the better rank
])
def test_rank_and_quartile(local, others, polarity, expected):
    assert rank_among(local, others, polarity) == expected


@pytest.fixture()
def engine(tmp_path):
    engine = db.get_engine(f"duckdb:///{tmp_path / 'w.duckdb'}")
    db.ensure_schema(engine)
    load_published(engine)
    yield engine
    engine.dispose()


def measures_rows(rows):
    return pd.DataFrame([{"measure_id": m, "period": p, "breakdown": b, "numerator": None, "denominator": None,
                          "value": v, "unit": "percent"} for m, p, b, v in rows])


def test_blackpool_2024_beside_the_published_figures(engine):
    # The area's 2024 figure comes from a month whose latest complete calendar year is 2024.
    db.replace_rows(engine, "measures", measures_rows([
        ("ehcp_20wk_calendar_year", "2025-06", "all", 61.7),
        ("ehcp_20wk_calendar_year", "2024-06", "all", 80.0),  # calendar 2023, not compared
    ]), {})
    got = compare(engine, TIMELINESS, "2025-06", "890", "up")
    assert (got.year, got.local, got.england, got.latest_published) == (2024, 61.7, 46.4, 2024)
    assert got.region is not None and got.neighbours_count == 10
    published = pd.read_csv(PUBLISHED_DIR / "measures.csv", dtype={"la_code": str})
    las = set(pd.read_csv(PUBLISHED_DIR / "geography.csv", dtype=str).query(
        "geographic_level == 'Local authority'")["la_code"])
    of_2024 = published[(published.measure_id == "ehcp_20wk_calendar_year") & (published.year == 2024)
                        & published.la_code.isin(las) & (published.la_code != "890")].value.dropna()
    assert got.rank == 1 + int((of_2024 > 61.7).sum()) and got.ranked_out_of == len(of_2024) + 1


def test_without_a_local_figure_for_the_published_year_the_published_figures_still_show(engine):
    db.replace_rows(engine, "measures", measures_rows([("ehcp_20wk_calendar_year", "2026-10", "all", 55.0)]), {})
    got = compare(engine, TIMELINESS, "2026-10", "890", "up")
    assert got.year == got.latest_published == 2024 and got.local is None and got.rank is None
    assert got.england == 46.4 and got.neighbours_count == 10  # the published figures still shown


def test_a_neutral_measure_is_compared_but_not_ranked(engine):
    share = next(b for b in BENCHMARKS if b.measure_id == "pupils_sen_share" and b.breakdown == "group=EHCP")
    db.replace_rows(engine, "measures", measures_rows([("pupils_sen_share", "2025-03", "group=EHCP", 5.0)]), {})
    got = compare(engine, share, "2025-10", "890", "neutral")
    assert got.year == 2025 and got.england is not None and got.rank is None and got.quartile is None


@pytest.mark.parametrize("year, day", [(2024, 18), (2025, 16), (2026, 15)])
def test_the_sen2_census_day_is_the_third_thursday_of_january(year, day):
    from datetime import date

    from pipeline.warehouse.measures import january_census_date

    assert january_census_date(year) == date(year, 1, day)


def test_the_return_check_sets_the_records_beside_dfe_s_figure_for_the_area(engine):
    from pipeline.reports.benchmarks import return_check_section
    from pipeline.definitions.registry import registry_by_id

    db.replace_rows(engine, "measures", measures_rows([
        ("ehcp_in_force_january", "2025-03", "all", 1670.0),
        ("ehcp_20wk_calendar_year", "2025-06", "all", 61.7),
    ]), {})
    table = return_check_section(engine, "2025-06", "890", registry_by_id())
    cells = {r["header"]: [c["text"] for c in r["cells"]] for r in table["rows"]}
    assert cells["EHC plans in force on the January census day"] == ["January 2025", "1,670", "1,661", "+9"]
    assert cells["New EHC plans issued within 20 weeks, excluding exceptions (%)"] == [
        "2024", "61.7%", "61.6%", "+0.1 points"]


def test_therapy_waits_beside_nhs_england_for_the_same_month(engine):
    from pipeline.reports.benchmarks import waits_section

    db.replace_rows(engine, "measures", measures_rows([
        ("therapy_over_18w", "2023-10", "service=SLT", 41.7),
        ("therapy_over_18w", "2026-10", "service=SLT", 30.0),  # a month NHS England has not published
    ]), {})
    table = waits_section(engine, "2026-10", "RXL")
    cells = {r["header"]: [c["text"] for c in r["cells"]] for r in table["rows"]}
    # England, October 2023: (22,820 waiting 18-52 weeks + 4,113 over 52) / 67,790 = 39.7%;
    # Blackpool Teaching Hospitals (RXL): (60 + 5) / 155 = 41.9%
    slt = cells["Speech and language therapy"]
    assert slt[:4] == ["October 2023", "41.7%", "41.9%", "39.7%"]
    rank, out_of = (int(x) for x in slt[4].split(" of "))
    assert 1 <= rank <= out_of and slt[5].endswith("quarter")
    assert cells["Occupational therapy"][1] == "no figure for that month" and cells["Occupational therapy"][4] == "-"


def test_without_a_trust_the_waits_table_says_so(engine):
    from pipeline.reports.benchmarks import waits_section

    table = waits_section(engine, "2026-10", None)
    assert {r["cells"][2]["text"] for r in table["rows"]} == {"no trust set"}
