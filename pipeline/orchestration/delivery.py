"""Sending a published pack to the board secretary: one e-mail a PDF, never twice for the same bytes.

When a pack is published, :func:`deliver_pack` e-mails ``SEND_PACK_RECIPIENTS``
(comma-separated) through the Airflow SMTP connection (``SEND_SMTP_CONN_ID``, default
``smtp_default``): the month, the SHA-256 of the PDF, a sentence when a feed is stale, and
the PDF attached, or, above ``SEND_PACK_ATTACH_MAX_MB`` (default 10 MB), where to find it.
What was sent is recorded in ``<packs>/deliveries.json``; a re-run that changes nothing
sends nothing.
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from pipeline.feeds.land import sha256_file
from pipeline.files import locked, write_text_atomic

log = logging.getLogger(__name__)

LEDGER = "deliveries.json"
DEFAULT_ATTACH_MAX_MB = 10.0


@dataclass(frozen=True)
class PackMail:
    """One e-mail about one PDF."""

    recipients: tuple[str, ...]
    subject: str
    body: str
    pdf: Path
    sha256: str
    attach: bool


def recipients_from_env() -> tuple[str, ...]:
    return tuple(a.strip() for a in os.environ.get("SEND_PACK_RECIPIENTS", "").split(",") if a.strip())


def compose(pdf: Path, title: str, month: str, stale_feeds: list[str], recipients: tuple[str, ...],
            attach_max_mb: float | None = None) -> PackMail:
    """The e-mail for ``pdf``: what it is, its checksum, staleness, and the PDF or where it is."""
    digest = sha256_file(pdf)
    limit = attach_max_mb if attach_max_mb is not None else float(
        os.environ.get("SEND_PACK_ATTACH_MAX_MB", DEFAULT_ATTACH_MAX_MB))
    attach = pdf.stat().st_size <= limit * 1024 * 1024
    lines = [f"The {title} for {month} has been published.", ""]
    if stale_feeds:
        lines += [f"Some figures are not up to date: the latest {', '.join(stale_feeds)} data had not arrived or "
                  "was refused, so the pack uses the last good delivery and says so on its cover.", ""]
    lines.append(f"The PDF is attached ({pdf.name})." if attach else
                 f"The PDF is too large to attach ({pdf.stat().st_size / 1024 / 1024:.1f} MB); it is in the packs "
                 f"folder: {pdf}")
    lines += ["", f"SHA-256 of the PDF: {digest}",
              "(the same value is in the packs folder's manifest.json: it shows the file is the one published)"]
    subject = f"[SEND board pack] {title}, {month}" + (" (some data not up to date)" if stale_feeds else "")
    return PackMail(recipients, subject, "\n".join(lines), pdf, digest, attach)


def read_ledger(packs_dir: Path) -> list[dict]:
    path = packs_dir / LEDGER
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []


def deliver_pack(packs_dir: Path, mail: PackMail, conn_id: str | None = None) -> bool:
    """Send ``mail`` unless these PDF bytes already went to these recipients; True when sent."""
    if not mail.recipients:
        log.info("no e-mail sent for %s: SEND_PACK_RECIPIENTS is not set", mail.pdf.name)
        return False
    with locked(packs_dir / ".deliveries.lock"):
        ledger = read_ledger(packs_dir)
        if any(e["sha256"] == mail.sha256 and set(e["recipients"]) == set(mail.recipients) for e in ledger):
            log.info("%s (sha256 %s) was already sent to %s: not sent again", mail.pdf.name, mail.sha256[:12],
                     ", ".join(mail.recipients))
            return False
        _send(mail, conn_id or os.environ.get("SEND_SMTP_CONN_ID", "smtp_default"))
        ledger.append({"pdf": mail.pdf.name, "sha256": mail.sha256, "recipients": list(mail.recipients),
                       "attached": mail.attach})
        write_text_atomic(packs_dir / LEDGER, json.dumps(ledger, indent=2) + "\n")
    log.info("%s e-mailed to %s", mail.pdf.name, ", ".join(mail.recipients))
    return True


def _send(mail: PackMail, conn_id: str) -> None:
    from html import escape

    from airflow.providers.smtp.hooks.smtp import SmtpHook

    with SmtpHook(smtp_conn_id=conn_id) as hook:
        hook.send_email_smtp(to=list(mail.recipients), subject=mail.subject,
                             html_content=f"<pre>{escape(mail.body)}</pre>",
                             files=[str(mail.pdf)] if mail.attach else None)
