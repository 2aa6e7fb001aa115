-- Grain: one row a SEN group (breakdown group=EHCP|SEN_support|no_SEN) plus 'all' (which
-- includes enrolments whose group is unknown): the overall absence rate of current (C)
-- and main dual (M) enrolments in the census used for the period, for the term the census
-- reports.
-- Unit percent: numerator = Σ (authorised + unauthorised sessions), denominator =
-- Σ sessions possible, value = 100 × numerator ÷ denominator (blank when no sessions).
-- Sources: int_enrolments_summed, run_params. No rows when no census is dated on or
-- before the period end.
with

enrolments as (
    select * from int_enrolments_summed
),

params as (
    select * from run_params
),

sen_groups as (
    select *
    from (values ('EHCP'), ('SEN_support'), ('no_SEN')) as sen_groups (sen_group)
),

by_group as (
    select
        'group=' || sen_groups.sen_group as breakdown,
        coalesce(sum(enrolments.sessions_absent), 0) as sessions_absent,
        coalesce(sum(enrolments.sessions_possible), 0) as sessions_possible
    from sen_groups
    left join enrolments
        on sen_groups.sen_group = enrolments.sen_group
    group by sen_groups.sen_group
),

overall as (
    select
        'all' as breakdown,
        coalesce(sum(enrolments.sessions_absent), 0) as sessions_absent,
        coalesce(sum(enrolments.sessions_possible), 0) as sessions_possible
    from enrolments
),

combined as (
    select * from by_group
    union all
    select * from overall
),

final as (
    select
        cast('absence_rate' as varchar) as measure_id,
        params.period,
        cast(combined.breakdown as varchar) as breakdown,
        cast(combined.sessions_absent as double precision) as numerator,
        cast(combined.sessions_possible as double precision) as denominator,
        100 * cast(combined.sessions_absent as double precision)
        / cast(nullif(combined.sessions_possible, 0) as double precision) as value,
        cast('percent' as varchar) as unit
    from combined
    cross join params
    where exists (select 1 from enrolments)
)

select * from final
