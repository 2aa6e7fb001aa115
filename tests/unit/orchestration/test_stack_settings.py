"""The stack's settings: one source (stack.env) for `make up` and compose; nothing listens beyond loopback."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.orchestration.stack import SHARED_SETTINGS, StackConfig, StackError, commands, read_env_file

ROOT = Path(__file__).resolve().parents[3]


def test_compose_reads_the_same_settings_file_and_repeats_none_of_it():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    common = compose["x-airflow-common"]
    assert common["env_file"] == ["stack.env"]
    shared = read_env_file(SHARED_SETTINGS)
    assert not set(shared) & set(common["environment"]), "set these in stack.env only"
    assert shared["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor" and shared["SEND_ENV"] == "production"


def test_every_log_server_is_off_and_the_api_is_on_loopback():
    cmds = commands(StackConfig.from_env({"SEND_DATA_DIR": "/tmp/x", "SEND_STACK_WORKERS": "2"}))
    assert set(cmds) == {"api-server", "scheduler", "dag-processor", "triggerer", "worker", "worker-2"}
    for name in ("scheduler", "triggerer", "worker", "worker-2"):
        assert "--skip-serve-logs" in cmds[name], name
    api = cmds["api-server"]
    assert api[api.index("--host") + 1] == "127.0.0.1"
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for service in ("airflow-scheduler", "airflow-triggerer", "airflow-worker"):
        assert "--skip-serve-logs" in compose[service]["command"], service


def test_a_broken_settings_line_is_named(tmp_path):
    path = tmp_path / "stack.env"
    path.write_text("# fine\nA=1\nnot a setting\n")
    with pytest.raises(StackError, match=r"stack.env, line 3: expected KEY=value"):
        read_env_file(path)
