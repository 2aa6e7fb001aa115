-- Grain: one row a SEN group (breakdown group=EHCP|SEN_support|no_SEN), no 'all': the
-- share of current (C) and main dual (M) enrolments in the census used for the period
-- that are in the group (E, K, N).
-- Unit percent: numerator = enrolments in the group, denominator = all C/M enrolments
-- (including those whose group is unknown), value = 100 × numerator ÷ denominator.
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

totals as (
    select coalesce(sum(enrolments_counted), 0) as enrolments_counted
    from enrolments
),

counted as (
    select
        sen_groups.sen_group,
        coalesce(sum(enrolments.enrolments_counted), 0) as enrolments_in_group
    from sen_groups
    left join enrolments
        on sen_groups.sen_group = enrolments.sen_group
    group by sen_groups.sen_group
),

final as (
    select
        cast('pupils_sen_share' as varchar) as measure_id,
        params.period,
        cast('group=' || counted.sen_group as varchar) as breakdown,
        cast(counted.enrolments_in_group as double precision) as numerator,
        cast(totals.enrolments_counted as double precision) as denominator,
        100 * cast(counted.enrolments_in_group as double precision)
        / cast(nullif(totals.enrolments_counted, 0) as double precision) as value,
        cast('percent' as varchar) as unit
    from counted
    cross join totals
    cross join params
    where exists (select 1 from enrolments)
)

select * from final
