-- Grain: one row a service (breakdown service=SLT|OT|PHYSIO|CDS|ND, every service even
-- when 0) plus 'all' (every referral, whatever its service).
-- Measure: the mean wait, in weeks, of referrals waiting at the period end
-- (PE − received date, in days, ÷ 7).
-- Unit weeks (a mean): numerator = Σ wait in weeks, denominator = referrals waiting,
-- value = numerator ÷ denominator (blank when nobody is waiting).
-- Sources: int_referrals_waited, run_params. No rows when the period has no therapies
-- snapshot.
with

referrals as (
    select * from int_referrals_waited
),

params as (
    select * from run_params
),

services as (
    select *
    from (values ('SLT'), ('OT'), ('PHYSIO'), ('CDS'), ('ND')) as services (service)
),

waiting as (
    select * from referrals where is_waiting
),

by_service as (
    select
        'service=' || services.service as breakdown,
        coalesce(sum(waiting.wait_days), 0) as wait_days_total,
        count(waiting.wait_days) as referrals_waiting
    from services
    left join waiting
        on services.service = waiting.service
    group by services.service
),

overall as (
    select
        'all' as breakdown,
        coalesce(sum(waiting.wait_days), 0) as wait_days_total,
        count(waiting.wait_days) as referrals_waiting
    from waiting
),

combined as (
    select * from by_service
    union all
    select * from overall
),

final as (
    select
        cast('therapy_wait_mean_weeks' as varchar) as measure_id,
        params.period,
        cast(combined.breakdown as varchar) as breakdown,
        cast(combined.wait_days_total as double precision) / 7 as numerator,
        cast(combined.referrals_waiting as double precision) as denominator,
        cast(combined.wait_days_total as double precision)
        / (7 * cast(nullif(combined.referrals_waiting, 0) as double precision)) as value,
        cast('weeks' as varchar) as unit
    from combined
    cross join params
    where params.therapies_extract_date is not null
)

select * from final
