"""Orchestration: running the stages, by hand or by Airflow.

``steps`` (a feed's month as four re-runnable steps: land, stage, validate, load),
``run`` (one month end to end), ``cli`` (the command line), ``tasks`` (what the DAGs'
tasks call), ``alerts`` (failure log lines and e-mails) and ``bench`` (``make bench``).
The only layer that imports Airflow, and the only one that may import every other.
"""
