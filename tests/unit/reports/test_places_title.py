"""The places page's title fits its page however many areas a deployment serves."""
from pipeline.reports.places import deployment_name


def test_a_few_areas_are_named_and_many_are_counted():
    assert deployment_name(["Blackpool", "Halton"]) == "Blackpool, Halton"
    names = ["Blackpool"] + [f"Area {n}" for n in range(152)]
    assert deployment_name(names) == "Blackpool and 152 other areas"
