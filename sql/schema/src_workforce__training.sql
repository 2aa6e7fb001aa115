-- One row a completed place on the council's SEND courses (the whole log; a new delivery
-- replaces it). No names: the school's staff reference is dropped at staging.
-- Loaded by pipeline.feeds.stage; one delivery is replaced inside a transaction.
create table if not exists src_workforce__training (
    record_id varchar,
    urn varchar,
    role varchar,
    course varchar,
    completed_on date,
    primary key (record_id)
)
