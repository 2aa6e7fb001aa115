"""The plan as data: a Written Statement of Action (or priority action plan) read from ``plan.yaml``.

:func:`load_plan` reads and checks the file and returns :class:`Plan`: areas of concern →
focus areas (impacts, outcomes, evidence, measures) → actions (ref, title, lead roles) →
milestones (a due date, or a recurrence such as monthly from 2022-10-31).  Every error names
the file, the line and what to write instead.  :func:`occurrences` expands a recurring
milestone into its due dates up to a day.  The shipped plan is Blackpool's
(``partnership/plan.yaml``).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from pipeline.definitions.registry import registry_by_id

PLAN_PATH = Path(__file__).resolve().parents[2] / "partnership" / "plan.yaml"
KINDS = {"written_statement_of_action": "Written Statement of Action", "priority_action_plan": "priority action plan"}
EVERY_MONTHS = {"month": 1, "quarter": 3}
_LINE = "__line__"


class PlanError(ValueError):
    """The plan file cannot be used; the message names the file, the line and the fix."""


@dataclass(frozen=True)
class Milestone:
    """A step of an action with its due date (or its first date and a recurrence)."""

    id: str
    text: str
    due: date | None
    every: str | None = None  # "month" or "quarter" for a recurring milestone
    due_text: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Action:
    """What the partnership said it would do, who leads it, and its milestones."""

    ref: str
    title: str
    leads: tuple[str, ...]
    milestones: tuple[Milestone, ...]


@dataclass(frozen=True)
class FocusArea:
    """A focus area of an area of concern, with its measures of success and its actions."""

    ref: str
    title: str
    impacts: tuple[str, ...]
    outcomes: tuple[str, ...]
    evidence: tuple[str, ...]
    measure_ids: tuple[str, ...]
    measures_in_development: bool
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class AreaOfConcern:
    """One of the inspection's areas of weakness."""

    ref: str
    title: str
    leads: tuple[str, ...]
    focus_areas: tuple[FocusArea, ...]


@dataclass(frozen=True)
class Plan:
    """The whole plan."""

    name: str
    kind: str
    area: str
    areas: tuple[AreaOfConcern, ...]
    source: str = ""

    @property
    def kind_words(self) -> str:
        """"Written Statement of Action" or "priority action plan"."""
        return KINDS[self.kind]

    def actions(self) -> list[Action]:
        """Every action, in plan order."""
        return [a for area in self.areas for f in area.focus_areas for a in f.actions]

    def milestones(self) -> list[tuple[Action, Milestone]]:
        """Every milestone with its action, in plan order."""
        return [(a, m) for a in self.actions() for m in a.milestones]


