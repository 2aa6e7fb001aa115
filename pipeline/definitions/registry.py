"""The measure registry: every measure's definition, as data (``pipeline/definitions/measures.yaml``).

One entry a measure of MEASURES.md: id, title, plain-English definition, unit, polarity,
OBA quadrant, accountability, source feed, owner, target, benchmark and breakdowns. The
pack's data dictionary is generated from it, and the tests check that every computed
measure has exactly one SQL model (``sql/kpi/kpi_<id>.sql``) and the rows it promises.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REGISTRY_PATH = Path(__file__).with_name("measures.yaml")

UNITS = ("count", "percent", "per_10000", "weeks", "points")
POLARITIES = ("up", "down", "neutral")
QUADRANTS = ("how_much", "how_well", "better_off")
ACCOUNTABILITIES = ("population", "performance")
STATUSES = ("computed", "not_yet_computed", "in_development")
KINDS = ("value", "list")
SECTIONS = ("council_send", "school_census", "therapies", "preparing_for_adulthood", "programme")
SOURCES = ("council_send", "school_census", "therapies", "nccis", "workforce", "programme")
REFERENCES = ("population", "establishments", "published_statistics")
BREAKDOWN_VALUES: dict[str, tuple[str, ...]] = {
    "all": ("all",),
    "service": ("SLT", "OT", "PHYSIO", "CDS", "ND"),
    "group": ("EHCP", "SEN_support", "no_SEN"),
    "setting": (
        "mainstream",
        "special_state",
        "special_independent",
        "alternative_provision",
        "post16",
        "elsewhere",
        "not_recorded",
    ),
    "need": (
        "SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "DS", "OTH",
        "not_recorded",
    ),
}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_REQUIRED = ("id", "section", "title", "definition", "unit", "polarity", "oba_quadrant", "accountability",
             "source", "owner", "target", "benchmark", "breakdowns", "status")
_OPTIONAL = ("breakdown_polarity", "aim", "reference", "kind")


class RegistryError(ValueError):
    """The registry file is invalid; the message names the measure and the field."""


@dataclass(frozen=True)
class Measure:
    """One measure of the catalogue."""

    id: str
    section: str
    title: str
    definition: str
    unit: str | None
    polarity: str | None
    oba_quadrant: str | None
    accountability: str
    source: str
    owner: str
    target: float | None
    benchmark: str | None
    breakdowns: tuple[str, ...]
    status: str
    kind: str = "value"
    aim: str | None = None
    reference: tuple[str, ...] = ()
    breakdown_polarity: Mapping[str, str] = field(default_factory=dict, hash=False)

    @property
    def is_computed(self) -> bool:
        """True when the pipeline computes the measure today."""
        return self.status == "computed"

    def expected_breakdowns(self) -> list[str]:
        """Every ``breakdown`` value the measure's rows carry, in display order."""
        out: list[str] = []
        for dimension in self.breakdowns:
            if dimension == "all":
                out.append("all")
            else:
                out.extend(f"{dimension}={value}" for value in BREAKDOWN_VALUES[dimension])
        return out

    def polarity_for(self, breakdown: str) -> str | None:
        """The polarity of one row: the breakdown's own where given, else the measure's."""
        return self.breakdown_polarity.get(breakdown, self.polarity)


def load_registry(path: str | Path | None = None) -> list[Measure]:
    """Read and validate the registry.

    Returns
    -------
    list of Measure
        In file order.

    Raises
    ------
    RegistryError
        When an entry misses a field, uses a value outside its vocabulary, or repeats an id.
    """
    source = Path(path) if path else REGISTRY_PATH
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("measures"), list):
        raise RegistryError(f"{source} must hold a 'measures:' list.")
    measures = [_parse(entry, n) for n, entry in enumerate(data["measures"], start=1)]
    seen: set[str] = set()
    for measure in measures:
        if measure.id in seen:
            raise RegistryError(f"Measure id {measure.id!r} appears twice in {source}.")
        seen.add(measure.id)
    return measures


def registry_by_id(path: str | Path | None = None) -> dict[str, Measure]:
    """The registry as a dict keyed by measure id."""
    return {m.id: m for m in load_registry(path)}


def _parse(entry: Any, position: int) -> Measure:
    if not isinstance(entry, dict):
        raise RegistryError(f"Entry {position} of the registry is not a mapping.")
    name = str(entry.get("id", f"#{position}"))
    missing = [k for k in _REQUIRED if k not in entry]
    unknown = [k for k in entry if k not in _REQUIRED + _OPTIONAL]
    if missing or unknown:
        raise RegistryError(f"Measure {name}: missing fields {missing}, unknown fields {unknown}.")
    if not _ID.match(name):
        raise RegistryError(f"Measure {name}: id must be lowercase letters, digits and _.")
    for text in ("title", "definition", "owner"):
        if not isinstance(entry[text], str) or not entry[text].strip():
            raise RegistryError(f"Measure {name}: {text} must be a non-empty text.")
    kind = entry.get("kind", "value")
    _check(name, "kind", kind, KINDS)
    _check(name, "section", entry["section"], SECTIONS)
    _check(name, "unit", entry["unit"], UNITS, nullable=kind == "list")
    _check(name, "polarity", entry["polarity"], POLARITIES, nullable=True)
    _check(name, "oba_quadrant", entry["oba_quadrant"], QUADRANTS, nullable=True)
    _check(name, "accountability", entry["accountability"], ACCOUNTABILITIES)
    _check(name, "source", entry["source"], SOURCES)
    _check(name, "status", entry["status"], STATUSES)
    references = tuple(entry.get("reference") or ())
    for reference in references:
        _check(name, "reference", reference, REFERENCES)
    breakdowns = entry["breakdowns"]
    if not isinstance(breakdowns, list) or not breakdowns:
        raise RegistryError(f"Measure {name}: breakdowns must be a non-empty list.")
    for dimension in breakdowns:
        _check(name, "breakdowns", dimension, tuple(BREAKDOWN_VALUES))
    target = entry["target"]
    if target is not None and (isinstance(target, bool) or not isinstance(target, int | float)):
        raise RegistryError(f"Measure {name}: target must be a number or null, not {target!r}.")
    measure = Measure(
        id=name,
        section=entry["section"],
        title=entry["title"].strip(),
        definition=" ".join(entry["definition"].split()),
        unit=entry["unit"],
        polarity=entry["polarity"],
        oba_quadrant=entry["oba_quadrant"],
        accountability=entry["accountability"],
        source=entry["source"],
        owner=entry["owner"].strip(),
        target=None if target is None else float(target),
        benchmark=entry["benchmark"],
        breakdowns=tuple(breakdowns),
        status=entry["status"],
        kind=kind,
        aim=entry.get("aim"),
        reference=references,
        breakdown_polarity=dict(entry.get("breakdown_polarity") or {}),
    )
    for breakdown, polarity in measure.breakdown_polarity.items():
        if breakdown not in measure.expected_breakdowns():
            raise RegistryError(f"Measure {name}: breakdown_polarity names {breakdown!r}, not one of its rows.")
        _check(name, "breakdown_polarity", polarity, POLARITIES)
    return measure


def _check(name: str, field_name: str, value: object, allowed: tuple[str, ...], nullable: bool = False) -> None:
    if value is None and nullable:
        return
    if value not in allowed:
        choices = ", ".join(allowed) + (" or null" if nullable else "")
        raise RegistryError(f"Measure {name}: {field_name} is {value!r}; use one of {choices}.")
