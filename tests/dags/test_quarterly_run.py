"""A real run of the quarterly stocktake DAG (``dag.test()``) on the small synthetic inbox."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pypdf
import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.slow

QUARTERLY = "send_quarterly_stocktake"
LOGICAL_DATE = datetime(2026, 10, 1, 7, tzinfo=timezone.utc)  # interval 1 July -> 1 October: Q3 2026


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_stocktake_covers_every_area_and_every_overdue_milestone(dagbag, airflow_db, dag_inbox, tmp_path,
                                                                     monkeypatch):
    from pipeline.config import load_settings
    from pipeline.definitions.plan import load_plan
    from pipeline.orchestration.run import run_period

    data = tmp_path / "data"
    monkeypatch.setenv("SEND_DATA_DIR", str(data))
    monkeypatch.setenv("SEND_INBOX_DIR", str(dag_inbox))
    monkeypatch.delenv("SEND_WAREHOUSE_URL", raising=False)
    run_period("2026-09", dag_inbox, load_settings(), render=False)  # the quarter's last month, built
    run = dagbag.dags[QUARTERLY].test(logical_date=LOGICAL_DATE)
    assert run.state == "success"

    pdf = data / "packs" / "2026-09" / "SEND-quarterly-stocktake-2026-Q3.pdf"
    reader = pypdf.PdfReader(pdf)
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"]) and reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert reader.metadata.title.startswith("SEND quarterly stocktake, 2026 Q3")
    text = squash("\n".join(page.extract_text() or "" for page in reader.pages))
    assert squash("Quarter: July to September 2026 (Q3)") in text
    for area in load_plan().areas:
        assert squash(f"Area of concern {area.ref}: {area.title}") in text, area.ref
    engine = sa.create_engine(f"duckdb:///{data / 'warehouse.duckdb'}")
    with engine.connect() as conn:
        overdue = [r[0] for r in conn.execute(sa.text(
            "select milestone_id from programme_status where period = '2026-09' and status = 'overdue'"))]
    engine.dispose()
    assert overdue
    for milestone_id in overdue:
        assert squash(milestone_id) in text, milestone_id
    assert squash("You said, we're doing, we did") in text


def pack_event(period: str, area: str | None = None):
    from types import SimpleNamespace

    return SimpleNamespace(extra={"period": period, "area": area, "pdf": f"/packs/{area}/{period}.pdf"})


def write_packs(packs_dir, *periods: str, stocktakes: dict | None = None) -> None:
    """A packs manifest listing ``periods``; ``stocktakes`` maps a period to the pack sha256 its stocktake follows."""
    import json

    packs = [{"period": period, "pdf": {"file": f"{period}/pack.pdf", "sha256": f"sha-{period}", "bytes": 9},
              **({"stocktake": {"follows": (stocktakes or {})[period]}} if period in (stocktakes or {}) else {})}
             for period in periods]
    packs_dir.mkdir(parents=True, exist_ok=True)
    (packs_dir / "manifest.json").write_text(json.dumps({"packs": packs}), encoding="utf-8")


def test_a_run_that_follows_a_pack_renders_the_quarter_ends_without_a_stocktake(monkeypatch, tmp_path):
    from pipeline.orchestration.tasks import stocktakes_due

    monkeypatch.delenv("SEND_AREAS_FILE", raising=False)  # one default area (the repo ships no areas.yaml)
    monkeypatch.setenv("SEND_DATA_DIR", str(tmp_path))
    write_packs(tmp_path / "packs", "2026-10")
    assert stocktakes_due(None, {"asset": [pack_event("2026-10")]}) == []  # not a quarter's last month
    write_packs(tmp_path / "packs", "2026-10", "2026-09")
    assert stocktakes_due(None, {"asset": [pack_event("2026-09")]}) == [{"period": "2026-09", "area": None}]
    write_packs(tmp_path / "packs", "2026-10", "2026-09", stocktakes={"2026-09": "sha-2026-09"})
    assert stocktakes_due(None, {"asset": [pack_event("2026-09")]}) == []  # already followed by its stocktake
    write_packs(tmp_path / "packs", "2026-10", "2026-09", stocktakes={"2026-09": "sha-of-an-earlier-run"})
    assert stocktakes_due(None, {"asset": [pack_event("2026-09")]}) == [{"period": "2026-09", "area": None}]
    assert stocktakes_due(LOGICAL_DATE.replace(month=10), None) == [{"period": "2026-09", "area": None}]


def test_a_quarter_end_is_not_lost_when_airflow_folds_its_event_into_another_run(monkeypatch, tmp_path):
    """A backfill publishes September and October together: Airflow may start one run whose events
    name October alone (September's event came while the run was queued). Q3 is still rendered,
    in every area whose September pack no stocktake follows, whichever areas the events name."""
    from pipeline.orchestration.tasks import stocktakes_due

    areas = tmp_path / "areas.yaml"
    areas.write_text('packs: lead\nareas:\n  - {code: "890", name: Blackpool}\n  - {code: "876", name: Halton}\n'
                     '  - {code: "889", name: Blackburn with Darwen}\n', encoding="utf-8")
    monkeypatch.setenv("SEND_AREAS_FILE", str(areas))
    monkeypatch.setenv("SEND_DATA_DIR", str(tmp_path))
    write_packs(tmp_path / "areas" / "890" / "packs", "2026-10", "2026-09", "2026-06",
                stocktakes={"2026-06": "sha-2026-06"})
    write_packs(tmp_path / "areas" / "876" / "packs", "2026-06")
    write_packs(tmp_path / "areas" / "889" / "packs", "2026-09")  # its event was the one folded away
    events = {"asset": [pack_event("2026-10", "890"), pack_event("2026-10", "876")]}
    assert stocktakes_due(None, events) == [{"period": "2026-09", "area": "890"}, {"period": "2026-06", "area": "876"},
                                            {"period": "2026-09", "area": "889"}]
