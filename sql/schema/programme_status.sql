-- One row a period and milestone of the plan: its status word on the day after the period
-- end (complete, overdue, at risk, not started, on track; pipeline.warehouse.programme is the one
-- definition), the date it is judged against (revised, else original; a recurring
-- milestone's latest occurrence), days late, and whether it was completed by its original
-- date. Written by pipeline.warehouse.measures.build_measures with the period's measures.
create table if not exists programme_status (
    period varchar not null,
    milestone_id varchar not null,
    action_ref varchar,
    area_ref varchar,
    status varchar not null,
    due_date date,
    original_due_date date,
    days_late integer,
    completed_on_time boolean,
    update_note varchar,
    primary key (period, milestone_id)
)
