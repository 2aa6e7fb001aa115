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


def test_a_monthly_pack_that_is_not_a_quarter_end_is_skipped(monkeypatch):
    from types import SimpleNamespace

    from pipeline.orchestration.tasks import stocktakes_due

    monkeypatch.delenv("SEND_AREAS_FILE", raising=False)  # one default area (the repo ships no areas.yaml)

    def pack(period, area=None):
        return SimpleNamespace(extra={"period": period, "area": area, "pdf": f"/packs/{period}.pdf"})

    assert stocktakes_due(None, {"asset": [pack("2026-10")]}) == []
    assert stocktakes_due(None, {"asset": [pack("2026-09")]}) == [{"period": "2026-09", "area": None}]
    assert stocktakes_due(LOGICAL_DATE.replace(month=10), None) == [{"period": "2026-09", "area": None}]


def test_a_run_that_follows_several_packs_renders_every_quarter_end_among_them():
    """A backfill publishes September and October together: the scheduler may start one run for both
    events, and Q3's stocktake must not be lost behind October."""
    from types import SimpleNamespace

    from pipeline.orchestration.tasks import stocktakes_due

    def pack(period, area):
        return SimpleNamespace(extra={"period": period, "area": area, "pdf": f"/packs/{area}/{period}.pdf"})

    events = {"asset": [pack("2026-10", "890"), pack("2026-09", "890"), pack("2026-09", "876"),
                        pack("2026-06", "876"), pack("2026-09", "890")]}
    assert stocktakes_due(None, events) == [{"period": "2026-06", "area": "876"}, {"period": "2026-09", "area": "876"},
                                            {"period": "2026-09", "area": "890"}]
