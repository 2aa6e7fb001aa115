-- One row a delivery (feed + extract date or file) whose version is loaded in the warehouse.
-- Written by pipeline.warehouse.load in the same transaction as the delivery's rows.
create table if not exists meta_loads (
    feed varchar not null,
    delivery varchar not null,
    version integer not null,
    extract_date date,
    rows_loaded bigint not null,
    primary key (feed, delivery)
)
