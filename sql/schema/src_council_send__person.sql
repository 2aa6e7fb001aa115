-- One row a child or young person in a council_send snapshot (pseudonymised).
-- Loaded by pipeline.feeds.stage; one delivery is replaced inside a transaction.
create table if not exists src_council_send__person (
    extract_date date,
    persontableid bigint,
    sen2tableid bigint,
    person_key varchar,
    upn_key varchar,
    uln_key varchar,
    birth_year_month varchar,
    sex varchar,
    ethnicity varchar,
    upnunknown varchar,
    primary key (extract_date, persontableid)
)
