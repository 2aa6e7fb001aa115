"""Comparisons with England, the region and statistical neighbours, on hand-worked rows."""
from __future__ import annotations

import pandas as pd
import pytest

from pipeline.reports.benchmarks import (BENCHMARKS, benchmark_section, compare, djf_label, djf_months, djf_year,
                                         neet_comparison, rank_among, year_label, year_of)
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


# ----------------------------------------------------------------------------- 16-17 NEET + not known (NCCIS)


@pytest.mark.parametrize("period, year", [("2026-01", 2025), ("2026-02", 2026), ("2025-12", 2025), ("2026-11", 2026)])
def test_the_latest_complete_december_to_february_of_a_month(period, year):
    assert djf_year(period) == year


def test_a_winter_is_named_by_its_february():
    assert djf_months(2026) == ["2025-12", "2026-01", "2026-02"] and djf_label(2026) == "Dec 2025–Feb 2026"


def neet_rows(rows):
    """post16_neet_nk rows of ``measures``: (period, breakdown, numerator, denominator)."""
    return pd.DataFrame([{"measure_id": "post16_neet_nk", "period": p, "breakdown": b, "numerator": n,
                          "denominator": d, "value": 100 * n / d, "unit": "percent"} for p, b, n, d in rows])


WINTER_2025 = [  # all: 3%, 5% and 5%, whose mean is 4.33%; DfE's way, 60 / 1,333.3 = 4.5%
    ("2024-12", "all", 30, 1000), ("2025-01", "all", 50, 1000), ("2025-02", "all", 100, 2000),
    ("2024-12", "group=EHCP", 2, 20), ("2025-02", "group=EHCP", 3, 21),  # no January
]


@pytest.fixture()
def either_engine(warehouse_url):
    engine = db.get_engine(warehouse_url)
    db.ensure_schema(engine)
    load_published(engine)
    yield engine
    engine.dispose()


def published_neet(year, breakdown="all"):
    """The shipped NCCIS figures of a year by LA code, and the LA codes."""
    frame = pd.read_csv(PUBLISHED_DIR / "nccis" / "neet_nk.csv", dtype={"old_la_code": str})
    column = {"all": "NEET_not_known_percent", "group=EHCP": "NEET_NK_EHCP_percent"}[breakdown]
    las = frame[(frame.time_period == year) & (frame.geographic_level == "Local authority")]
    return las.set_index("old_la_code")[column].dropna()


def test_the_area_s_winter_is_the_mean_numerator_over_the_mean_denominator_beside_dfe_s(either_engine):
    db.replace_rows(either_engine, "measures", neet_rows(WINTER_2025), {})
    got = neet_comparison(either_engine, "2025-03", "890")
    assert (got["year"], got["months"], got["label"]) == (2025, ["2024-12", "2025-01", "2025-02"],
                                                          "Dec 2024–Feb 2025")
    rows = {r["breakdown"]: r for r in got["rows"]}
    assert list(rows) == ["all", "group=EHCP", "group=SEN_support", "group=no_SEN"]
    every = rows["all"]
    assert every["value"] == pytest.approx(4.5) and every["numerator"] == 60
    assert every["denominator"] == pytest.approx(4000 / 3)
    # England, North West and Blackpool's ten neighbours, 2025 (Dec 2024-Feb 2025) as DfE published them
    assert (every["published_year"], every["years"], every["england"], every["region"]) == (
        2025, "2025 (Dec 2024–Feb 2025)", 5.6, 5.7)
    of_2025 = published_neet(2025)
    neighbours = pd.read_csv(PUBLISHED_DIR / "statistical_neighbours.csv", dtype=str).query("la_code == '890'")
    assert every["neighbours_count"] == 10
    assert every["neighbours"] == pytest.approx(of_2025[neighbours.neighbour_la_code].mean())
    others = of_2025.drop("890")
    assert (every["rank"], every["ranked_out_of"]) == (1 + int((others < 4.5).sum()), len(others) + 1)
    # a missing January leaves the EHCP figure blank, and says so; the published figures still show
    ehcp = rows["group=EHCP"]
    assert ehcp["value"] is None and ehcp["rank"] is None
    assert ehcp["reason"] == "blank: no figure for January 2025" and ehcp["england"] == 10.1
    assert rows["group=no_SEN"]["reason"] == "blank: no figure for December 2024, January 2025 and February 2025"
    assert (rows["group=SEN_support"]["england"], rows["group=no_SEN"]["england"]) == (9.6, 4.9)


