-- Grain: one row a young person in the period's CCIS caseload snapshot (pseudonymised).
-- sen_group is EHCP, SEN_support or no_SEN (blank when sen_status is not recorded); the
-- year and month of birth are split into numbers; a blank currency_lapsed reads as N.
-- Sources: src_nccis__caseload (rows of run_params.nccis_extract_date), run_params.
with

caseload as (
    select * from src_nccis__caseload
),

params as (
    select nccis_extract_date from run_params
),

final as (
    select
        caseload.person_id,
        case upper(trim(caseload.sen_status))
            when 'EHCP' then 'EHCP'
            when 'SEN_SUPPORT' then 'SEN_support'
            when 'NO_SEN' then 'no_SEN'
        end as sen_group,
        cast(substr(caseload.birth_year_month, 1, 4) as integer) as birth_year,
        cast(substr(caseload.birth_year_month, 6, 2) as integer) as birth_month,
        trim(caseload.activity_code) as activity_code,
        coalesce(caseload.currency_lapsed, false) as is_currency_lapsed
    from caseload
    inner join params
        on caseload.extract_date = params.nccis_extract_date
)

select * from final
