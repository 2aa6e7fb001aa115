-- Grain: one row a service (breakdown service=SLT|OT|PHYSIO|CDS|ND, every service even
-- when 0) plus 'all' (every referral, whatever its service).
-- Measure: the median wait, in weeks, of every referral first seen in the month
-- ((first contact date − received date) in days ÷ 7; of an even number, the mean of the
-- middle two).
-- Unit weeks (a median): numerator blank, denominator = referrals first seen in the
-- month, value = the median (blank when none).
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

seen as (
    select * from referrals where is_first_seen_in_month
),

by_service as (
    select
        'service=' || services.service as breakdown,
        percentile_cont(0.5) within group (order by cast(seen.seen_wait_days as double precision))
            as seen_wait_days_median,
        count(seen.seen_wait_days) as referrals_seen
    from services
    left join seen
        on services.service = seen.service
    group by services.service
),

overall as (
    select
        'all' as breakdown,
        percentile_cont(0.5) within group (order by cast(seen.seen_wait_days as double precision))
            as seen_wait_days_median,
        count(seen.seen_wait_days) as referrals_seen
    from seen
),

combined as (
    select * from by_service
    union all
    select * from overall
),

final as (
    select
        cast('therapy_seen_wait_median_weeks' as varchar) as measure_id,
        params.period,
        cast(combined.breakdown as varchar) as breakdown,
        cast(null as double precision) as numerator,
        cast(combined.referrals_seen as double precision) as denominator,
        combined.seen_wait_days_median / 7 as value,
        cast('weeks' as varchar) as unit
    from combined
    cross join params
    where params.therapies_extract_date is not null
)

select * from final
