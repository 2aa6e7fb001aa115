-- Grain: one row a SEN group (breakdown group=EHCP|SEN_support|no_SEN, every group even
-- when 0) plus 'all' (which includes young people whose sen_status is blank).
-- Measure: the share NEET or whose activity is not known, of young people of academic age 16 or 17 at the period end in the
-- period's CCIS caseload snapshot, custody (710) left out.
-- Unit percent: numerator = those NEET or not known, denominator = all of them, value = 100 × numerator ÷
-- denominator (blank when there is nobody).
-- Sources: int_activities_grouped, run_params. No rows when the period has no NCCIS snapshot.
with

young_people as (
    select * from int_activities_grouped
),

params as (
    select * from run_params
),

sen_groups as (
    select *
    from (values ('EHCP'), ('SEN_support'), ('no_SEN')) as sen_groups (sen_group)
),

cohort as (
    select * from young_people
    where academic_age in (16, 17) and activity_group <> 'custody'
),

by_group as (
    select
        'group=' || sen_groups.sen_group as breakdown,
        count(*) filter (where cohort.activity_group in ('neet', 'not_known')) as counted,
        count(cohort.person_id) as young_people
    from sen_groups
    left join cohort
        on sen_groups.sen_group = cohort.sen_group
    group by sen_groups.sen_group
),

overall as (
    select
        'all' as breakdown,
        count(*) filter (where cohort.activity_group in ('neet', 'not_known')) as counted,
        count(*) as young_people
    from cohort
),

combined as (
    select * from by_group
    union all
    select * from overall
),

final as (
    select
        cast('post16_neet_nk' as varchar) as measure_id,
        params.period,
        cast(combined.breakdown as varchar) as breakdown,
        cast(combined.counted as double precision) as numerator,
        cast(combined.young_people as double precision) as denominator,
        100 * cast(combined.counted as double precision)
        / cast(nullif(combined.young_people, 0) as double precision) as value,
        cast('percent' as varchar) as unit
    from combined
    cross join params
    where params.nccis_extract_date is not null
)

select * from final
