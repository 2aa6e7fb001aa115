-- Grain: one row a request whose active plan records have a current main placement at
-- run_params.period_end: the placement with placementrank 1, entered on or before PE and
-- not left by PE (leaving date blank or after PE). Several such placements: the latest
-- entry date wins, then the highest placement id. The setting group comes from the URN's
-- GIAS type (a URN decides over a UKPRN; a URN not in GIAS is 'elsewhere'), else a UKPRN
-- is 'post16', else a sensetting code is 'elsewhere', else 'not_recorded'.
-- Sources: stg_council_send__placements, stg_council_send__active_plans,
-- int_establishments_grouped, run_params.
with

placements as (
    select * from stg_council_send__placements
),

active_plans as (
    select * from stg_council_send__active_plans
),

establishments as (
    select * from int_establishments_grouped
),

params as (
    select period_end from run_params
),

current_main_placements as (
    select
        active_plans.request_id,
        placements.placement_id,
        placements.active_plan_id,
        placements.urn,
        placements.ukprn,
        placements.sen_setting,
        placements.placement_entry_date,
        row_number() over (
            partition by active_plans.request_id
            order by placements.placement_entry_date desc, placements.placement_id desc
        ) as placement_order
    from placements
    inner join active_plans
        on placements.active_plan_id = active_plans.active_plan_id
    cross join params
    where placements.placement_rank = 1
        and placements.placement_entry_date <= params.period_end
        and (placements.placement_leaving_date is null or placements.placement_leaving_date > params.period_end)
),

final as (
    select
        current_main_placements.request_id,
        current_main_placements.placement_id,
        current_main_placements.active_plan_id,
        current_main_placements.urn,
        current_main_placements.ukprn,
        current_main_placements.sen_setting,
        current_main_placements.placement_entry_date,
        establishments.establishment_type_code,
        case
            when current_main_placements.urn is not null
                then coalesce(establishments.setting_group, 'elsewhere')
            when current_main_placements.ukprn is not null then 'post16'
            when current_main_placements.sen_setting is not null then 'elsewhere'
            else 'not_recorded'
        end as setting_group
    from current_main_placements
    left join establishments
        on current_main_placements.urn = establishments.urn
    where current_main_placements.placement_order = 1
)

select * from final
