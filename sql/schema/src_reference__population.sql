-- ONS mid-year population estimate: one row an LA, year and single year of age.
-- Loaded by pipeline.feeds.stage; one delivery is replaced inside a transaction.
create table if not exists src_reference__population (
    la_code varchar,
    year integer,
    age integer,
    population integer,
    primary key (la_code, year, age)
)
