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
) -> Settings:
    """Build the settings from arguments, then the environment, then the defaults."""
    data = Path(data_dir or os.environ.get("SEND_DATA_DIR", "data"))
    url = warehouse_url or os.environ.get("SEND_WAREHOUSE_URL") or default_warehouse_url(data)
    key = os.environ.get("SEND_PSEUDONYMISATION_KEY")
    if os.environ.get("SEND_ENV") == PRODUCTION and (not key or key == DEMO_KEY):
        raise SettingsError("SEND_ENV is production but SEND_PSEUDONYMISATION_KEY is "
                            f"{'the demo key' if key else 'not set'}: set it to the partnership's own secret "
                            "(make up generates one into <stack>/secrets.env).")
    if not key:
        log.warning("SEND_PSEUDONYMISATION_KEY is not set: using the demo key. Set it in production.")
        key = DEMO_KEY
    return Settings(
        data_dir=data,
        warehouse_url=url,
        pseudonymisation_key=key.encode("utf-8"),
        la_code=la_code or os.environ.get("SEND_LA_CODE") or None,
        area_name=os.environ.get("SEND_AREA_NAME") or Settings.area_name,
        inbox=Path(os.environ["SEND_INBOX_DIR"]) if os.environ.get("SEND_INBOX_DIR") else None,
        nhs_provider_code=os.environ.get("SEND_NHS_PROVIDER_CODE") or None,
    )
