"""Orchestration: running the stages, by hand or by Airflow.

``steps`` (a feed's month as four re-runnable steps: land, stage, validate, load),
``run`` (one month end to end), ``cli`` (the command line), ``tasks`` (what the DAGs'
tasks call), ``waiting`` (waiting for a month's deliveries until the cut-off), ``places``
(every area's month side by side), ``delivery`` (e-mailing a published pack), ``public``
(what the public site's DAG calls), ``alerts`` (failure log lines and e-mails),
``handover`` (files between tasks on different hosts), ``stack`` and ``celery_config``
(the production stack: ``make up``), ``national`` (every LA in England on the stack) and
``bench`` with ``bench_staging`` (``make bench``).
The only layer that imports Airflow, and the only one that may import every other.
"""
