-- Grain: one row (breakdown all): EHC plans in force at the period end per 10,000
-- residents aged 0 to 25.
-- Unit per_10000: numerator = plans in force, denominator = population aged 0-25 (blank,
-- and the value blank, when the population is not published).
-- Sources: int_named_plans_joined, int_populations_summed, run_params. No row when the
-- period has no council_send snapshot.
with

named_plans as (
    select * from int_named_plans_joined
),

population as (
    select * from int_populations_summed
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
        cast('ehcp_rate' as varchar) as measure_id,
        params.period,
        cast('all' as varchar) as breakdown,
        cast(counted.plans_in_force as double precision) as numerator,
        cast(population.population_aged_0_to_25 as double precision) as denominator,
        10000 * cast(counted.plans_in_force as double precision)
        / cast(nullif(population.population_aged_0_to_25, 0) as double precision) as value,
        cast('per_10000' as varchar) as unit
    from counted
    cross join population
    cross join params
    where params.council_extract_date is not null
)

select * from final
