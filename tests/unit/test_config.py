"""Settings: production refuses the demo pseudonymisation key, in one line."""
from __future__ import annotations

import pytest

from pipeline.config import DEMO_KEY, SettingsError, load_settings


def test_production_refuses_a_missing_or_demo_key(monkeypatch):
    monkeypatch.setenv("SEND_ENV", "production")
    monkeypatch.delenv("SEND_PSEUDONYMISATION_KEY", raising=False)
    with pytest.raises(SettingsError, match="SEND_PSEUDONYMISATION_KEY is not set") as missing:
        load_settings("data")
    assert "\n" not in str(missing.value)
    monkeypatch.setenv("SEND_PSEUDONYMISATION_KEY", DEMO_KEY)
    with pytest.raises(SettingsError, match="the demo key"):
        load_settings("data")
    monkeypatch.setenv("SEND_PSEUDONYMISATION_KEY", "the partnership's own secret")
    assert load_settings("data").pseudonymisation_key == b"the partnership's own secret"


def test_the_demo_keeps_its_key_with_a_warning(monkeypatch, caplog):
    monkeypatch.delenv("SEND_ENV", raising=False)
    monkeypatch.delenv("SEND_PSEUDONYMISATION_KEY", raising=False)
    assert load_settings("data").pseudonymisation_key == DEMO_KEY.encode()
    assert "demo key" in caplog.text


def test_the_command_line_says_it_in_one_line(monkeypatch, tmp_path, capsys):
    from pipeline.orchestration.cli import main

    monkeypatch.setenv("SEND_ENV", "production")
    monkeypatch.delenv("SEND_PSEUDONYMISATION_KEY", raising=False)
    (tmp_path / "inbox").mkdir()
    assert main(["run", "--period", "2026-10", "--inbox", str(tmp_path / "inbox"), "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: SEND_ENV is production")
