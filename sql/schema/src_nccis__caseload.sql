-- One row a young person (academic age 16-24) in a CCIS caseload snapshot (pseudonymised:
-- no name, postcode, UPN or ULN; date of birth as year and month).
-- Loaded by pipeline.feeds.stage; one delivery is replaced inside a transaction.
create table if not exists src_nccis__caseload (
    extract_date date,
    person_id varchar,
    pupil_key varchar,
    learner_key varchar,
    birth_year_month varchar,
    la_code varchar,
    sen_status varchar,
    activity_code varchar,
    activity_start_date date,
    currency_lapsed boolean,
    primary key (extract_date, person_id)
)
