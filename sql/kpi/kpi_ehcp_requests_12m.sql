-- Grain: one row (breakdown all): requests for an EHC needs assessment received in the
-- last 12 months, whatever their outcome.
-- Unit count: numerator = the count, denominator blank, value = the count.
-- Sources: stg_council_send__requests, run_params. No row when the period has no
-- council_send snapshot.
with

requests as (
    select * from stg_council_send__requests
),

params as (
    select * from run_params
),

counted as (
    select count(*) as requests_received
    from requests
    cross join params
    where requests.request_received_date between params.start_12m and params.period_end
),

final as (
    select
        cast('ehcp_requests_12m' as varchar) as measure_id,
        params.period,
        cast('all' as varchar) as breakdown,
        cast(counted.requests_received as double precision) as numerator,
        cast(null as double precision) as denominator,
        cast(counted.requests_received as double precision) as value,
        cast('count' as varchar) as unit
    from counted
    cross join params
    where params.council_extract_date is not null
)

select * from final
