-- The programme's evidence log: one row an item of evidence, cross-referenced to actions.
-- Loaded by pipeline.feeds.stage.programme; replaced whole inside a transaction.
create table if not exists src_programme__evidence (
    evidence_id varchar,
    title varchar,
    linked_refs varchar,
    kind varchar,
    location varchar,
    added_on date,
    primary key (evidence_id)
)
