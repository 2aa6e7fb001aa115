"""The package's folders are layers in the order the data flows; a lower one never imports a higher one.

Every module under ``pipeline/`` is parsed (nothing is imported) and every ``import`` in it,
at the top or inside a function, is checked against ``MAY_IMPORT``. A new folder must be
given its place here before its modules can pass.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "pipeline"
FOUNDATION = "foundation"  # pipeline/*.py: settings, periods, atomic files; they import nothing of the package
ORDER = (FOUNDATION, "definitions", "feeds", "warehouse", "analysis", "reports", "orchestration")
MAY_IMPORT = {layer: set(ORDER[:n]) for n, layer in enumerate(ORDER)}  # each layer, every layer before it
MAY_IMPORT["synthetic"] = {FOUNDATION, "definitions", "feeds"}  # made-up deliveries, in the feeds' own terms
MAY_IMPORT["orchestration"].add("synthetic")  # the command line writes the demo inbox
ENTRY_POINT = "pipeline.__main__"  # `python -m pipeline` starts the command line


def layer_of(module: str) -> str:
    """The layer of a dotted module name inside the package."""
    parts = module.split(".")
    if module == "pipeline":
        return FOUNDATION
    if module == ENTRY_POINT:
        return "orchestration"
    return parts[1] if (PACKAGE / parts[1]).is_dir() else FOUNDATION


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in the file, relative ones resolved."""
    found = []
    own = module_name(path).split(".")
    package = own if path.name == "__init__.py" else own[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            if module == "pipeline":  # `from pipeline import x`: x is a sub-package or module
                found += [(node.lineno, f"pipeline.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, module))
    return found


def imports_of_file(path: Path) -> list[tuple[int, str]]:
    """Imports of a file outside the package (absolute ones only)."""
    return [(n.lineno, n.module) for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(n, ast.ImportFrom) and n.module and not n.level]


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_folder_is_a_known_layer():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    assert folders == set(MAY_IMPORT) - {FOUNDATION}


def test_no_module_imports_a_higher_layer():
    wrong = []
    for path in MODULES:
        here = layer_of(module_name(path))
        wrong += [f"{path.relative_to(PACKAGE.parent)} line {line} ({here}) imports {module} ({layer_of(module)})"
                  for line, module in imports_of(path)
                  if module.startswith("pipeline.") and layer_of(module) not in MAY_IMPORT[here] | {here}]
    assert not wrong, "\n".join(wrong)


def test_only_orchestration_imports_airflow():
    airflow = [f"{path.relative_to(PACKAGE.parent)} line {line}: {module}" for path in MODULES
               if layer_of(module_name(path)) != "orchestration"
               for line, module in imports_of(path) if module.split(".")[0] == "airflow"]
    assert not airflow, "\n".join(airflow)


def test_the_dags_call_only_orchestration():
    dags = Path(__file__).resolve().parents[2] / "dags"
    for path in dags.glob("*.py"):
        used = {module for _line, module in imports_of_file(path) if module.startswith("pipeline")}
        assert used and all(layer_of(m) == "orchestration" for m in used), (path.name, used)


def test_the_rules_forbid_what_the_layers_forbid():
    """The checks above can fail: a feeds module importing a report would be caught."""
    assert layer_of(module_name(PACKAGE / "feeds" / "land.py")) == "feeds"
    assert layer_of("pipeline.reports.publish") not in MAY_IMPORT["feeds"]
    assert layer_of("pipeline.orchestration.tasks") not in MAY_IMPORT["analysis"]
    assert layer_of("pipeline.periods") == FOUNDATION and layer_of("pipeline.__main__") == "orchestration"
