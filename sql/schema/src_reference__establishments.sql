-- GIAS establishments subset: one row an establishment.
-- Loaded by pipeline.feeds.stage; one delivery is replaced inside a transaction.
create table if not exists src_reference__establishments (
    urn varchar,
    ukprn varchar,
    establishment_name varchar,
    la_code varchar,
    type_of_establishment varchar,
    phase varchar,
    primary key (urn)
)
