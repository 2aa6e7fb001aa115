-- Grain: exactly one row: the population aged 0 to 25 of run_params.la_code for the year
-- of run_params.period_end, or the latest year before it when that year is not yet
-- published (both null when there is none).
-- Sources: stg_reference__population, run_params.
with

population as (
    select * from stg_reference__population
),

params as (
    select la_code, period_end from run_params
),

local_population as (
    select population.*
    from population
    inner join params
        on population.la_code = params.la_code
),

chosen_year as (
    select max(local_population.population_year) as population_year
    from local_population
    cross join params
    where local_population.population_year <= extract(year from params.period_end)
),

final as (
    select
        chosen_year.population_year,
        sum(local_population.population) as population_aged_0_to_25
    from chosen_year
    left join local_population
        on local_population.population_year = chosen_year.population_year
        and local_population.age between 0 and 25
    group by chosen_year.population_year
)

select * from final
