-- Grain: one row, breakdown 'all'.
-- Measure: of young people of academic age 19 to 24 at the period end with an EHC plan
-- (sen_status EHCP) in the period's CCIS caseload snapshot, custody (710) left out, the
-- share in education, employment or training.
-- Unit percent: numerator = those whose activity group is EET, denominator = all of them,
-- value = 100 × numerator ÷ denominator (blank when there is nobody).
-- Sources: int_activities_grouped, run_params. No rows when the period has no NCCIS snapshot.
with

young_people as (
    select * from int_activities_grouped
),

params as (
    select * from run_params
),

cohort as (
    select * from young_people
    where academic_age between 19 and 24 and sen_group = 'EHCP' and activity_group <> 'custody'
),

overall as (
    select
        count(*) filter (where activity_group = 'eet') as in_eet,
        count(*) as young_people
    from cohort
),

final as (
    select
        cast('post19_eet' as varchar) as measure_id,
        params.period,
        cast('all' as varchar) as breakdown,
        cast(overall.in_eet as double precision) as numerator,
        cast(overall.young_people as double precision) as denominator,
        100 * cast(overall.in_eet as double precision)
        / cast(nullif(overall.young_people, 0) as double precision) as value,
        cast('percent' as varchar) as unit
    from overall
    cross join params
    where params.nccis_extract_date is not null
)

select * from final
