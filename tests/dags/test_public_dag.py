"""The public dashboard DAG: it parses, follows the monthly pack's asset, and a real run writes the site."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

PUBLIC = "send_public_dashboard"
PERIOD = "2026-10"


def test_the_dag_loads_with_a_site_an_area_on_the_monthly_pack_asset(dagbag):
    assert dagbag.import_errors == {}
    dag = dagbag.dags[PUBLIC]
    assert [t.task_id for t in dag.tasks] == ["areas", "write_public_site"]
    task = dag.get_task("write_public_site")
    assert task.pool == "send_warehouse" and task.retries >= 1 and task.on_failure_callback
    assert type(dag.timetable).__name__ == "AssetTriggeredTimetable"
    assets = dag.timetable.asset_condition.objects
    assert [(a.name, a.uri) for a in assets] == [("send_monthly_board_pack", "file:///send/packs/manifest.json")]
    assert "period" in dag.params
    assert dag.catchup is False and dag.doc_md.strip().startswith("###") and "public" in dag.tags


def test_the_dag_file_and_the_monthly_dag_name_the_same_asset():
    import runpy

    from tests.dags.conftest import ROOT

    public = runpy.run_path(str(ROOT / "dags" / f"{PUBLIC}.py"))["MONTHLY_PACK"]
    monthly = runpy.run_path(str(ROOT / "dags" / "send_monthly_board_pack.py"))["MONTHLY_PACK"]
    assert (public.name, public.uri, public.group) == (monthly.name, monthly.uri, monthly.group)


def test_the_month_comes_from_the_param_or_the_pack_event_never_the_clock():
    from airflow.sdk.exceptions import AirflowFailException

    from pipeline.orchestration.public import period_of_run

    event = SimpleNamespace(extra={"period": "2026-10", "pdf": "x.pdf"})
    older = SimpleNamespace(extra={"period": "2026-09"})
    assert period_of_run({}, {"send_monthly_board_pack": [older, event]}) == "2026-10"
    assert period_of_run({"period": "2026-07"}, {"send_monthly_board_pack": [event]}) == "2026-07"  # the param wins
    with pytest.raises(AirflowFailException, match='"period": "YYYY-MM"'):
        period_of_run({"period": None}, {})
    with pytest.raises(AirflowFailException, match="not a month"):
        period_of_run({"period": "2026-13"}, None)


@pytest.mark.slow
def test_a_run_writes_the_public_site_from_the_warehouse(dagbag, airflow_db, dag_inbox, tmp_path, monkeypatch):
    from pipeline.config import load_settings
    from pipeline.orchestration.run import run_period

    data = tmp_path / "data"
    monkeypatch.setenv("SEND_DATA_DIR", str(data))
    monkeypatch.setenv("SEND_INBOX_DIR", str(dag_inbox))
    monkeypatch.delenv("SEND_WAREHOUSE_URL", raising=False)
    monkeypatch.delenv("SEND_PUBLIC_PACKS_URL", raising=False)
    run_period(PERIOD, dag_inbox, load_settings(), render=False)  # the month built, as the monthly DAG leaves it
    run = dagbag.dags[PUBLIC].test(run_conf={"period": PERIOD})
    assert run.state == "success"
    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    assert states == {"areas": "success", "write_public_site": "success"}

    public = data / "public"
    for name in ("index.html", "therapies.html", "you-said-we-did.html", "sources.html", "archive.html",
                 "accessibility.html", "public.css", f"archive/{PERIOD}/index.html"):
        assert (public / name).is_file(), name
    home = (public / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en-GB">' in home and "October 2026" in home
    assert "Demo area" in home  # the area name from the settings
    pages = "".join(p.read_text(encoding="utf-8") for p in public.rglob("*.html"))
    assert not re.search(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])", pages)  # no pseudonym reaches the site
    feedback = (public / "you-said-we-did.html").read_text(encoding="utf-8")
    assert "You said" in feedback

    before = {p: p.read_bytes() for p in public.rglob("*") if p.is_file() and not p.name.startswith(".")}
    again = dagbag.dags[PUBLIC].test(run_conf={"period": PERIOD})
    assert again.state == "success"
    assert {p: p.read_bytes() for p in public.rglob("*") if p.is_file() and not p.name.startswith(".")} == before