def test_in_january_the_last_winter_is_compared_and_from_february_the_new_one_beside_dfe_s_latest(engine):
    db.replace_rows(engine, "measures", neet_rows(WINTER_2025 + [
        ("2025-12", "all", 40, 1000), ("2026-01", "all", 60, 1000), ("2026-02", "all", 80, 1000)]), {})
    january = neet_comparison(engine, "2026-01", "890")["rows"][0]
    assert (january["value"], january["published_year"], january["years"]) == (
        pytest.approx(4.5), 2025, "2025 (Dec 2024–Feb 2025)")
    february = neet_comparison(engine, "2026-02", "890")["rows"][0]
    assert february["value"] == pytest.approx(6.0) and february["published_year"] == 2025
    assert february["years"] == "area: Dec 2025–Feb 2026; England, region and neighbours: 2025 (Dec 2024–Feb 2025)"
    assert february["england"] == 5.6
    # no 2024 file is held: a 2024 winter is set beside 2023's figures (England 5.2%)
    older = neet_comparison(engine, "2024-06", "890")["rows"][0]
    assert (older["published_year"], older["england"]) == (2023, 5.2)
    assert older["years"].startswith("area: Dec 2023–Feb 2024; England, region and neighbours: 2023")
    assert neet_comparison(engine, "2021-06", "890")["rows"][0]["years"] == (
        "area: Dec 2020–Feb 2021; nothing published for 2021 or before")


def test_the_comparison_table_has_a_neet_row_a_group_saying_which_year_each_figure_is(engine):
    from pipeline.definitions.registry import registry_by_id

    db.replace_rows(engine, "measures", neet_rows([
        ("2025-12", "all", 40, 1000), ("2026-01", "all", 60, 1000), ("2026-02", "all", 80, 1000)]), {})
    table = benchmark_section(engine, "2026-02", "890", registry_by_id())["table"]
    cells = {r["header"]: [c["text"] for c in r["cells"]] for r in table["rows"]}
    years = "area: Dec 2025–Feb 2026; England, region and neighbours: 2025 (Dec 2024–Feb 2025)"
    every = cells["16-17 year olds NEET or whose activity is not known (%)"]
    assert every[:4] == [years, "6.0%", "5.6%", "5.7%"] and every[4].endswith("(10 of 10)")
    assert every[5].endswith(" of 151") and every[6].endswith("quarter")
    assert cells["16-17 year olds NEET or not known, with an EHC plan (%)"] == [
        years, "blank: no figure for December 2025, January 2026 and February 2026", "10.1%", "12.3%",
        "12.1% (10 of 10)", "-", "-"]  # North West 12.3%; the neighbours' mean 12.06%
    assert "mean of the December, January and February counts" in table["note"]


def test_without_nccis_figures_the_neet_rows_say_nothing_is_published(engine):
    from pipeline.definitions.registry import registry_by_id

    db.replace_rows(engine, "ref_published_measures", pd.DataFrame(columns=["measure_id"]), {})
    db.replace_rows(engine, "measures", neet_rows(WINTER_2025), {})
    table = benchmark_section(engine, "2025-03", "890", registry_by_id())["table"]
    every = next(r for r in table["rows"] if r["header"].startswith("16-17 year olds NEET"))
    assert [c["text"] for c in every["cells"]] == [
        "area: Dec 2024–Feb 2025; nothing published for 2025 or before", "4.5%", "not published", "not published",
        "not published", "not ranked", "not ranked: no LA figures published"]
