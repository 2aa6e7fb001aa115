-- Grain: one row a request with a primary need: the sentype of rank 1 recorded under an
-- active plan record of the request. Several rank-1 needs: the highest active plan id,
-- then the highest senneed id, wins. A code outside the SEN2 list is 'not_recorded'.
-- Sources: stg_council_send__sen_needs, stg_council_send__active_plans.
with

sen_needs as (
    select * from stg_council_send__sen_needs
),

active_plans as (
    select * from stg_council_send__active_plans
),

rank_one_needs as (
    select
        active_plans.request_id,
        sen_needs.sen_need_id,
        sen_needs.active_plan_id,
        sen_needs.sen_type,
        row_number() over (
            partition by active_plans.request_id
            order by sen_needs.active_plan_id desc, sen_needs.sen_need_id desc
        ) as need_order
    from sen_needs
    inner join active_plans
        on sen_needs.active_plan_id = active_plans.active_plan_id
    where sen_needs.sen_type_rank = 1
        and sen_needs.sen_type is not null
),

final as (
    select
        request_id,
        sen_need_id,
        active_plan_id,
        case
            when sen_type in (
                'SPLD', 'MLD', 'SLD', 'PMLD', 'SEMH', 'SLCN', 'HI', 'VI', 'MSI', 'PD', 'ASD', 'DS', 'OTH'
            ) then sen_type
            else 'not_recorded'
        end as primary_need
    from rank_one_needs
    where need_order = 1
)

select * from final
