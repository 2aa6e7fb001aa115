"""How the area compares: a measure beside England, its region and its statistical neighbours.

For each measure in ``BENCHMARKS`` the comparison uses the latest year for which DfE has
published a figure and the area has its own figure *for that same year*, taken from the
measures the pipeline built from the feeds (for example the calendar-year 20-week figure of
the measures of December, or of any month of the year after).  When the area has no figure
for any published year, the latest published figures are shown with the area's left blank.
Rank and quartile place the area's own figure among every LA's published figure for that year
(the area's published figure left out), best first by the measure's polarity; they are not
given for a measure that is neither better higher nor lower.  The statistical neighbours'
figure is the mean of those of the area's ten neighbours that have a published figure.

16-17 year olds NEET or not known (``post16_neet_nk``) are compared as DfE publishes them (NCCIS):
the mean of the December, January and February counts, the year named by its February.  The
area's figure for a period is that of the latest complete December-February (from the February
period on, the one ending that February; before it, the year before's): 100 x the mean of the
three months' numerators / the mean of their denominators, blank when a month is missing.  It
sits beside DfE's figures of the same year when published, else of the latest year before it,
and the row says which year each figure is (:func:`neet_comparison`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from pipeline.periods import parse_period
from pipeline.reports.formatting import period_label
from pipeline.reports.spc_pack import line_text
from pipeline.warehouse.db import read_sql_frame


@dataclass(frozen=True)
class Benchmark:
    """A measure and breakdown DfE publishes, and how its years run."""

    measure_id: str
    breakdown: str
    title: str
    year_kind: str  # calendar | academic (year = the end of the academic year) | january


BENCHMARKS = (
    Benchmark("ehcp_20wk_calendar_year", "all", "New EHC plans issued within 20 weeks, excluding exceptions (%)",
              "calendar"),
    Benchmark("ks2_rwm_expected", "group=EHCP", "KS2 reading, writing and maths, pupils with an EHC plan (%)",
              "academic"),
    Benchmark("ks2_rwm_expected", "group=SEN_support", "KS2 reading, writing and maths, pupils on SEN support (%)",
              "academic"),
    Benchmark("ks2_rwm_expected", "group=no_SEN", "KS2 reading, writing and maths, pupils with no SEN (%)",
              "academic"),
    Benchmark("ks4_attainment8", "group=EHCP", "Average Attainment 8, pupils with an EHC plan", "academic"),
    Benchmark("ks4_attainment8", "group=SEN_support", "Average Attainment 8, pupils on SEN support", "academic"),
    Benchmark("ks4_attainment8", "group=no_SEN", "Average Attainment 8, pupils with no SEN", "academic"),
    Benchmark("pupils_sen_share", "group=EHCP", "Pupils with an EHC plan (%)", "january"),
    Benchmark("pupils_sen_share", "group=SEN_support", "Pupils on SEN support (%)", "january"),
)


@dataclass
class Comparison:
    """One measure of the area beside the published figures of the same year."""

    benchmark: Benchmark
    year: int | None  # the year compared: the latest with both figures, else the latest published
    local: float | None  # None: the area has no figure of its own for that year
    england: float | None
    region: float | None
    neighbours: float | None
    neighbours_count: int
    rank: int | None
    ranked_out_of: int | None
    quartile: int | None  # 1 = the best quarter of LAs
    latest_published: int | None


def year_of(kind: str, period: str) -> int:
    """The published year a month's figure belongs to."""
    year, month = parse_period(period)
    if kind == "calendar":  # the latest complete calendar year ending on or before the period end
        return year if month == 12 else year - 1
    if kind == "academic":  # the latest academic year whose 31 August is on or before the period end
        return year if month >= 9 else year - 1
    if kind == "january":  # the latest January census: the spring census of this calendar year
        return year
    raise ValueError(f"year kind {kind!r} is not calendar, academic or january")


def year_label(kind: str, year: int) -> str:
    """How the pack names a published year: 2024, 2024/25 or January 2025."""
    if kind == "academic":
        return f"{year - 1}/{year % 100:02d}"
    return f"January {year}" if kind == "january" else str(year)


