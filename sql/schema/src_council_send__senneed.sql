-- One row a special educational need of an active plan.
-- Loaded by pipeline.feeds.stage; one delivery is replaced inside a transaction.
create table if not exists src_council_send__senneed (
    extract_date date,
    senneedtableid bigint,
    activeplanstableid bigint,
    sentype varchar,
    sentyperank integer,
    primary key (extract_date, senneedtableid)
)
