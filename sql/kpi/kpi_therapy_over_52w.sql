-- Grain: one row a service (breakdown service=SLT|OT|PHYSIO|CDS|ND, every service even
-- when 0) plus 'all' (every referral, whatever its service).
-- Measure: referrals waiting at the period end for more than 52 weeks (more than
-- 364 days).
-- Unit count: numerator = the count, denominator blank, value = the count.
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
        count(*) filter (where waiting.wait_days > 364) as referrals_over_52_weeks
    from services
    left join waiting
        on services.service = waiting.service
    group by services.service
),

overall as (
    select
        'all' as breakdown,
        count(*) filter (where waiting.wait_days > 364) as referrals_over_52_weeks
    from waiting
),

combined as (
    select * from by_service
    union all
    select * from overall
),

final as (
    select
        cast('therapy_over_52w' as varchar) as measure_id,
        params.period,
        cast(combined.breakdown as varchar) as breakdown,
        cast(combined.referrals_over_52_weeks as double precision) as numerator,
        cast(null as double precision) as denominator,
        cast(combined.referrals_over_52_weeks as double precision) as value,
        cast('count' as varchar) as unit
    from combined
    cross join params
    where params.therapies_extract_date is not null
)

select * from final
