"""A deployment of three areas through the monthly DAG (``dag.test()``): one area's refused delivery
fails that area alone; the other two publish; the places page shows all three, the stale one marked."""
from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pypdf
import pytest
import sqlalchemy as sa

MONTHLY = "send_monthly_board_pack"
PERIOD = "2026-10"
AREAS = {"890": ("Blackpool", 20251), "876": ("Halton", 7), "889": ("Blackburn with Darwen", 11)}
REFUSED = "876"
AREAS_YAML = """lead: "890"
areas:
  - {code: "890", name: Blackpool, nhs_provider_code: RXL}
  - {code: "876", name: Halton}
  - {code: "889", name: Blackburn with Darwen}
"""


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)


@pytest.fixture(scope="module")
def deployment(dagbag, airflow_db, tmp_path_factory):
    from pipeline.synthetic.inbox import write_inbox

    root = tmp_path_factory.mktemp("areas")
    for code, (_, seed) in AREAS.items():
        write_inbox(root / "inbox" / code, scale=0.05, months=2, end_period=PERIOD, la_code=int(code), seed=seed)
    broken = root / "inbox" / REFUSED / "therapies" / "therapy_referrals_05-11-2026.csv"
    broken.write_bytes(broken.read_bytes() + b"R999999,too,many,fields," + b"x," * 40 + b"\n")
    (root / "areas.yaml").write_text(AREAS_YAML, encoding="utf-8")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("SEND_AREAS_FILE", str(root / "areas.yaml"))
        monkeypatch.setenv("SEND_DATA_DIR", str(root / "data"))
        monkeypatch.setenv("SEND_INBOX_DIR", str(root / "inbox"))
        monkeypatch.delenv("SEND_WAREHOUSE_URL", raising=False)
        run = dagbag.dags[MONTHLY].test(logical_date=datetime(2026, 11, 1, 6, tzinfo=timezone.utc))
    states: dict[str, dict[str, str]] = {}
    codes = list(AREAS)  # the lead first, then the file's order: the map indexes
    for ti in run.get_task_instances():
        area = codes[ti.map_index] if ti.map_index >= 0 else "run"
        states.setdefault(area, {})[ti.task_id] = ti.state
    return {"run": run, "states": states, "data": root / "data"}


def pack(deployment, code: str) -> Path:
    return deployment["data"] / "areas" / code / "packs" / PERIOD


def test_the_refused_area_fails_alone(deployment):
    states = deployment["states"]
    assert deployment["run"].state == "failed"
    assert set(states["run"].values()) == {"success"}, states["run"]  # month, areas, places
    for code in ("890", "889"):
        assert set(states[code].values()) == {"success"}, (code, states[code])
    refused = states[REFUSED]
    assert refused["therapies.validate"] == refused["therapies.load"] == refused["check_feeds"] == "failed"
    others = {k: v for k, v in refused.items() if not k.startswith("therapies.") and k != "check_feeds"}
    assert set(others.values()) == {"success"}, others


def test_every_area_publishes_its_own_pack(deployment):
    for code in AREAS:
        assert (pack(deployment, code) / f"SEND-highlight-report-{PERIOD}.pdf").is_file(), code
        manifest = json.loads((deployment["data"] / "areas" / code / "packs" / "manifest.json").read_text())
        assert manifest["packs"][0]["status"].startswith("stale") == (code == REFUSED), (code, manifest["packs"][0])
    cover = pdf_text(pack(deployment, "889") / f"SEND-highlight-report-{PERIOD}.pdf").split("\n", 40)
    assert any("Blackburn with Darwen" in line for line in cover)


def test_the_places_page_shows_every_area_with_the_stale_one_marked(deployment):
    text = " ".join(pdf_text(pack(deployment, "890") / f"SEND-places-{PERIOD}.pdf").split())
    for name, _ in AREAS.values():
        assert name in text
    assert "Halton (stale)" in text and "Blackpool (stale)" not in text and "Darwen (stale)" not in text
    assert "Halton: refused: Children's therapy waiting lists" in text
    assert "England" in text
    lead = " ".join(pdf_text(pack(deployment, "890") / f"SEND-highlight-report-{PERIOD}.pdf").split())
    assert "The areas side by side" in lead and "Halton (stale)" in lead
    other = pdf_text(pack(deployment, "889") / f"SEND-highlight-report-{PERIOD}.pdf")
    assert "The areas side by side" not in other
    assert not (pack(deployment, "889") / f"SEND-places-{PERIOD}.pdf").exists()


def test_no_area_holds_another_areas_rows(deployment):
    measures = {}
    for code in AREAS:
        engine = sa.create_engine(f"duckdb:///{deployment['data'] / 'areas' / code / 'warehouse.duckdb'}")
        with engine.connect() as conn:
            leas = {str(v) for (v,) in conn.exec_driver_sql("select distinct lea from src_council_send__sen2")}
        engine.dispose()
        assert leas == {code}
        measures[code] = (pack(deployment, code) / f"measures-{PERIOD}.csv").read_text(encoding="utf-8")
    assert len(set(measures.values())) == 3
    shutil.rmtree(deployment["data"] / "areas" / "876" / "staged", ignore_errors=True)  # keep the tmp folder small
