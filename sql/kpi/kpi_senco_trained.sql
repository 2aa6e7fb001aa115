-- Grain: one row, breakdown 'all'.
-- Measure: of the area's state-funded mainstream schools (establishments of the area's
-- la_code with GIAS type 1, 2, 3, 5, 28, 34, 35, 40 or 41, each URN once), the share with
-- at least one training log row with role SENCO, course GRADUATED_APPROACH and completed
-- on or before the period end. A school with two trained SENCOs counts once; training at
-- a school outside the denominator (e.g. an independent school) counts for nothing.
-- Unit percent: numerator = schools with a trained SENCO, denominator = schools, value =
-- 100 × numerator ÷ denominator (blank when the area has no such school).
-- Sources: stg_workforce__training, stg_reference__establishments, run_params. No rows
-- when no training log has been loaded.
with

training as (
    select * from stg_workforce__training
),

establishments as (
    select * from stg_reference__establishments
),

params as (
    select * from run_params
),

schools as (
    select distinct establishments.urn
    from establishments
    cross join params
    where establishments.la_code = trim(params.la_code)
        and establishments.establishment_type_code in ('1', '2', '3', '5', '28', '34', '35', '40', '41')
        and establishments.urn is not null
),

trained as (
    select distinct training.urn
    from training
    cross join params
    where training.role = 'SENCO'
        and training.course = 'GRADUATED_APPROACH'
        and training.completed_on <= params.period_end
),

overall as (
    select
        count(trained.urn) as schools_trained,
        count(*) as schools
    from schools
    left join trained
        on schools.urn = trained.urn
),

final as (
    select
        cast('senco_trained' as varchar) as measure_id,
        params.period,
        cast('all' as varchar) as breakdown,
        cast(overall.schools_trained as double precision) as numerator,
        cast(overall.schools as double precision) as denominator,
        100 * cast(overall.schools_trained as double precision)
        / cast(nullif(overall.schools, 0) as double precision) as value,
        cast('percent' as varchar) as unit
    from overall
    cross join params
    where exists (select 1 from training)
)

select * from final