def local_by_year(engine: sa.Engine, benchmark: Benchmark, period: str) -> dict[int, float]:
    """The area's figure for each published year, from the latest month of that year up to ``period``."""
    rows = read_sql_frame(engine, "select period, value from measures where measure_id = :m and breakdown = :b "
                                  "and period <= :p and value is not null order by period",
                          {"m": benchmark.measure_id, "b": benchmark.breakdown, "p": period})
    by_year: dict[int, float] = {}
    for month, value in zip(rows["period"], rows["value"]):
        if benchmark.year_kind == "january" and parse_period(month)[1] not in (2, 3, 4):
            continue  # only months whose newest census is the spring (January) census
        by_year[year_of(benchmark.year_kind, month)] = float(value)
    return by_year


def rank_among(local: float, others: list[float], polarity: str) -> tuple[int, int, int]:
    """Rank (1 = best), how many ranked, and quartile (1 = best quarter) of ``local`` among LAs."""
    better = sum(1 for v in others if (v > local if polarity == "up" else v < local))
    rank, count = better + 1, len(others) + 1
    return rank, count, min(4, 1 + math.floor(4 * (rank - 1) / count))


def compare(engine: sa.Engine, benchmark: Benchmark, period: str, la_code: str, polarity: str | None) -> Comparison:
    """The area's figure beside England, region and neighbours for the latest year both have."""
    published = _published(engine, benchmark.measure_id, benchmark.breakdown)
    england_years = sorted(published.loc[published["la_code"] == "970", "year"].unique())
    latest = int(england_years[-1]) if england_years else None
    local = local_by_year(engine, benchmark, period)
    shared = [int(y) for y in england_years if int(y) in local]
    if latest is None:
        return Comparison(benchmark, None, None, None, None, None, 0, None, None, None, None)
    year = shared[-1] if shared else latest
    of_year = published[published["year"] == year].set_index("la_code")["value"]
    own = local.get(year)
    return Comparison(benchmark, year, own, latest_published=latest, **_beside(engine, of_year, la_code, own, polarity))


def _published(engine: sa.Engine, measure_id: str, breakdown: str) -> pd.DataFrame:
    """Every published figure of a measure and breakdown: ``year``, ``la_code``, ``value``."""
    return read_sql_frame(engine, "select year, la_code, value from ref_published_measures "
                                  "where measure_id = :m and breakdown = :b and value is not null",
                          {"m": measure_id, "b": breakdown})


def _beside(engine: sa.Engine, of_year: pd.Series, la_code: str | None, own: float | None,
            polarity: str | None) -> dict:
    """England, region, the neighbours' mean and the rank of ``own`` among LAs, from one year's figures by LA code."""
    region_code = _region_of(engine, la_code)
    neighbour_values = [float(of_year[c]) for c in _neighbours_of(engine, la_code) if c in of_year.index]
    la_values = _la_values(engine, of_year, exclude=la_code)
    rank = rank_among(own, la_values, polarity) if own is not None and polarity in ("up", "down") and la_values \
        else None
    return {"england": float(of_year["970"]) if "970" in of_year.index else None,
            "region": float(of_year[region_code]) if region_code in of_year.index else None,
            "neighbours": sum(neighbour_values) / len(neighbour_values) if neighbour_values else None,
            "neighbours_count": len(neighbour_values), "rank": rank[0] if rank else None,
            "ranked_out_of": rank[1] if rank else None, "quartile": rank[2] if rank else None}


def _region_of(engine: sa.Engine, la_code: str | None) -> str | None:
    frame = read_sql_frame(engine, "select region_code from ref_geography where la_code = :c", {"c": la_code})
    return None if frame.empty else frame["region_code"].iloc[0]


def _neighbours_of(engine: sa.Engine, la_code: str | None) -> list[str]:
    frame = read_sql_frame(engine, "select neighbour_la_code from ref_statistical_neighbours where la_code = :c "
                                   "order by sn_rank", {"c": la_code})
    return list(frame["neighbour_la_code"])


def _la_values(engine: sa.Engine, of_year: pd.Series, exclude: str | None) -> list[float]:
    las = set(read_sql_frame(engine, "select la_code from ref_geography where geographic_level = 'Local authority'")
              ["la_code"])
    return [float(v) for code, v in of_year.items() if code in las and code != exclude]


def _figure(value: float | None, unit: str | None) -> str:
    if value is None:
        return "not published"
    return f"{value:,.0f}" if unit == "count" else line_text(value, unit)


