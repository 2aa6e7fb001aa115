"""The places page of a deployment of several areas (``partnership/areas.yaml``).

Each area's month is read from its own warehouse (its DuckDB file, or its PostgreSQL schema),
never from another's, and laid side by side (:mod:`pipeline.reports.places`). The lead
area's highlight report carries the page; ``SEND-places-<period>.pdf`` is the page alone,
in the lead area's pack folder.
"""
from __future__ import annotations

import logging
from pathlib import Path

from pipeline.areas import load_areas
from pipeline.config import Settings, load_settings
from pipeline.feeds.contracts import FEEDS
from pipeline.orchestration import handover, run
from pipeline.reports.places import Place, deployment_name, england_figures, places_section, render_places
from pipeline.warehouse.db import read_sql_frame
from pipeline.warehouse.measures import read_measures

log = logging.getLogger(__name__)


def gather(period: str) -> list[Place]:
    """Every area's month, lead first (an empty list for the one default area)."""
    from pipeline.reports.publish import stale_feeds_of

    places = []
    for area in load_areas():
        settings = load_settings(area=area.code)
        with run.open_warehouse(settings) as engine:
            measures, stale = read_measures(engine, period), stale_feeds_of(engine, period)
        with handover.shared(settings, [f"validation/{period}"]):
            refused = sorted(set(run.refused_feeds(period, settings, FEEDS)))
        places.append(Place(area.code, area.name, measures, tuple(stale), tuple(refused)))
    return places


def section(period: str, settings: Settings) -> dict | None:
    """The places page for the lead area's pack; None unless ``settings`` are a deployment's lead area."""
    areas = load_areas()
    if len(areas) < 2 or settings.area_code != areas[0].code:
        return None
    from pipeline.definitions.registry import load_registry

    with run.open_warehouse(settings) as engine:
        published = read_sql_frame(engine, "select measure_id, breakdown, year, la_code, value "
                                           "from ref_published_measures")
    return places_section(period, gather(period), {m.id: m for m in load_registry()}, england_figures(published))


def write_places(period: str) -> Path | None:
    """Render ``SEND-places-<period>.pdf`` into the lead area's pack folder; None with fewer than two areas."""
    areas = load_areas()
    if len(areas) < 2:
        log.info("one area: no places page")
        return None
    lead = load_settings(area=areas[0].code)
    with handover.shared(lead, handover.pack_folders(period)):
        page = section(period, lead)
        path = render_places(page, lead.packs_dir / period, period, produced_on=run.produced_on(period),
                             deployment=deployment_name([a.name for a in areas]))
    if page["stale"]:
        log.warning("places page %s: %d of %d areas marked stale", path, len(page["stale"]), page["count"])
    return path
