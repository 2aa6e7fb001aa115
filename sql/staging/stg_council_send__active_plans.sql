-- Grain: one row an active plan record (of a request) in the period's council_send snapshot.
-- Sources: src_council_send__activeplans (rows of run_params.council_extract_date), run_params.
with

active_plans as (
    select * from src_council_send__activeplans
),

params as (
    select council_extract_date from run_params
),

final as (
    select
        active_plans.activeplanstableid as active_plan_id,
        active_plans.requeststableid as request_id
    from active_plans
    inner join params
        on active_plans.extract_date = params.council_extract_date
)

select * from final