def benchmark_section(engine: sa.Engine, period: str, la_code: str | None, registry: dict,
                      provider_code: str | None = None) -> dict:
    """The pack's comparison table: a row a benchmarked measure, then NEET + not known by group (template context)."""
    rows = []
    for benchmark in BENCHMARKS:
        measure = registry[benchmark.measure_id]
        polarity = measure.polarity_for(benchmark.breakdown)
        got = compare(engine, benchmark, period, la_code, polarity) if la_code else None
        if got is None or got.year is None:
            rows.append({"header": benchmark.title, "badge": "", "cells": [
                {"text": "-", "css": ""}, {"text": "nothing published", "css": ""},
                *[{"text": "-", "css": ""} for _ in range(5)]]})
            continue
        rows.append(_row(benchmark.title, year_label(benchmark.year_kind, got.year), got.local,
                         "no figure for that year", vars(got), measure.unit,
                         "not ranked: neither higher nor lower is better"))
    neet = registry[NEET_MEASURE]
    rows += [_row(NEET_GROUPS[r["breakdown"]], r["years"], r["value"], r["reason"], r, neet.unit,
                  "not ranked: no LA figures published")
             for r in neet_comparison(engine, period, la_code, neet.polarity)["rows"]]
    return {"table": {"caption": "The area beside England, its region and its statistical neighbours",
                      "css": "summary benchmarks", "note": NEET_NOTE,
                      "columns": ["Measure", "Year", "This area", "England", "Region",
                                  "Statistical neighbours (average)", "Rank among LAs (1 = best)", "Quartile"],
                      "rows": rows},
            "return_check": return_check_section(engine, period, la_code, registry),
            "waits": waits_section(engine, period, provider_code)}


QUARTILE_WORDS = {1: "top quarter", 2: "second quarter", 3: "third quarter", 4: "bottom quarter"}


def _row(header: str, year_text: str, own: float | None, own_missing: str, figures: dict, unit: str | None,
         unranked: str) -> dict:
    """A row of the comparison table; ``figures`` as :func:`_beside` gives them, ``unranked`` the quartile's
    words when the area has a figure but no rank."""
    rank = (f"{figures['rank']} of {figures['ranked_out_of']}" if figures["rank"] else
            "not ranked" if own is not None else "-")
    return {"header": header, "badge": "", "cells": [
        {"text": year_text, "css": ""},
        {"text": _figure(own, unit) if own is not None else own_missing, "css": "num"},
        {"text": _figure(figures["england"], unit), "css": "num"},
        {"text": _figure(figures["region"], unit), "css": "num"},
        {"text": f"{_figure(figures['neighbours'], unit)} ({figures['neighbours_count']} of 10)"
         if figures["neighbours_count"] else "not published", "css": "num"},
        {"text": rank, "css": "num"},
        {"text": QUARTILE_WORDS.get(figures["quartile"], unranked if own is not None else "-"), "css": ""},
    ]}


NEET_MEASURE = "post16_neet_nk"
NEET_GROUPS = {  # breakdown -> the row's title
    "all": "16-17 year olds NEET or whose activity is not known (%)",
    "group=EHCP": "16-17 year olds NEET or not known, with an EHC plan (%)",
    "group=SEN_support": "16-17 year olds NEET or not known, on SEN support (%)",
    "group=no_SEN": "16-17 year olds NEET or not known, with no SEN (%)",
}
NEET_NOTE = ("16-17 year olds NEET or not known: as the Department publishes it, the mean of the December, January "
             "and February counts (NCCIS). The area's figure is the mean of its three months' numbers NEET or not "
             "known over the mean of its three months' 16-17 year olds. The Year column says which winter each "
             "figure is from: until the Department publishes the area's latest winter, the area is set beside the "
             "latest winter it has published.")


def djf_year(period: str) -> int:
    """The latest complete December-February by the end of ``period``, named by its February's year."""
    year, month = parse_period(period)
    return year if month >= 2 else year - 1


def djf_months(year: int) -> list[str]:
    """The December, January and February of a year as DfE's NCCIS figures name it."""
    return [f"{year - 1}-12", f"{year}-01", f"{year}-02"]


def djf_label(year: int) -> str:
    """``2025`` as "Dec 2024–Feb 2025"."""
    return f"Dec {year - 1}–Feb {year}"


