"""Stage reference files: ONS population and the GIAS establishments subset."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.feeds.contracts import Finding, Table
from pipeline.feeds.stage import stage_file


def stage_reference(path: Path, table: Table, key: bytes) -> tuple[pd.DataFrame, list[Finding]]:
    """A reference file is typed like any other; it holds no personal data."""
    return stage_file(path, table, key, None)
