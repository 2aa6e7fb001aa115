-- Runs once, when the postgres service first initialises an empty data volume
-- (files in /docker-entrypoint-initdb.d are skipped on every later start).
-- POSTGRES_DB already created `airflow` (Airflow's metadata); this adds the
-- project's warehouse as a separate database, owned by the same role.
-- The pipeline creates its own tables in it (SEND_WAREHOUSE_URL).
create database send_warehouse owner airflow;
