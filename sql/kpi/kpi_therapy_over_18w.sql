-- Grain: one row a service (breakdown service=SLT|OT|PHYSIO|CDS|ND, every service even
-- when 0) plus 'all' (every referral, whatever its service).
-- Measure: of referrals waiting at the period end, the share waiting more than 18
-- weeks (more than 126 days: NHS England's 18-52 week band starts at day 127).
-- Unit percent: numerator = waiting more than 126 days, denominator = referrals
-- waiting, value = 100 × numerator ÷ denominator (blank when nobody is waiting).
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
        count(*) filter (where waiting.wait_days > 126) as referrals_over_18_weeks,
        count(waiting.referral_id) as referrals_waiting
    from services
    left join waiting
        on services.service = waiting.service
    group by services.service
),

overall as (
    select
        'all' as breakdown,
        count(*) filter (where waiting.wait_days > 126) as referrals_over_18_weeks,
        count(*) as referrals_waiting
    from waiting
),

combined as (
    select * from by_service
    union all
    select * from overall
),

final as (
    select
        cast('therapy_over_18w' as varchar) as measure_id,
        params.period,
        cast(combined.breakdown as varchar) as breakdown,
        cast(combined.referrals_over_18_weeks as double precision) as numerator,
        cast(combined.referrals_waiting as double precision) as denominator,
        100 * cast(combined.referrals_over_18_weeks as double precision)
        / cast(nullif(combined.referrals_waiting, 0) as double precision) as value,
        cast('percent' as varchar) as unit
    from combined
    cross join params
    where params.therapies_extract_date is not null
)

select * from final
