"""SEND board pack pipeline: land, stage, validate, build measures and render packs.

One sub-package a stage, in the order the data flows: ``definitions`` (the measure registry
and the plan), ``feeds`` (land, read, stage, validate), ``warehouse`` (load, measures),
``analysis`` (SPC, OBA), ``reports`` (the PDFs and the pack folder) and ``orchestration``
(steps, the run, the command line, what the DAGs call); ``synthetic`` writes a demo inbox.
A layer never imports a later one. ``config`` (settings), ``periods`` (reporting months),
``files`` (atomic writes) and ``areas`` (the areas a deployment serves) serve them all.
The command line (``python -m pipeline``) and the Airflow DAGs in ``dags/`` only call them.
"""
