"""The SVG charts: valid SVG, a text alternative (title and desc), gaps, bars, embedding."""
from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pytest

from pipeline.reports import charts

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = ["Aug 2026", "Sep 2026", "Oct 2026"]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def title_and_desc(svg: str) -> tuple[str, str]:
    root = parse(svg)
    return root.find(f"{SVG}title").text, root.find(f"{SVG}desc").text


@pytest.mark.parametrize("value, expected", [(0, 1), (0.7, 1), (1, 1), (1.1, 2), (2.2, 2.5), (3, 5), (81.7, 100),
                                             (100, 100), (454.8, 500), (1670, 2000), (12, 20)])
def test_nice_ceiling(value, expected):
    assert charts.nice_ceiling(value) == pytest.approx(expected)


def test_line_chart_is_an_image_with_title_and_desc():
    svg = charts.line_chart("Children waiting, all services", MONTHS, [211, 215, 241],
                            chart_id="chart-waiting", display=["211", "215", "241"])
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-waiting-title chart-waiting-desc"
    title, desc = title_and_desc(svg)
    assert title == "Children waiting, all services"
    assert "from Aug 2026 to Oct 2026" in desc
    assert "Latest, Oct 2026: 241." in desc
    assert "Lowest 211 in Aug 2026; highest 241 in Oct 2026." in desc
    assert charts.TABLE_NOTE in desc
    assert len(root.findall(f"{SVG}polyline")) == 1
    assert len(root.findall(f"{SVG}circle")) == 1  # the latest month is marked


def test_line_chart_breaks_the_line_at_gaps():
    values = [5.0, 6.0, None, 7.0, 8.0, None, 9.0]  # the last point stands alone
    labels = [f"M{i}" for i in range(len(values))]
    svg = charts.line_chart("Series", labels, values, chart_id="gappy")
    root = parse(svg)
    assert len(root.findall(f"{SVG}polyline")) == 2  # the lone last point is a dot, not a line
    assert len(root.findall(f"{SVG}circle")) == 1
    assert "2 of 7 months have no figure" in title_and_desc(svg)[1]


def test_line_chart_with_no_figures_says_so():
    svg = charts.line_chart("Empty", MONTHS, [None, None, None], chart_id="empty", display=["c", "no data", "c"])
    root = parse(svg)
    assert root.findall(f"{SVG}polyline") == [] and root.findall(f"{SVG}circle") == []
    desc = title_and_desc(svg)[1]
    assert "Latest, Oct 2026: c." in desc and "No month has a figure" in desc
    assert "No figures to show" in svg


def test_text_is_escaped_and_the_output_is_deterministic():
    first = charts.line_chart("Plans <new> & old", MONTHS, [1.0, 2.0, 3.0], chart_id="esc")
    second = charts.line_chart("Plans <new> & old", MONTHS, [1.0, 2.0, 3.0], chart_id="esc")
    assert first == second
    assert title_and_desc(first)[0] == "Plans <new> & old"


@pytest.mark.parametrize("kwargs, message", [
    ({"labels": ["a"], "values": [1.0, 2.0], "chart_id": "x"}, "1 labels for 2 values"),
    ({"labels": ["a"], "values": [1.0], "chart_id": "1bad"}, "must start with a letter"),
    ({"labels": ["a"], "values": [float("nan")], "chart_id": "x"}, "not a finite number"),
    ({"labels": ["a"], "values": [1.0], "chart_id": "x", "display": ["1", "2"]}, "2 display texts"),
])
def test_inconsistent_inputs_are_refused(kwargs, message):
    with pytest.raises(charts.ChartError, match=message):
        charts.line_chart("T", **kwargs)


def test_bar_chart_lists_every_category_largest_first():
    labels = ["Mainstream", "State special", "Alternative provision"]
    svg = charts.bar_chart("Plans per 10,000 by setting", labels, [147.4, 172.5, None],
                           chart_id="chart-settings", display=["147.4", "172.5", "c"])
    root = parse(svg)
    assert root.get("role") == "img"
    title, desc = title_and_desc(svg)
    assert title == "Plans per 10,000 by setting"
    assert "largest first: State special 172.5; Mainstream 147.4; Alternative provision c." in desc
    assert len(root.findall(f"{SVG}rect")) == 2  # no bar for the suppressed one
    texts = [t.text for t in root.findall(f"{SVG}text")]
    assert "c" in texts and "Alternative provision" in texts


def test_bar_chart_makes_room_for_long_labels():
    svg = charts.bar_chart("Needs", ["Profound and multiple learning difficulty"], [0.9], chart_id="needs")
    rect = parse(svg).find(f"{SVG}rect")
    assert float(rect.get("x")) >= len("Profound and multiple learning difficulty") * charts.CHAR_WIDTH


def test_text_alternative_and_data_uri():
    svg = charts.bar_chart("A & B", ["x"], [1.0], chart_id="ab")
    alt = charts.text_alternative(svg)
    assert alt.startswith("A & B. Horizontal bar chart of A & B")
    uri = charts.data_uri(svg)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode("utf-8") == svg
    with pytest.raises(charts.ChartError):
        charts.text_alternative("<svg></svg>")


def test_an_isolated_point_gets_a_dot():
    svg = charts.line_chart("Series", ["a", "b", "c", "d"], [None, 4.0, None, 5.0], chart_id="iso")
    root = parse(svg)
    assert root.findall(f"{SVG}polyline") == []
    assert len(root.findall(f"{SVG}circle")) == 2
