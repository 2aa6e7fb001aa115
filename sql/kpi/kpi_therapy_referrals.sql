-- Grain: one row a service (breakdown service=SLT|OT|PHYSIO|CDS|ND, every service even
-- when 0) plus 'all' (every referral, whatever its service).
-- Measure: referrals received in the month (received date from the first to the last
-- day of the period), rejected ones included.
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

received as (
    select * from referrals where is_received_in_month
),

by_service as (
    select
        'service=' || services.service as breakdown,
        count(received.referral_id) as referrals_received
    from services
    left join received
        on services.service = received.service
    group by services.service
),

overall as (
    select
        'all' as breakdown,
        count(*) as referrals_received
    from received
),

combined as (
    select * from by_service
    union all
    select * from overall
),

final as (
    select
        cast('therapy_referrals' as varchar) as measure_id,
        params.period,
        cast(combined.breakdown as varchar) as breakdown,
        cast(combined.referrals_received as double precision) as numerator,
        cast(null as double precision) as denominator,
        cast(combined.referrals_received as double precision) as value,
        cast('count' as varchar) as unit
    from combined
    cross join params
    where params.therapies_extract_date is not null
)

select * from final
