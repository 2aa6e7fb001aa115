-- Grain: one row a new EHC plan: an assessment with outcome Y (plans transferred in, H,
-- or issued after another LA's assessment, S, are not new), with the days from the
-- request's receipt to the plan's issue (assessment_outcome_date) and the reporting
-- windows its issue date falls in. A plan without a received date is never "within 20
-- weeks".
-- Sources: stg_council_send__assessments, stg_council_send__requests, run_params.
with

assessments as (
    select * from stg_council_send__assessments
),

requests as (
    select * from stg_council_send__requests
),

params as (
    select * from run_params
),

new_plans as (
    select
        assessments.assessment_id,
        assessments.request_id,
        requests.request_received_date,
        assessments.assessment_outcome_date as plan_issued_date,
        assessments.assessment_outcome_date - requests.request_received_date as days_to_issue,
        assessments.is_week20_exception
    from assessments
    left join requests
        on assessments.request_id = requests.request_id
    where assessments.assessment_outcome = 'Y'
),

final as (
    select
        new_plans.assessment_id,
        new_plans.request_id,
        new_plans.request_received_date,
        new_plans.plan_issued_date,
        new_plans.days_to_issue,
        new_plans.is_week20_exception,
        coalesce(new_plans.days_to_issue <= 140, false) as is_within_20_weeks,
        coalesce(new_plans.plan_issued_date between params.start_12m and params.period_end, false)
            as is_issued_last_12m,
        coalesce(new_plans.plan_issued_date between params.start_6m and params.period_end, false)
            as is_issued_last_6m,
        coalesce(
            new_plans.plan_issued_date between params.calendar_year_start and params.calendar_year_end, false
        ) as is_issued_calendar_year
    from new_plans
    cross join params
)

select * from final
