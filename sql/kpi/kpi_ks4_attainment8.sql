-- Grain: one row a SEN group (breakdown group=EHCP|SEN_support|no_SEN) plus 'all': the
-- average Attainment 8 score of pupils with a KS4 result in the latest academic year
-- whose 31 August is on or before the period end. The group is the pupil's C/M enrolment
-- in that year's spring census; pupils not found there are counted in 'all' only. Blank
-- scores are not counted.
-- Unit points (a mean): numerator = Σ attainment8, denominator = pupils with a score,
-- value = numerator ÷ denominator (blank when none). Scores are summed as decimals (to 6
-- places) so that the sum carries no binary rounding noise.
-- Sources: stg_school_census__ks4_results, int_pupils_grouped, run_params. No rows when
-- no KS4 results are loaded for such a year.
with

results as (
    select * from stg_school_census__ks4_results
),

pupils as (
    select * from int_pupils_grouped
),

params as (
    select * from run_params
),

sen_groups as (
    select *
    from (values ('EHCP'), ('SEN_support'), ('no_SEN')) as sen_groups (sen_group)
),

grouped_results as (
    select
        results.pupil_key,
        results.attainment8_score,
        pupils.sen_group
    from results
    left join pupils
        on results.pupil_key = pupils.pupil_key
        and results.academic_year_end = pupils.academic_year_end
    where results.attainment8_score is not null
),

by_group as (
    select
        'group=' || sen_groups.sen_group as breakdown,
        coalesce(sum(cast(grouped_results.attainment8_score as numeric(24, 6))), 0) as attainment8_total,
        count(grouped_results.attainment8_score) as pupils_with_score
    from sen_groups
    left join grouped_results
        on sen_groups.sen_group = grouped_results.sen_group
    group by sen_groups.sen_group
),

overall as (
    select
        'all' as breakdown,
        coalesce(sum(cast(grouped_results.attainment8_score as numeric(24, 6))), 0) as attainment8_total,
        count(*) as pupils_with_score
    from grouped_results
),

combined as (
    select * from by_group
    union all
    select * from overall
),

final as (
    select
        cast('ks4_attainment8' as varchar) as measure_id,
        params.period,
        cast(combined.breakdown as varchar) as breakdown,
        cast(combined.attainment8_total as double precision) as numerator,
        cast(combined.pupils_with_score as double precision) as denominator,
        cast(combined.attainment8_total as double precision)
        / cast(nullif(combined.pupils_with_score, 0) as double precision) as value,
        cast('points' as varchar) as unit
    from combined
    cross join params
    where exists (select 1 from results)
)

select * from final
