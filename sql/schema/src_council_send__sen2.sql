-- One row a SEN2 header record of a council_send snapshot.
-- Loaded by pipeline.feeds.stage; one delivery is replaced inside a transaction.
create table if not exists src_council_send__sen2 (
    extract_date date,
    sen2tableid bigint,
    collection varchar,
    year varchar,
    referencedate date,
    sourcelevel varchar,
    lea varchar,
    softwarecode varchar,
    release varchar,
    serialno varchar,
    datetime timestamp,
    primary key (extract_date, sen2tableid)
)
