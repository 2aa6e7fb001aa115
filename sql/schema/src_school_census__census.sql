-- One row a pupil enrolment on census day (pseudonymised).
-- Loaded by pipeline.feeds.stage; one delivery is replaced inside a transaction.
create table if not exists src_school_census__census (
    census_file varchar,
    census_year integer,
    census_term varchar,
    pupil_key varchar,
    laestab varchar,
    urn varchar,
    census_date date,
    birth_year_month varchar,
    sex varchar,
    nc_year_actual varchar,
    enrol_status varchar,
    sen_provision varchar,
    primary_sen_type varchar,
    secondary_sen_type varchar,
    sessions_possible integer,
    sessions_authorised_absence integer,
    sessions_unauthorised_absence integer
)
