-- One row a placement (setting) over time of an active plan.
-- Loaded by pipeline.feeds.stage; one delivery is replaced inside a transaction.
create table if not exists src_council_send__placementdetail (
    extract_date date,
    placementdetailtableid bigint,
    activeplanstableid bigint,
    urn varchar,
    ukprn varchar,
    sensetting varchar,
    placementrank integer,
    entrydate date,
    leavingdate date,
    senunitindicator varchar,
    resourcedprovisionindicator varchar,
    res varchar,
    wbp varchar,
    primary key (extract_date, placementdetailtableid)
)
