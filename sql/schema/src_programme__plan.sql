-- The plan (Written Statement of Action or priority action plan): one row a milestone,
-- with its action, focus area and area of concern, from plan.yaml.
-- Loaded by pipeline.feeds.stage.programme; the whole plan is replaced inside a transaction.
create table if not exists src_programme__plan (
    milestone_id varchar,
    action_ref varchar,
    focus_area_ref varchar,
    area_ref varchar,
    milestone_text varchar,
    due_date date,
    recurrence varchar,
    action_title varchar,
    action_leads varchar,
    area_title varchar,
    primary key (milestone_id)
)
