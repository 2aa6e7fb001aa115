-- One row a placement named in a plan.
-- Loaded by pipeline.feeds.stage; one delivery is replaced inside a transaction.
create table if not exists src_council_send__plandetail (
    extract_date date,
    plandetailtableid bigint,
    namedplantableid bigint,
    urn varchar,
    ukprn varchar,
    sensetting varchar,
    placementrank integer,
    senunitindicator varchar,
    resourcedprovisionindicator varchar,
    primary key (extract_date, plandetailtableid)
)
