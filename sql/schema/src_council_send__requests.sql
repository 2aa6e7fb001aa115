-- One row a request for an EHC needs assessment.
-- Loaded by pipeline.feeds.stage; one delivery is replaced inside a transaction.
create table if not exists src_council_send__requests (
    extract_date date,
    requeststableid bigint,
    persontableid bigint,
    receiveddate date,
    rya varchar,
    requestoutcomedate date,
    requestoutcome varchar,
    requestmediation varchar,
    requesttribunal varchar,
    exported varchar,
    primary key (extract_date, requeststableid)
)
