-- The programme tracker: one row a milestone's latest status and update.
-- Loaded by pipeline.feeds.stage.programme; the whole file is replaced inside a transaction.
create table if not exists src_programme__tracker (
    milestone_id varchar,
    status varchar,
    revised_due_date date,
    update_note varchar,
    updated_on date,
    updated_by_role varchar,
    primary key (milestone_id)
)
