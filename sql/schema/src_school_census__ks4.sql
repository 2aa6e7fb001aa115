-- One row a pupil's KS4 result (pseudonymised).
-- Loaded by pipeline.feeds.stage; one delivery is replaced inside a transaction.
create table if not exists src_school_census__ks4 (
    results_file varchar,
    pupil_key varchar,
    academic_year varchar,
    academic_year_end integer,
    attainment8 double precision,
    progress8 double precision
)
