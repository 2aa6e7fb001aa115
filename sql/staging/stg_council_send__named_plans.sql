-- Grain: one row a named EHC plan in the period's council_send snapshot.
-- Sources: src_council_send__namedplan (rows of run_params.council_extract_date), run_params.
with

named_plans as (
    select * from src_council_send__namedplan
),

params as (
    select council_extract_date from run_params
),

final as (
    select
        named_plans.namedplantableid as named_plan_id,
        named_plans.assessmenttableid as assessment_id,
        named_plans.startdate as plan_start_date,
        named_plans.ceasedate as plan_cease_date,
        nullif(trim(named_plans.ceasereason), '') as plan_cease_reason
    from named_plans
    inner join params
        on named_plans.extract_date = params.council_extract_date
)

select * from final
