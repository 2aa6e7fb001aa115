-- Grain: one row an EHC needs assessment in the period's council_send snapshot.
-- Sources: src_council_send__assessment (rows of run_params.council_extract_date), run_params.
-- assessment_outcome_date is the date the plan was issued when the outcome is Y.
with

assessments as (
    select * from src_council_send__assessment
),

params as (
    select council_extract_date from run_params
),

final as (
    select
        assessments.assessmenttableid as assessment_id,
        assessments.requeststableid as request_id,
        upper(nullif(trim(assessments.assessmentoutcome), '')) as assessment_outcome,
        assessments.assessmentoutcomedate as assessment_outcome_date,
        coalesce(assessments.week20, false) as is_week20_exception
    from assessments
    inner join params
        on assessments.extract_date = params.council_extract_date
)

select * from final