# --------------------------------------------------------------------------- reading


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that records the line of every mapping (for error messages)."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[_LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def load_plan(path: Path = PLAN_PATH) -> Plan:
    """Read and check a plan file; raises ``PlanError`` naming the line of the first problem."""
    try:
        raw = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_LineLoader)  # a SafeLoader subclass
    except OSError as exc:
        raise PlanError(f"{path} cannot be read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise PlanError(f"{path} is not valid YAML: {exc}") from exc
    checker = _Checker(Path(path))
    return checker.plan(raw)


class _Checker:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.measures = registry_by_id()
        self.seen: set[str] = set()

    def fail(self, node: dict | None, message: str) -> PlanError:
        line = node.get(_LINE) if isinstance(node, dict) else None
        return PlanError(f"{self.path}, line {line}: {message}" if line else f"{self.path}: {message}")

    def keys(self, node: object, what: str, required: set[str], optional: set[str], parent: dict | None) -> dict:
        if not isinstance(node, dict):
            raise self.fail(parent, f"{what} must be a mapping of keys (e.g. `ref:` and `title:`).")
        missing = required - set(node)
        if missing:
            raise self.fail(node, f"{what} lacks {', '.join(sorted(missing))}.")
        unknown = set(node) - required - optional - {_LINE}
        if unknown:
            raise self.fail(node, f"{what} has unknown key(s) {', '.join(sorted(unknown))}; "
                                  f"expected {', '.join(sorted(required | optional))}.")
        return node

    def texts(self, node: dict, key: str) -> tuple[str, ...]:
        values = node.get(key) or []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise self.fail(node, f"{key} must be a list of texts.")
        return tuple(values)

    def unique(self, node: dict, ref: str) -> str:
        if ref in self.seen:
            raise self.fail(node, f"{ref} appears twice; every ref and milestone id must be unique.")
        self.seen.add(ref)
        return ref

    def plan(self, raw: object) -> Plan:
        root = self.keys(raw, "The plan file", {"plan", "areas_of_concern"}, set(), None)
        head = self.keys(root["plan"], "plan", {"name", "kind", "area"}, {"inspection", "source"}, root)
        if head["kind"] not in KINDS:
            raise self.fail(head, f"kind {head['kind']!r} is not one of {', '.join(KINDS)}.")
        areas = root["areas_of_concern"]
        if not isinstance(areas, list) or not areas:
            raise self.fail(root, "areas_of_concern must list the plan's areas of concern.")
        return Plan(str(head["name"]), head["kind"], str(head["area"]),
                    tuple(self.area(a, root) for a in areas), str(head.get("source") or ""))

    def area(self, node: object, parent: dict) -> AreaOfConcern:
        node = self.keys(node, "An area of concern", {"ref", "title", "focus_areas"}, {"leads", "note"}, parent)
        ref = self.unique(node, str(node["ref"]))
        focus = [self.focus(f, node, ref) for f in node["focus_areas"] or []]
        return AreaOfConcern(ref, str(node["title"]), self.texts(node, "leads"), tuple(focus))

    def focus(self, node: object, parent: dict, area_ref: str) -> FocusArea:
        node = self.keys(node, "A focus area", {"ref", "title", "actions"},
                         {"impacts", "outcomes", "evidence", "measures", "measures_in_development",
                          "how_will_we_know", "note"}, parent)
        ref = self.unique(node, str(node["ref"]))
        if not ref.startswith(f"{area_ref}."):
            raise self.fail(node, f"focus area {ref} is not numbered under area of concern {area_ref}.")
        measure_ids = tuple(m for item in node.get("measures") or [] for m in self.measure_ids(item, node))
        actions = tuple(self.action(a, node, ref) for a in node["actions"] or [])
        return FocusArea(ref, str(node["title"]), self.texts(node, "impacts"), self.texts(node, "outcomes"),
                         self.texts(node, "evidence"), measure_ids, bool(node.get("measures_in_development")),
                         actions)

    def measure_ids(self, item: object, parent: dict) -> list[str]:
        item = self.keys(item, "A measure of success", {"text"}, {"measure_id", "measure_ids", "note"}, parent)
        ids = item.get("measure_ids") or ([item["measure_id"]] if item.get("measure_id") else [])
        for measure_id in ids:
            if measure_id not in self.measures:
                raise self.fail(item, f"measure {measure_id!r} is not in the measure registry "
                                      "(pipeline/definitions/measures.yaml); use null when none fits.")
        return list(ids)

    def action(self, node: object, parent: dict, focus_ref: str) -> Action:
        node = self.keys(node, "An action", {"ref", "title", "milestones"}, {"leads", "note", "ref_as_printed"},
                         parent)
        ref = self.unique(node, str(node["ref"]))
        if not re.fullmatch(rf"{re.escape(focus_ref)}\.\d+", ref):
            raise self.fail(node, f"action {ref} is not numbered under focus area {focus_ref} (e.g. {focus_ref}.1).")
        milestones = tuple(self.milestone(m, node, ref, n) for n, m in enumerate(node["milestones"] or [], 1))
        return Action(ref, str(node["title"]), self.texts(node, "leads"), milestones)

    def milestone(self, node: object, parent: dict, action_ref: str, position: int) -> Milestone:
        node = self.keys(node, "A milestone", {"id", "text"}, {"due", "recurrence", "due_text", "note"}, parent)
        milestone_id = self.unique(node, str(node["id"]))
        if milestone_id != f"{action_ref}.{position}":
            raise self.fail(node, f"milestone {milestone_id} should be {action_ref}.{position} "
                                  "(the action's ref and the milestone's position).")
        due = node.get("due")
        if due is not None and not isinstance(due, date):
            raise self.fail(node, f"due {due!r} is not a date written YYYY-MM-DD; put words in due_text.")
        every = None
        if node.get("recurrence"):
            recurrence = self.keys(node["recurrence"], "A recurrence", {"every", "from"}, set(), node)
            every = recurrence["every"]
            if every not in EVERY_MONTHS or not isinstance(recurrence["from"], date):
                raise self.fail(node, "recurrence must be {every: month|quarter, from: YYYY-MM-DD}.")
            due = due or recurrence["from"]
        return Milestone(milestone_id, str(node["text"]), due, every, node.get("due_text"), node.get("note"))


# --------------------------------------------------------------------------- dates


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def occurrences(milestone: Milestone, until: date) -> list[date]:
    """The milestone's due dates up to ``until``: its date, and for a recurring one every month
    (or quarter) after it, at the month's end when the first date is a month end."""
    if milestone.due is None or milestone.due > until:
        return []
    if milestone.every is None:
        return [milestone.due]
    first, step = milestone.due, EVERY_MONTHS[milestone.every]
    month_end = first == _month_end(first.year, first.month)
    out, n = [], 0
    while True:
        index = first.year * 12 + first.month - 1 + n * step
        year, month = divmod(index, 12)
        last = calendar.monthrange(year, month + 1)[1]
        day = last if month_end else min(first.day, last)
        when = date(year, month + 1, day)
        if when > until:
            return out
        out.append(when)
        n += 1
