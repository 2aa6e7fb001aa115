-- One row an active plan record of a request.
-- Loaded by pipeline.feeds.stage; one delivery is replaced inside a transaction.
create table if not exists src_council_send__activeplans (
    extract_date date,
    activeplanstableid bigint,
    requeststableid bigint,
    transferla varchar,
    reviewmeeting date,
    reviewoutcome varchar,
    lastreview date,
    res varchar,
    wbp varchar,
    primary key (extract_date, activeplanstableid)
)
