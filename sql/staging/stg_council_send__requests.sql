-- Grain: one row a request for an EHC needs assessment in the period's council_send snapshot.
-- Sources: src_council_send__requests (rows of run_params.council_extract_date), run_params.
with

requests as (
    select * from src_council_send__requests
),

params as (
    select council_extract_date from run_params
),

final as (
    select
        requests.requeststableid as request_id,
        requests.persontableid as person_id,
        requests.receiveddate as request_received_date,
        upper(nullif(trim(requests.requestoutcome), '')) as request_outcome,
        requests.requestoutcomedate as request_outcome_date
    from requests
    inner join params
        on requests.extract_date = params.council_extract_date
)

select * from final
