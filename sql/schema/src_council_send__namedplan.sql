-- One row a named EHC plan.
-- Loaded by pipeline.feeds.stage; one delivery is replaced inside a transaction.
create table if not exists src_council_send__namedplan (
    extract_date date,
    namedplantableid bigint,
    assessmenttableid bigint,
    startdate date,
    planres varchar,
    planwbp varchar,
    pb varchar,
    oa varchar,
    dp varchar,
    ceasedate date,
    ceasereason varchar,
    primary key (extract_date, namedplantableid)
)
