"""Typed settings, read from the environment when asked for (never at import time).

Every setting has a default that serves the demo; production sets environment
variables (see the README's settings table).
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

DEMO_KEY = "demo-only-pseudonymisation-key-do-not-use-in-production"
PRODUCTION = "production"


class SettingsError(ValueError):
    """A setting cannot be used; the message is one line saying what to set."""


@dataclass(frozen=True)
class Settings:
    """Where the pipeline reads and writes, and the secret it pseudonymises with."""

    data_dir: Path
    warehouse_url: str
    pseudonymisation_key: bytes
    la_code: str | None = None
    area_name: str = "Demo area (synthetic data modelled on Blackpool)"
    inbox: Path | None = None  # where feeds are dropped; default <data>/inbox
    nhs_provider_code: str | None = None  # the area's community health NHS trust (ODS code, e.g. RXL)
    area_code: str | None = None  # one area of partnership/areas.yaml; None: the one default area
    spc_config: Path | None = None  # the area's SPC settings; None: partnership/spc.yaml
    oba_config: Path | None = None  # the area's areas of concern; None: partnership/oba.yaml

    @property
    def inbox_dir(self) -> Path:
        """The folder the scheduled run lands deliveries from."""
        return self.inbox if self.inbox is not None else self.data_dir / "inbox"

    @property
    def raw_dir(self) -> Path:
        """The immutable raw area that deliveries are copied into."""
        return self.data_dir / "raw"

    @property
    def packs_dir(self) -> Path:
        """Where the per-period outputs for the board go."""
        return self.data_dir / "packs"

    @property
    def reports_dir(self) -> Path:
        """Where validation reports are written, one folder a run."""
        return self.data_dir / "validation"


def default_warehouse_url(data_dir: Path) -> str:
    """The embedded default: a DuckDB file inside the data folder."""
    return f"duckdb:///{(data_dir / 'warehouse.duckdb').resolve()}"


def load_settings(
    data_dir: str | Path | None = None,
    warehouse_url: str | None = None,
    la_code: str | None = None,
    area: str | None = None,
) -> Settings:
    """Build the settings from arguments, then the environment, then the defaults.

    With ``area`` (a code of ``partnership/areas.yaml``), the settings of that area: its own
    data folder ``<data>/areas/<code>``, inbox, names and warehouse (a DuckDB file in its
    folder, or its schema ``area_<code>`` of a PostgreSQL warehouse).
    """
    data = Path(data_dir or os.environ.get("SEND_DATA_DIR", "data"))
    url = warehouse_url or os.environ.get("SEND_WAREHOUSE_URL")
    if area is not None:
        return _area_settings(area, data, url, _key())
    url = url or default_warehouse_url(data)
    return Settings(
        data_dir=data,
        warehouse_url=url,
        pseudonymisation_key=_key(),
        la_code=la_code or os.environ.get("SEND_LA_CODE") or None,
        area_name=os.environ.get("SEND_AREA_NAME") or Settings.area_name,
        inbox=Path(os.environ["SEND_INBOX_DIR"]) if os.environ.get("SEND_INBOX_DIR") else None,
        nhs_provider_code=os.environ.get("SEND_NHS_PROVIDER_CODE") or None,
    )


def _area_settings(code: str, data: Path, url: str | None, key: bytes) -> Settings:
    from pipeline.areas import find_area

    area = find_area(code)
    inbox_root = Path(os.environ["SEND_INBOX_DIR"]) if os.environ.get("SEND_INBOX_DIR") else data / "inbox"
    area_data = data / "areas" / area.code
    return Settings(
        data_dir=area_data,
        warehouse_url=area_warehouse_url(url, area_data, area.schema),
        pseudonymisation_key=key,
        la_code=area.code,
        area_name=area.name,
        inbox=area.inbox or inbox_root / area.code,
        nhs_provider_code=area.nhs_provider_code,
        area_code=area.code,
        spc_config=area.spc_config,
        oba_config=area.oba_config,
    )


def area_warehouse_url(url: str | None, area_data: Path, schema: str) -> str:
    """An area's warehouse: its own DuckDB file (one writer a file, so areas run side by side), or its schema."""
    if not url or url.startswith("duckdb"):
        return default_warehouse_url(area_data)
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    # keeps any other options, e.g. a statement_timeout
    options = " ".join(filter(None, [parsed.query.get("options"), f"-csearch_path={schema}"]))
    return parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)


def _key() -> bytes:
    key = os.environ.get("SEND_PSEUDONYMISATION_KEY")
    if os.environ.get("SEND_ENV") == PRODUCTION and (not key or key == DEMO_KEY):
        raise SettingsError("SEND_ENV is production but SEND_PSEUDONYMISATION_KEY is "
                            f"{'the demo key' if key else 'not set'}: set it to the partnership's own secret "
                            "(make up generates one into <stack>/secrets.env).")
    if not key:
        log.warning("SEND_PSEUDONYMISATION_KEY is not set: using the demo key. Set it in production.")
        key = DEMO_KEY
    return key.encode("utf-8")
