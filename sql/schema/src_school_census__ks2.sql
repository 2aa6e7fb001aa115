-- One row a pupil's KS2 result (pseudonymised).
-- Loaded by pipeline.feeds.stage; one delivery is replaced inside a transaction.
create table if not exists src_school_census__ks2 (
    results_file varchar,
    pupil_key varchar,
    academic_year varchar,
    academic_year_end integer,
    rwm_expected_standard boolean
)
