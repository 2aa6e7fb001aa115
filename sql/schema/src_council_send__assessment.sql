-- One row an EHC needs assessment (outcome Y = plan issued).
-- Loaded by pipeline.feeds.stage; one delivery is replaced inside a transaction.
create table if not exists src_council_send__assessment (
    extract_date date,
    assessmenttableid bigint,
    requeststableid bigint,
    assessmentoutcome varchar,
    assessmentoutcomedate date,
    assessmentmediation varchar,
    assessmenttribunal varchar,
    othermediation varchar,
    othertribunal varchar,
    week20 boolean,
    primary key (extract_date, assessmenttableid)
)
