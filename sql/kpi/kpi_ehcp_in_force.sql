-- Grain: one row (breakdown all): named EHC plans in force at the period end (start on or
-- before PE, cease date blank or after PE).
-- Unit count: numerator = the count, denominator blank, value = the count.
-- Sources: int_named_plans_joined, run_params. No row when the period has no council_send
-- snapshot.
with

named_plans as (
    select * from int_named_plans_joined
),

params as (
    select * from run_params
),

counted as (
    select count(*) as plans_in_force
    from named_plans
    where named_plans.is_in_force
),

final as (
    select
        cast('ehcp_in_force' as varchar) as measure_id,
        params.period,
        cast('all' as varchar) as breakdown,
        cast(counted.plans_in_force as double precision) as numerator,
        cast(null as double precision) as denominator,
        cast(counted.plans_in_force as double precision) as value,
        cast('count' as varchar) as unit
    from counted
    cross join params
    where params.council_extract_date is not null
)

select * from final
