"""SEND board pack pipeline: land, stage, validate, build measures and render packs.

Each stage is a plain function in its own module; the command line (``python -m
pipeline``) and the Airflow DAGs in ``dags/`` only call them.
"""
