-- Grain: one row (breakdown all): of new EHC plans (assessment outcome Y) issued in the
-- latest complete calendar year ending on or before PE with week20 not set (blank, 0 or
-- false; exceptions excluded), the share issued within 20 weeks (plan issued no more than
-- 140 days after the request was received).
-- Unit percent: numerator = plans within 20 weeks, denominator = plans issued, value =
-- 100 × numerator ÷ denominator (blank when no plan was issued).
-- Sources: int_assessments_timed, run_params. No row when the period has no council_send
-- snapshot.
with

new_plans as (
    select * from int_assessments_timed
),

params as (
    select * from run_params
),

counted as (
    select
        count(*) filter (where new_plans.is_within_20_weeks) as plans_within_20_weeks,
        count(*) as plans_issued
    from new_plans
    where new_plans.is_issued_calendar_year
        and not new_plans.is_week20_exception
),

final as (
    select
        cast('ehcp_20wk_calendar_year' as varchar) as measure_id,
        params.period,
        cast('all' as varchar) as breakdown,
        cast(counted.plans_within_20_weeks as double precision) as numerator,
        cast(counted.plans_issued as double precision) as denominator,
        100 * cast(counted.plans_within_20_weeks as double precision)
        / cast(nullif(counted.plans_issued, 0) as double precision) as value,
        cast('percent' as varchar) as unit
    from counted
    cross join params
    where params.council_extract_date is not null
)

select * from final
