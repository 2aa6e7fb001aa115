-- Grain: one row (breakdown all): named EHC plans in force on DfE's SEN2 census day of the
-- latest January on or before the period end (run_params.january_census_date, the third
-- Thursday of January): started on or before it, cease date blank or after it. The figure
-- DfE publishes for the area in June, so the area can check its statutory return.
-- Unit count: numerator = the count, denominator blank, value = the count.
-- Sources: stg_council_send__named_plans, run_params. No row when the period has no
-- council_send snapshot.
with

named_plans as (
    select * from stg_council_send__named_plans
),

params as (
    select * from run_params
),

counted as (
    select count(*) as plans_in_force
    from named_plans
    cross join params
    where named_plans.plan_start_date <= params.january_census_date
        and (named_plans.plan_cease_date is null or named_plans.plan_cease_date > params.january_census_date)
),

final as (
    select
        cast('ehcp_in_force_january' as varchar) as measure_id,
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
