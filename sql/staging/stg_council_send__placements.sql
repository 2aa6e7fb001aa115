-- Grain: one row a placement (setting over time) of an active plan in the period's
-- council_send snapshot.
-- Sources: src_council_send__placementdetail (rows of run_params.council_extract_date), run_params.
with

placements as (
    select * from src_council_send__placementdetail
),

params as (
    select council_extract_date from run_params
),

final as (
    select
        placements.placementdetailtableid as placement_id,
        placements.activeplanstableid as active_plan_id,
        nullif(trim(placements.urn), '') as urn,
        nullif(trim(placements.ukprn), '') as ukprn,
        upper(nullif(trim(placements.sensetting), '')) as sen_setting,
        placements.placementrank as placement_rank,
        placements.entrydate as placement_entry_date,
        placements.leavingdate as placement_leaving_date
    from placements
    inner join params
        on placements.extract_date = params.council_extract_date
)

select * from final
