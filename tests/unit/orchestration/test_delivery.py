"""E-mailing a published pack: a real SMTP conversation on loopback; never twice for the same bytes."""
from __future__ import annotations

import email
import hashlib
import html
import json
from email import policy

import pytest

from pipeline.orchestration import delivery
from tests.smtp import start_smtp_server


@pytest.fixture()
def smtp(monkeypatch):
    server = start_smtp_server()
    conn = {"conn_type": "smtp", "host": "127.0.0.1", "port": server.server_address[1],
            "extra": {"disable_ssl": True, "disable_tls": True, "from_email": "send@example.org"}}
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(conn))
    yield server
    server.shutdown()
    server.server_close()


def _pdf(tmp_path, body: bytes = b"%PDF-1.7 a pack") -> object:
    path = tmp_path / "packs" / "2026-10" / "SEND-highlight-report-2026-10.pdf"
    path.parent.mkdir(parents=True)
    path.write_bytes(body)
    return path


def test_the_pack_goes_out_once_with_the_pdf_its_checksum_and_the_stale_sentence(tmp_path, smtp):
    pdf = _pdf(tmp_path)
    mail = delivery.compose(pdf, "SEND highlight report", "October 2026", ["children's therapy waiting lists"],
                            ("secretary@example.org",))
    assert delivery.deliver_pack(tmp_path / "packs", mail) is True
    assert delivery.deliver_pack(tmp_path / "packs", mail) is False  # the same bytes: not sent again
    assert len(smtp.messages) == 1
    message = email.message_from_string(smtp.messages[0], policy=policy.default)
    assert message["Subject"] == "[SEND board pack] SEND highlight report, October 2026 (some data not up to date)"
    text = html.unescape(message.get_body(("html", "plain")).get_content())
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() in text
    assert "children's therapy waiting lists" in text and "last good delivery" in text
    attachment = next(message.iter_attachments())
    assert attachment.get_filename() == pdf.name and attachment.get_payload(decode=True) == pdf.read_bytes()

    pdf.write_bytes(b"%PDF-1.7 a corrected pack")  # new bytes: sent again
    assert delivery.deliver_pack(tmp_path / "packs", delivery.compose(pdf, "SEND highlight report", "October 2026",
                                                                       [], ("secretary@example.org",))) is True
    assert len(smtp.messages) == 2 and len(delivery.read_ledger(tmp_path / "packs")) == 2


def test_a_large_pdf_is_linked_not_attached(tmp_path, smtp):
    pdf = _pdf(tmp_path, b"%PDF" + b"0" * 2048)
    mail = delivery.compose(pdf, "SEND highlight report", "October 2026", [], ("a@example.org",), attach_max_mb=0.001)
    assert delivery.deliver_pack(tmp_path / "packs", mail) is True
    message = email.message_from_string(smtp.messages[0], policy=policy.default)
    assert list(message.iter_attachments()) == []
    assert str(pdf) in message.get_body(("html", "plain")).get_content()


def test_nobody_to_send_to_sends_nothing(tmp_path, smtp, monkeypatch):
    monkeypatch.delenv("SEND_PACK_RECIPIENTS", raising=False)
    mail = delivery.compose(_pdf(tmp_path), "SEND highlight report", "October 2026", [],
                            delivery.recipients_from_env())
    assert delivery.deliver_pack(tmp_path / "packs", mail) is False and smtp.messages == []
