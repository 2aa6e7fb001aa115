-- Grain: one row a SEN group (breakdown group=EHCP|SEN_support|no_SEN) plus 'all': of
-- pupils with a KS2 result in the latest academic year whose 31 August is on or before
-- the period end, the share reaching the expected standard in reading, writing and
-- maths. The group is the pupil's C/M enrolment in that year's spring census; pupils not
-- found there are counted in 'all' only. Pupils with a blank result are not counted.
-- Unit percent: numerator = pupils at the expected standard, denominator = pupils with a
-- result, value = 100 × numerator ÷ denominator (blank when none).
-- Sources: stg_school_census__ks2_results, int_pupils_grouped, run_params. No rows when
-- no KS2 results are loaded for such a year.
with

results as (
    select * from stg_school_census__ks2_results
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
        results.is_rwm_expected_standard,
        pupils.sen_group
    from results
    left join pupils
        on results.pupil_key = pupils.pupil_key
        and results.academic_year_end = pupils.academic_year_end
    where results.is_rwm_expected_standard is not null
),

by_group as (
    select
        'group=' || sen_groups.sen_group as breakdown,
        count(*) filter (where grouped_results.is_rwm_expected_standard) as pupils_expected_standard,
        count(grouped_results.is_rwm_expected_standard) as pupils_with_result
    from sen_groups
    left join grouped_results
        on sen_groups.sen_group = grouped_results.sen_group
    group by sen_groups.sen_group
),

overall as (
    select
        'all' as breakdown,
        count(*) filter (where grouped_results.is_rwm_expected_standard) as pupils_expected_standard,
        count(*) as pupils_with_result
    from grouped_results
),

combined as (
    select * from by_group
    union all
    select * from overall
),

final as (
    select
        cast('ks2_rwm_expected' as varchar) as measure_id,
        params.period,
        cast(combined.breakdown as varchar) as breakdown,
        cast(combined.pupils_expected_standard as double precision) as numerator,
        cast(combined.pupils_with_result as double precision) as denominator,
        100 * cast(combined.pupils_expected_standard as double precision)
        / cast(nullif(combined.pupils_with_result, 0) as double precision) as value,
        cast('percent' as varchar) as unit
    from combined
    cross join params
    where exists (select 1 from results)
)

select * from final
