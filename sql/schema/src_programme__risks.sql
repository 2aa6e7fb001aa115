-- The programme's risk register: one row a risk, scored 1-5 for likelihood and impact now
-- and at target. Loaded by pipeline.feeds.stage.programme; replaced whole inside a transaction.
create table if not exists src_programme__risks (
    risk_id varchar,
    title varchar,
    owner_role varchar,
    likelihood integer,
    impact integer,
    target_likelihood integer,
    target_impact integer,
    mitigation varchar,
    linked_refs varchar,
    status varchar,
    reviewed_on date,
    primary key (risk_id)
)