def neet_years_text(year: int, published_year: int | None) -> str:
    """Which year each figure of a NEET row is from."""
    if published_year == year:
        return f"{year} ({djf_label(year)})"
    if published_year is None:
        return f"area: {djf_label(year)}; nothing published for {year} or before"
    return (f"area: {djf_label(year)}; England, region and neighbours: {published_year} "
            f"({djf_label(published_year)})")


def area_djf(engine: sa.Engine, breakdown: str, year: int) -> dict:
    """The area's ``post16_neet_nk`` of one December-February: the means of the three months' numerators and
    denominators and 100 x their ratio, or ``value`` None and ``reason`` saying which months are missing."""
    months = djf_months(year)
    rows = read_sql_frame(engine, "select period, numerator, denominator from measures where measure_id = :m "
                                  "and breakdown = :b and period in (:d, :j, :f) and numerator is not null "
                                  "and denominator is not null",
                          {"m": NEET_MEASURE, "b": breakdown, "d": months[0], "j": months[1], "f": months[2]})
    missing = [m for m in months if m not in set(rows["period"])]
    if missing:
        return {"value": None, "numerator": None, "denominator": None,
                "reason": f"blank: no figure for {_and_list([period_label(m) for m in missing])}"}
    numerator, denominator = (float(rows[c].astype(float).mean()) for c in ("numerator", "denominator"))
    if denominator == 0:
        return {"value": None, "numerator": numerator, "denominator": denominator,
                "reason": f"blank: no 16-17 year olds in {djf_label(year)}"}
    return {"value": 100 * numerator / denominator, "numerator": numerator, "denominator": denominator, "reason": ""}


def _and_list(words: list[str]) -> str:
    """``["a", "b", "c"]`` as "a, b and c"."""
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def neet_comparison(engine: sa.Engine, period: str, la_code: str | None, polarity: str | None = "down") -> dict:
    """16-17 year olds NEET or not known, the area's latest complete December-February beside DfE's figures.

    Returns ``year`` (the area's winter, named by its February), ``months``, ``label`` and ``rows``, one a
    breakdown (``all``, ``group=EHCP``, ``group=SEN_support``, ``group=no_SEN``), each with the area's
    ``value`` (None, and ``reason`` why, when a month is missing), ``numerator`` and ``denominator`` (the
    three months' means), ``published_year`` (the same year when DfE published it, else the latest before;
    None when nothing is), ``years`` (which year each figure is, for the page), ``england``, ``region``,
    ``neighbours`` (the mean of those published) with ``neighbours_count``, and the area's ``rank`` among
    the LAs' published figures of ``published_year`` with ``ranked_out_of`` and ``quartile`` (1 = best).
    """
    year = djf_year(period)
    rows = []
    for breakdown in NEET_GROUPS:
        own = area_djf(engine, breakdown, year)
        published = _published(engine, NEET_MEASURE, breakdown)
        years = [int(y) for y in published.loc[published["la_code"] == "970", "year"] if int(y) <= year]
        published_year = max(years) if years else None
        of_year = published[published["year"] == published_year].set_index("la_code")["value"]
        rows.append({"breakdown": breakdown, **own, "published_year": published_year,
                     "years": neet_years_text(year, published_year),
                     **_beside(engine, of_year, la_code, own["value"], polarity)})
    return {"year": year, "months": djf_months(year), "label": djf_label(year), "rows": rows}


RETURN_CHECKS = (  # (measure built from the feeds, the published measure, how its years run, title)
    ("ehcp_in_force_january", "ehcp_in_force", "january", "EHC plans in force on the January census day"),
    ("ehcp_20wk_calendar_year", "ehcp_20wk_calendar_year", "calendar",
     "New EHC plans issued within 20 weeks, excluding exceptions (%)"),
)


