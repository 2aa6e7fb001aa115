"""The SQL models follow the project's conventions (ARCHITECTURE.md, STYLE.md)."""
from __future__ import annotations

import re

import pytest

from pipeline.warehouse import db

MODELS = db.list_models()
NAMES = {
    "staging": re.compile(r"^stg_[a-z0-9]+(_[a-z0-9]+)*__[a-z0-9_]+$"),
    "intermediate": re.compile(r"^int_[a-z0-9_]+s_[a-z0-9]+$"),
    "kpi": re.compile(r"^kpi_[a-z0-9_]+$"),
}


def _code(sql: str) -> str:
    """The SQL without comments and string literals."""
    without_comments = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return re.sub(r"'[^']*'", "''", without_comments)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.name)
def test_model_conventions(model):
    text = model.path.read_text(encoding="utf-8")
    assert NAMES[model.layer].match(model.name), "file name follows the layer's pattern"
    assert text.startswith("-- Grain:"), "a header comment states the grain first"
    assert "-- Sources:" in text, "the header names the sources"
    assert model.sql.rstrip().endswith("select * from final"), "select * from final last"
    assert re.search(r"^with\b", model.sql, re.MULTILINE), "import CTEs first"
    code = _code(model.sql)
    assert code == code.lower(), "lowercase"
    assert "%" not in code and not re.search(r"(?<!:):[a-z_]", code), "no bind parameters"


def test_models_run_after_what_they_read():
    seen: set[str] = set()
    names = {m.name for m in MODELS}
    layers = [m.layer for m in MODELS]
    assert layers == sorted(layers, key=db.MODEL_LAYERS.index)
    for model in MODELS:
        assert model.references(names) <= seen, model.name
        seen.add(model.name)


def test_a_cycle_is_reported(tmp_path):
    for layer in db.MODEL_LAYERS:
        (tmp_path / layer).mkdir()
    (tmp_path / "intermediate" / "int_as_made.sql").write_text("select * from int_bs_made")
    (tmp_path / "intermediate" / "int_bs_made.sql").write_text("select * from int_as_made")
    with pytest.raises(db.WarehouseError, match="cycle"):
        db.list_models(tmp_path)


def test_closure_holds_only_what_is_needed():
    closure = [m.name for m in db.model_closure(MODELS, ["int_named_plans_joined"])]
    assert closure[-1] == "int_named_plans_joined"
    assert "stg_council_send__placements" in closure and "stg_therapies__referrals" not in closure
