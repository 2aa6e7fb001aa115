"""Telling people a task failed: a loud log line, and an e-mail when SMTP is set up.

The DAGs' ``on_failure_callback`` calls :func:`notify_failure`.  It always logs one
ERROR line naming the DAG, the task, the month and the reason.  It also e-mails that
text to ``SEND_ALERT_EMAILS`` (comma-separated) when that is set and an Airflow SMTP
connection (``smtp_default``, or ``SEND_SMTP_CONN_ID``) exists; without either, it says
in the log that no e-mail was sent.
"""
from __future__ import annotations

import logging
import os
from html import escape

log = logging.getLogger(__name__)


def failure_text(dag_id: str, task_id: str, period: str | None, reason: str, log_url: str | None) -> tuple[str, str]:
    """The subject and plain-text body of a failure alert."""
    month = period or "no report month (a run without a data interval)"
    subject = f"[SEND board pack] {task_id} failed for {month}"
    body = (f"The task {task_id} of {dag_id} failed for {month}.\n\nReason: {reason}\n\n"
            "What to do: read the reason and the task log; fix the delivery or the setting it names; "
            "then clear the task (see the README's operations section).")
    if log_url:
        body += f"\n\nTask log: {log_url}"
    return subject, body


def _period(context: dict) -> str | None:
    period = (context.get("params") or {}).get("period")
    if period:
        return str(period)
    start = context.get("data_interval_start")
    return start.strftime("%Y-%m") if start is not None else None


def notify_failure(context: dict) -> None:
    """Airflow failure callback: log the failure and e-mail it when SMTP is configured."""
    ti = context.get("ti") or context.get("task_instance")
    task_id = getattr(ti, "task_id", "unknown task")
    dag_id = getattr(ti, "dag_id", "unknown DAG")
    reason = str(context.get("exception") or "no exception recorded").splitlines()[0][:2000]
    subject, body = failure_text(dag_id, task_id, _period(context), reason, getattr(ti, "log_url", None))
    log.error("%s: %s", subject, reason)
    recipients = [a.strip() for a in os.environ.get("SEND_ALERT_EMAILS", "").split(",") if a.strip()]
    if not recipients:
        log.info("no e-mail sent: SEND_ALERT_EMAILS is not set")
        return
    send_email(recipients, subject, body, os.environ.get("SEND_SMTP_CONN_ID", "smtp_default"))


def send_email(recipients: list[str], subject: str, body: str, conn_id: str) -> bool:
    """Send the alert through Airflow's SMTP connection; False (and a log line) when there is none."""
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    try:
        with SmtpHook(smtp_conn_id=conn_id) as hook:
            hook.send_email_smtp(to=recipients, subject=subject, html_content=f"<pre>{escape(body)}</pre>")
    except Exception as exc:  # an alert must never hide the failure it reports
        log.warning("no e-mail sent through the Airflow connection %s: %s", conn_id, exc)
        return False
    log.info("failure e-mailed to %s", ", ".join(recipients))
    return True