def return_check_section(engine: sa.Engine, period: str, la_code: str | None, registry: dict) -> dict:
    """The area's own figures from its records beside what DfE published for the area (same year)."""
    rows = []
    for local_id, published_id, kind, title in RETURN_CHECKS:
        local = local_by_year(engine, Benchmark(local_id, "all", title, kind), period)
        published = read_sql_frame(engine, "select year, value from ref_published_measures where measure_id = :m "
                                           "and breakdown = 'all' and la_code = :c and value is not null",
                                   {"m": published_id, "c": la_code or ""})
        by_year = dict(zip(published["year"].astype(int), published["value"].astype(float)))
        years = sorted(set(local) & set(by_year))
        unit = registry[local_id].unit
        if not years:
            rows.append({"header": title, "badge": "", "cells": [{"text": "-", "css": ""},
                         {"text": "no year with both figures yet", "css": ""}, {"text": "-", "css": ""},
                         {"text": "-", "css": ""}]})
            continue
        year = years[-1]
        difference = local[year] - by_year[year]
        rows.append({"header": title, "badge": "", "cells": [
            {"text": year_label(kind, year), "css": ""}, {"text": _figure(local[year], unit), "css": "num"},
            {"text": _figure(by_year[year], unit), "css": "num"},
            {"text": (f"{difference:+,.0f}" if unit == "count" else f"{difference:+,.1f}")
             + (" points" if unit == "percent" else ""), "css": "num"}]})
    return {"caption": "The area's records against the figures DfE published for the area", "css": "summary",
            "note": "A difference means the records have changed since the return was made, or the return and "
                    "the records were counted differently; worth checking before the next return.",
            "columns": ["Measure", "Year", "From the area's records", "Published by DfE", "Difference"],
            "rows": rows}


WAIT_SERVICES = {"SLT": "Speech and language therapy", "OT": "Occupational therapy", "PHYSIO": "Physiotherapy",
                 "CDS": "Community paediatrics (child development)"}


def waits_section(engine: sa.Engine, period: str, provider_code: str | None) -> dict:
    """Children waiting over 18 weeks (%) beside NHS England's published figures, a row a service.

    The month compared is the latest NHS England has published for which the area has its own
    figure, else the latest published. The area's NHS trust (``provider_code``) is shown as
    NHS England published it; rank and quartile place the area's own figure among the other
    trusts (lower is better).
    """
    published = read_sql_frame(engine, "select period, org_type, org_code, service, total_waiting, "
                                        "waiting_over_18_weeks from ref_community_health_waits "
                                        "where total_waiting > 0 and waiting_over_18_weeks is not null")
    published["percent"] = 100 * published["waiting_over_18_weeks"] / published["total_waiting"]
    rows = []
    for service, label in WAIT_SERVICES.items():
        mine = published[published["service"] == service]
        local = local_by_month(engine, "therapy_over_18w", f"service={service}", period)
        months = sorted(mine["period"].unique())
        shared = [m for m in months if m in local]
        if not months:
            continue
        month = shared[-1] if shared else months[-1]
        of_month = mine[mine["period"] == month]
        england = of_month.loc[of_month["org_type"] == "National", "percent"]
        trust = of_month.loc[(of_month["org_type"] == "Provider") & (of_month["org_code"] == provider_code), "percent"]
        others = list(of_month.loc[(of_month["org_type"] == "Provider") & (of_month["org_code"] != provider_code),
                                   "percent"])
        own = local.get(month)
        rank = rank_among(own, others, "down") if own is not None and others else None
        rows.append({"header": label, "badge": "", "cells": [
            {"text": period_label(month), "css": ""},
            {"text": _figure(own, "percent") if own is not None else "no figure for that month", "css": "num"},
            {"text": _figure(float(trust.iloc[0]), "percent") if len(trust) else
             ("no trust set" if not provider_code else "not published"), "css": "num"},
            {"text": _figure(float(england.iloc[0]), "percent") if len(england) else "not published", "css": "num"},
            {"text": f"{rank[0]} of {rank[1]}" if rank else "-", "css": "num"},
            {"text": QUARTILE_WORDS[rank[2]] if rank else "-", "css": ""}]})
    return {"caption": "Children waiting more than 18 weeks (%), beside NHS England's published figures",
            "css": "summary benchmarks", "note": "",
            "columns": ["Service", "Month", "From the area's records", "The area's NHS trust, as published",
                        "England", "Rank among NHS trusts (1 = best)", "Quartile"], "rows": rows}


def local_by_month(engine: sa.Engine, measure_id: str, breakdown: str, period: str) -> dict[str, float]:
    """The area's figure of each month up to ``period``."""
    rows = read_sql_frame(engine, "select period, value from measures where measure_id = :m and breakdown = :b "
                                  "and period <= :p and value is not null",
                          {"m": measure_id, "b": breakdown, "p": period})
    return dict(zip(rows["period"], rows["value"].astype(float)))

