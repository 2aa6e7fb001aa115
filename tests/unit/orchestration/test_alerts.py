"""Failure alerts: one ERROR log line always; an e-mail through Airflow's SMTP hook when set up."""
from __future__ import annotations

import email
import logging
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from pipeline.orchestration.alerts import failure_text, notify_failure, send_email
from tests.smtp import start_smtp_server

CONTEXT = {"ti": SimpleNamespace(task_id="therapies.load", dag_id="send_monthly_board_pack", log_url=None),
           "data_interval_start": datetime(2026, 10, 1, 6, tzinfo=timezone.utc),
           "exception": RuntimeError("Refused therapies 2026-11-05; the previous good data was kept.")}


@pytest.fixture()
def smtp_server():
    server = start_smtp_server()
    yield server
    server.shutdown()
    server.server_close()


def test_the_alert_names_the_task_the_month_the_reason_and_what_to_do():
    subject, body = failure_text("send_monthly_board_pack", "therapies.load", "2026-10", "Refused therapies", None)
    assert subject == "[SEND board pack] therapies.load failed for 2026-10"
    assert "Reason: Refused therapies" in body and "What to do:" in body and "README" in body


def test_without_recipients_it_logs_and_sends_nothing(monkeypatch, caplog):
    monkeypatch.delenv("SEND_ALERT_EMAILS", raising=False)
    with caplog.at_level(logging.INFO, logger="pipeline.orchestration.alerts"):
        notify_failure(CONTEXT)
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "therapies.load failed for 2026-10" in errors[0].getMessage()
    assert "Refused therapies 2026-11-05" in errors[0].getMessage()
    assert any("no e-mail sent" in r.getMessage() for r in caplog.records)


def test_with_recipients_and_an_smtp_connection_it_emails_the_alert(monkeypatch, smtp_server):
    port = smtp_server.server_address[1]
    monkeypatch.setenv("SEND_ALERT_EMAILS", "board-secretary@example.org, data-team@example.org")
    monkeypatch.setenv("AIRFLOW_CONN_SEND_TEST_SMTP", f"smtp://127.0.0.1:{port}?disable_ssl=true&disable_tls=true"
                                                      "&from_email=send-pipeline%40example.org&retry_limit=0")
    monkeypatch.setenv("SEND_SMTP_CONN_ID", "send_test_smtp")
    notify_failure(CONTEXT)
    message, = smtp_server.messages
    assert "Subject: [SEND board pack] therapies.load failed for 2026-10" in message
    assert "board-secretary@example.org" in message and "data-team@example.org" in message
    parts = [p.get_payload(decode=True) for p in email.message_from_string(message).walk() if not p.is_multipart()]
    assert any(b"Refused therapies 2026-11-05" in part for part in parts)


def test_a_missing_smtp_connection_never_hides_the_failure():
    assert send_email(["board-secretary@example.org"], "subject", "body", "no_such_connection") is False
