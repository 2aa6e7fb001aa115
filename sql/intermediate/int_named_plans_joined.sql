-- Grain: one row a named EHC plan of the period's council_send snapshot, with whether it
-- is in force at run_params.period_end (start on or before PE, cease date blank or after
-- PE), the group of its main setting at PE and its primary need (both 'not_recorded'
-- when missing).
-- Sources: stg_council_send__named_plans, stg_council_send__assessments,
-- int_placements_ranked, int_needs_ranked, run_params.
with

named_plans as (
    select * from stg_council_send__named_plans
),

assessments as (
    select * from stg_council_send__assessments
),

main_placements as (
    select * from int_placements_ranked
),

primary_needs as (
    select * from int_needs_ranked
),

params as (
    select period_end from run_params
),

final as (
    select
        named_plans.named_plan_id,
        named_plans.assessment_id,
        assessments.request_id,
        named_plans.plan_start_date,
        named_plans.plan_cease_date,
        coalesce(
            named_plans.plan_start_date <= params.period_end
            and (named_plans.plan_cease_date is null or named_plans.plan_cease_date > params.period_end),
            false
        ) as is_in_force,
        coalesce(main_placements.setting_group, 'not_recorded') as setting_group,
        coalesce(primary_needs.primary_need, 'not_recorded') as primary_need
    from named_plans
    cross join params
    left join assessments
        on named_plans.assessment_id = assessments.assessment_id
    left join main_placements
        on assessments.request_id = main_placements.request_id
    left join primary_needs
        on assessments.request_id = primary_needs.request_id
)

select * from final
