-- Grain: one row (breakdown all): new EHC plans issued in the last 12 months per 10,000
-- residents aged 0 to 25.
-- Unit per_10000: numerator = new plans, denominator = population aged 0-25 (blank, and
-- the value blank, when the population is not published).
-- Sources: int_assessments_timed, int_populations_summed, run_params. No row when the
-- period has no council_send snapshot.
with

new_plans as (
    select * from int_assessments_timed
),

population as (
    select * from int_populations_summed
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
        cast('ehcp_new_rate_12m' as varchar) as measure_id,
        params.period,
        cast('all' as varchar) as breakdown,
        cast(counted.plans_issued as double precision) as numerator,
        cast(population.population_aged_0_to_25 as double precision) as denominator,
        10000 * cast(counted.plans_issued as double precision)
        / cast(nullif(population.population_aged_0_to_25, 0) as double precision) as value,
        cast('per_10000' as varchar) as unit
    from counted
    cross join population
    cross join params
    where params.council_extract_date is not null
)

select * from final
