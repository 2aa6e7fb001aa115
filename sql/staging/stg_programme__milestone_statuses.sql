-- Grain: one row a milestone of the plan, with its status for the run's period
-- (programme_status, written by pipeline.warehouse.programme before the models run).
-- Sources: programme_status, run_params.
with

statuses as (
    select * from programme_status
),

params as (
    select period from run_params
),

final as (
    select
        statuses.milestone_id,
        statuses.action_ref,
        statuses.area_ref,
        statuses.status,
        statuses.due_date,
        statuses.original_due_date,
        statuses.completed_on_time as is_completed_on_time
    from statuses
    inner join params
        on statuses.period = params.period
)

select * from final
