-- Grain: one row (breakdown all): the number of milestones whose due date (revised, else original; a recurring milestone's latest occurrence) is on or before the period end.
-- Unit count: numerator = the count, denominator blank, value = the count.
-- Sources: stg_programme__milestone_statuses, run_params. No row when no plan is loaded.
with

milestones as (
    select * from stg_programme__milestone_statuses
),

params as (
    select * from run_params
),

counted as (
    select count(*) filter (where milestones.due_date <= params.period_end) as milestones
    from milestones
    cross join params
),

final as (
    select
        cast('milestones_due' as varchar) as measure_id,
        params.period,
        cast('all' as varchar) as breakdown,
        cast(counted.milestones as double precision) as numerator,
        cast(null as double precision) as denominator,
        cast(counted.milestones as double precision) as value,
        cast('count' as varchar) as unit
    from counted
    cross join params
    where exists (select 1 from milestones)
)

select * from final
