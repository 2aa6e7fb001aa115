"""The MDC-style SPC chart: every point's type is in the text, the SVG has a title and desc."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from pipeline.analysis import spc
from pipeline.reports.spc_chart import (ASSURANCE_WORDS, BASELINE_DASH, POINT_COLOURS, POINT_WORDS, VARIATION_WORDS,
                                        baseline_words, spc_chart)

SVG = "{http://www.w3.org/2000/svg}"
# 12 steady months around 20, then 12 months falling well below: lower is better.
VALUES = [20, 21, 19, 20, 22, 20, 19, 21, 20, 20, 21, 19, 15, 14, 13, 12, 11, 10, 10, 9, 9, 8, 8, 7]
LABELS = [f"M{i:02d}" for i in range(24)]


def chart(**options):
    analysis = spc.analyse(VALUES, LABELS, polarity="down", target=10, **options)
    return analysis, spc_chart("Children waiting", analysis, LABELS, chart_id="spc-test", rebase_labels=["1"])


def test_the_svg_is_an_image_with_a_title_and_a_description():
    _, svg = chart()
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "spc-test-title spc-test-desc"
    assert root.find(f"{SVG}title").text == "Children waiting"
    desc = root.find(f"{SVG}desc").text
    assert desc.startswith("Statistical process control chart of Children waiting, one point a month from M00 to M23.")
    assert "Latest, M23: 7." in desc


def test_every_point_is_drawn_in_its_type_colour_and_its_type_named_in_the_desc():
    analysis, svg = chart()
    root = ET.fromstring(svg)
    colours = [c.get("fill") for c in root.iter(f"{SVG}circle")]
    assert colours == [POINT_COLOURS[p.point_type] for p in analysis.points]
    flagged = [p for p in analysis.points if p.point_type != spc.COMMON_CAUSE]
    assert {p.point_type for p in flagged} == {spc.IMPROVEMENT, spc.CONCERN}  # high first year, low second
    desc = root.find(f"{SVG}desc").text
    assert f"{len(flagged)} month(s) show special cause variation" in desc
    assert f"M23 {POINT_WORDS[spc.IMPROVEMENT]}" in desc


def test_the_icons_words_and_the_target_are_in_the_desc():
    analysis, svg = chart()
    desc = ET.fromstring(svg).find(f"{SVG}desc").text
    assert analysis.variation == "improvement_low"
    assert f"Variation: {VARIATION_WORDS['improvement_low']}." in desc
    assert f"Target 10. Assurance: {ASSURANCE_WORDS[analysis.assurance]}." in desc


def test_a_rebase_draws_a_marker_and_each_period_its_own_mean():
    analysis, svg = chart(rebases=["M12"])
    assert {p.period for p in analysis.points} == {0, 1}
    root = ET.fromstring(svg)
    dotted = [ln for ln in root.iter(f"{SVG}line") if ln.get("stroke-dasharray") == "1 2"]
    assert len(dotted) == 1
    means = [ln for ln in root.iter(f"{SVG}line") if ln.get("stroke") == "#212b32"]
    assert len(means) == 2 and means[0].get("y1") != means[1].get("y1")
    assert any(t.text == "1" for t in root.iter(f"{SVG}text"))


def test_a_short_series_is_a_run_chart_and_says_so():
    analysis = spc.analyse(VALUES[:8], LABELS[:8], polarity="down")
    svg = spc_chart("Children waiting", analysis, LABELS[:8], chart_id="short")
    desc = ET.fromstring(svg).find(f"{SVG}desc").text
    assert "no process limits" in desc and VARIATION_WORDS[None] in desc
    assert not [ln for ln in ET.fromstring(svg).iter(f"{SVG}line") if ln.get("stroke-dasharray") == "4 2"]


def test_the_same_analysis_gives_the_same_text():
    assert chart()[1] == chart()[1]
    assert not re.search(r"\d\.\d{2,}", chart()[1].split("</desc>")[1])  # coordinates to one decimal place


def dash_dot(svg):
    return [ln for ln in ET.fromstring(svg).iter(f"{SVG}line") if ln.get("stroke-dasharray") == BASELINE_DASH]


def test_a_baseline_draws_a_marker_after_its_last_month_and_says_so():
    analysis, svg = chart(baseline=13)  # limits from M00-M12; M13-M23 judged against them
    marker, = dash_dot(svg)
    assert marker.get("x1") == marker.get("x2") == "273.7"  # halfway between M12 and M13: 40 + 430 x 12.5/23
    assert any(t.text == "baseline" for t in ET.fromstring(svg).iter(f"{SVG}text"))
    desc = ET.fromstring(svg).find(f"{SVG}desc").text
    assert "Limits fixed from the first 13 months (to M12)." in desc
    assert baseline_words(analysis, LABELS) == ["Limits fixed from the first 13 months (to M12)."]


def test_a_baseline_after_a_rebase_and_a_gap_is_named_by_its_period_and_months_with_a_figure():
    values = VALUES[:8] + [None] + VALUES[9:]
    analysis = spc.analyse(values, LABELS, polarity="down", rebases=["M05"], baseline=13)
    # period 0 (M00-M04) is shorter than 13: lines from all of it, no marker; period 1's first 13
    # months with a figure are M05-M07 and M09-M18
    assert analysis.baseline_ends == [18]
    svg = spc_chart("Children waiting", analysis, LABELS, chart_id="gap", rebase_labels=["1"])
    words = "Limits fixed from the first 13 months with a figure from M05 (to M18)."
    assert words in ET.fromstring(svg).find(f"{SVG}desc").text
    assert len(dash_dot(svg)) == 1


def test_without_a_baseline_there_is_no_marker_and_no_words():
    analysis, svg = chart()
    assert dash_dot(svg) == [] and baseline_words(analysis, LABELS) == []
    assert "Limits fixed" not in svg and ">baseline<" not in svg
