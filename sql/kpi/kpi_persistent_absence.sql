-- Grain: one row a SEN group (breakdown group=EHCP|SEN_support|no_SEN) plus 'all' (which
-- includes enrolments whose group is unknown): of current (C) and main dual (M)
-- enrolments with sessions possible > 0 in the census used for the period (DfE's
-- denominator), the share absent for 10% or more of their possible sessions.
-- Unit percent: numerator = persistently absent enrolments, denominator = enrolments with
-- sessions possible > 0, value = 100 × numerator ÷ denominator (blank when none).
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
        coalesce(sum(enrolments.enrolments_persistently_absent), 0) as enrolments_persistently_absent,
        coalesce(sum(enrolments.enrolments_with_sessions), 0) as enrolments_with_sessions
    from sen_groups
    left join enrolments
        on sen_groups.sen_group = enrolments.sen_group
    group by sen_groups.sen_group
),

overall as (
    select
        'all' as breakdown,
        coalesce(sum(enrolments.enrolments_persistently_absent), 0) as enrolments_persistently_absent,
        coalesce(sum(enrolments.enrolments_with_sessions), 0) as enrolments_with_sessions
    from enrolments
),

combined as (
    select * from by_group
    union all
    select * from overall
),

final as (
    select
        cast('persistent_absence' as varchar) as measure_id,
        params.period,
        cast(combined.breakdown as varchar) as breakdown,
        cast(combined.enrolments_persistently_absent as double precision) as numerator,
        cast(combined.enrolments_with_sessions as double precision) as denominator,
        100 * cast(combined.enrolments_persistently_absent as double precision)
        / cast(nullif(combined.enrolments_with_sessions, 0) as double precision) as value,
        cast('percent' as varchar) as unit
    from combined
    cross join params
    where exists (select 1 from enrolments)
)

select * from final
