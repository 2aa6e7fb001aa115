"""Warehouse: the database, loading checked deliveries into it, and building every measure in SQL.

``db`` (engines, schema, bulk replace, running the models of ``sql/``), ``load`` (one
delivery, all or nothing, with its load log), ``measures`` (snapshot choice, a period's
measures, the CSV), ``programme`` (each milestone's status word, written before the models
run) and ``published`` (DfE and NHS England statistics into ``ref_*`` tables).  The same
code runs on DuckDB and PostgreSQL.
"""
