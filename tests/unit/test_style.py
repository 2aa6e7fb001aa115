"""The code passes ruff with the project's settings (pyproject.toml's ``[tool.ruff]``).

Pyflakes finds unused imports and undefined names; pycodestyle's errors and warnings keep
lines to 120 characters. The check runs the pinned ruff from requirements.lock on every
Python file of the repository, so a finding fails here with its file, line and rule.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ruff_finds_nothing():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"ruff check found problems; fix them or run `ruff check --fix`:\n{done.stdout}"


def test_ruff_reads_the_projects_settings():
    """The check above means something only if ruff applies the 120-character limit and the rules chosen."""
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--show-settings", "pipeline/config.py"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    assert "line_length = 120" in done.stdout
    assert "E501" in done.stdout and "F401" in done.stdout
