"""The local areas a deployment serves, as data (``partnership/areas.yaml``).

One area is the default and needs no file: the settings of :mod:`pipeline.config` describe
it, and everything goes where it always went. A deployment that serves several areas (an
integrated care board running children's therapies for several councils, a region) lists
them in ``partnership/areas.yaml``, or the file ``SEND_AREAS_FILE`` names::

    lead: "890"                 # the area whose pack carries the places page
    packs: all                  # or `lead`: only the lead area's pack (a region's or England's comparison)
    areas:
      - code: "890"             # DfE's three-digit LA number
        name: Blackpool
        inbox: inbox/890        # optional; default <SEND_INBOX_DIR or data/inbox>/<code>
        nhs_provider_code: RXL  # optional: the community health NHS trust's ODS code
        spc: spc-890.yaml       # optional: the area's SPC settings; default partnership/spc.yaml
        oba: oba-890.yaml       # optional: its areas of concern; default partnership/oba.yaml

Relative paths are read from the file's folder. An area's plan is the ``plan.yaml`` its
programme feed delivers (``<inbox>/programme/``), like its other feeds.

Each area has its own data folder (``<data>/areas/<code>/``: raw copies, staged files,
validation reports, packs) and its own warehouse: a DuckDB file in that folder, or, on
PostgreSQL, a schema ``area_<code>`` of the one database. The SQL never names an area, so
no area's rows can reach another's pack (``docs/design_decisions.md``: why not an
``la_code`` on every row).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

AREAS_PATH = Path(__file__).resolve().parents[1] / "partnership" / "areas.yaml"
_CODE = re.compile(r"^[0-9]{3}$")


class AreasError(ValueError):
    """The areas file cannot be used; the message names the entry and what to change."""


@dataclass(frozen=True)
class Area:
    """One local area of a deployment."""

    code: str
    name: str
    inbox: Path | None = None
    nhs_provider_code: str | None = None
    spc_config: Path | None = None
    oba_config: Path | None = None
    lead: bool = False
    pack: bool = True  # False: `packs: lead` and not the lead area (its measures only, for the places page)

    @property
    def schema(self) -> str:
        """Its PostgreSQL schema."""
        return f"area_{self.code}"


def areas_file() -> Path | None:
    """The areas file in force: ``SEND_AREAS_FILE``, else ``partnership/areas.yaml`` when it exists, else None."""
    named = os.environ.get("SEND_AREAS_FILE")
    if named:
        if not Path(named).is_file():
            raise AreasError(f"SEND_AREAS_FILE is {named}, which is not a file: "
                             "point it at the areas file or unset it.")
        return Path(named)
    return AREAS_PATH if AREAS_PATH.is_file() else None


def load_areas(path: Path | None = None) -> list[Area]:
    """The deployment's areas, lead first; an empty list when there is no areas file (one default area)."""
    path = path if path is not None else areas_file()
    if path is None:
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise AreasError(f"{path} is not valid YAML: {exc}") from exc
    entries = data.get("areas") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise AreasError(f"{path}: expected a list `areas:` of at least one area (code and name).")
    areas, folder = [], path.parent
    lead = str(data.get("lead") or "")
    packs = str(data.get("packs") or "all")
    if packs not in ("all", "lead"):
        raise AreasError(f"{path}: packs is {packs!r}: say `all` (every area's pack, the default) or `lead`.")
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: area {number}"
        if not isinstance(entry, dict):
            raise AreasError(f"{where} is not a mapping with code and name.")
        code, name = str(entry.get("code", "")).strip(), str(entry.get("name", "")).strip()
        if not _CODE.match(code):
            raise AreasError(f"{where}: code {code!r} is not a three-digit DfE LA number (quote it: \"890\").")
        if not name:
            raise AreasError(f"{where} ({code}) has no name.")
        unknown = set(entry) - {"code", "name", "inbox", "nhs_provider_code", "spc", "oba"}
        if unknown:
            raise AreasError(f"{where} ({code}): unknown keys {', '.join(sorted(unknown))}.")
        areas.append(Area(code=code, name=name, inbox=_path(folder, entry.get("inbox")),
                          nhs_provider_code=str(entry["nhs_provider_code"]) if entry.get("nhs_provider_code") else None,
                          spc_config=_path(folder, entry.get("spc")), oba_config=_path(folder, entry.get("oba"))))
    codes = [a.code for a in areas]
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        raise AreasError(f"{path}: area {', '.join(repeated)} is listed twice.")
    if lead and lead not in codes:
        raise AreasError(f"{path}: the lead area {lead} is not one of the areas ({', '.join(codes)}).")
    lead = lead or areas[0].code  # the first area leads when none is named
    areas = [Area(**{**a.__dict__, "lead": a.code == lead, "pack": packs == "all" or a.code == lead}) for a in areas]
    return sorted(areas, key=lambda a: not a.lead)


def area_codes() -> list[str | None]:
    """What the DAG maps over: each area's code, or ``[None]`` for the one default area."""
    return [a.code for a in load_areas()] or [None]


def find_area(code: str) -> Area:
    """The area ``code`` of the areas file, or an error naming the areas there are."""
    areas = load_areas()
    for area in areas:
        if area.code == code:
            return area
    known = ", ".join(a.code for a in areas) or "none: there is no areas file"
    raise AreasError(f"Area {code} is not in the areas file (areas: {known}).")


def _path(folder: Path, value) -> Path | None:
    if not value:
        return None
    path = Path(str(value)).expanduser()
    return path if path.is_absolute() else folder / path
