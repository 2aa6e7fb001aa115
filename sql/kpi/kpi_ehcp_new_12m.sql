-- Grain: one row (breakdown all): new EHC plans (assessment outcome Y) issued in the last
-- 12 months.
-- Unit count: numerator = the count, denominator blank, value = the count.
-- Sources: int_assessments_timed, run_params. No row when the period has no council_send
-- snapshot.
with

new_plans as (
    select * from int_assessments_timed
),

params as (
    select * from run_params
),

counted as (
    select count(*) as plans_issued
    from new_plans
    where new_plans.is_issued_last_12m
),

final as (
    select
        cast('ehcp_new_12m' as varchar) as measure_id,
        params.period,
        cast('all' as varchar) as breakdown,
        cast(counted.plans_issued as double precision) as numerator,
        cast(null as double precision) as denominator,
        cast(counted.plans_issued as double precision) as value,
        cast('count' as varchar) as unit
    from counted
    cross join params
    where params.council_extract_date is not null
)

select * from final
