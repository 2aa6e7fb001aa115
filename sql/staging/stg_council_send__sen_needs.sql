-- Grain: one row a special educational need of an active plan in the period's
-- council_send snapshot.
-- Sources: src_council_send__senneed (rows of run_params.council_extract_date), run_params.
with

sen_needs as (
    select * from src_council_send__senneed
),

params as (
    select council_extract_date from run_params
),

final as (
    select
        sen_needs.senneedtableid as sen_need_id,
        sen_needs.activeplanstableid as active_plan_id,
        upper(nullif(trim(sen_needs.sentype), '')) as sen_type,
        sen_needs.sentyperank as sen_type_rank
    from sen_needs
    inner join params
        on sen_needs.extract_date = params.council_extract_date
)

select * from final
