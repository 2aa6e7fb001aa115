-- Grain: one row (breakdown all): of milestones due on or before the period end (revised,
-- else original date), the share completed by their original due date.
-- Unit percent: numerator = completed on time, denominator = due, value = 100 × n ÷ d
-- (blank when none is due). No row when no plan is loaded.
-- Sources: stg_programme__milestone_statuses, run_params.
with

milestones as (
    select * from stg_programme__milestone_statuses
),

params as (
    select * from run_params
),

due as (
    select milestones.*
    from milestones
    cross join params
    where milestones.due_date <= params.period_end
),

counted as (
    select
        count(*) filter (where due.is_completed_on_time) as completed_on_time,
        count(*) as milestones_due
    from due
),

final as (
    select
        cast('milestones_complete_on_time' as varchar) as measure_id,
        params.period,
        cast('all' as varchar) as breakdown,
        cast(counted.completed_on_time as double precision) as numerator,
        cast(counted.milestones_due as double precision) as denominator,
        100 * cast(counted.completed_on_time as double precision)
        / cast(nullif(counted.milestones_due, 0) as double precision) as value,
        cast('percent' as varchar) as unit
    from counted
    cross join params
    where exists (select 1 from milestones)
)

select * from final
