-- Grain: one row a SEN group (breakdown group=EHCP|SEN_support|no_SEN): the local
-- average Attainment 8 (points) minus England's published figure for the same group and academic year
-- (ref_published_measures, la_code 970; academic year = the year of the results used).
-- Unit points: numerator blank, denominator = the local group's pupils with a result (so
-- the pack suppresses a gap worked out from 1-4 pupils), value = local - England.
-- No row for a group whose England figure for that year is not published, nor for 'all'
-- (the published statistics give England by SEN group only).
-- Sources: kpi_ks4_attainment8, stg_school_census__ks4_results, ref_published_measures.
with

local_figures as (
    select * from kpi_ks4_attainment8
),

results as (
    select * from stg_school_census__ks4_results
),

published as (
    select * from ref_published_measures
),

results_year as (
    select max(results.academic_year_end) as academic_year_end
    from results
),

england as (
    select
        published.breakdown,
        published.value
    from published
    inner join results_year
        on published.year = results_year.academic_year_end
    where published.measure_id = 'ks4_attainment8'
        and published.la_code = '970'
        and published.value is not null
),

final as (
    select
        cast('ks4_attainment8_gap_national' as varchar) as measure_id,
        local_figures.period,
        local_figures.breakdown,
        cast(null as double precision) as numerator,
        local_figures.denominator,
        local_figures.value - england.value as value,
        cast('points' as varchar) as unit
    from local_figures
    inner join england
        on local_figures.breakdown = england.breakdown
    where local_figures.value is not null
)

select * from final
