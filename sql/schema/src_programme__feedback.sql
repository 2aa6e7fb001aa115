-- "You said, we're doing, we did": one row an item of feedback from families and partners.
-- Loaded by pipeline.feeds.stage.programme; replaced whole inside a transaction.
create table if not exists src_programme__feedback (
    feedback_id varchar,
    received_on date,
    theme varchar,
    you_said varchar,
    we_are_doing varchar,
    we_did varchar,
    status varchar,
    linked_refs varchar
)
