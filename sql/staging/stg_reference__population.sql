-- Grain: one row a local authority, year and single year of age (ONS mid-year estimates).
-- Sources: src_reference__population.
with

population as (
    select * from src_reference__population
),

final as (
    select
        trim(population.la_code) as la_code,
        population.year as population_year,
        population.age,
        population.population
    from population
)

select * from final
