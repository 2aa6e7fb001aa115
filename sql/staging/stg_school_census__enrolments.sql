-- Grain: one row a pupil enrolment (any enrolment status) in the census used for the
-- period: the newest census whose census_date is on or before run_params.period_end.
-- Sources: src_school_census__census, run_params.
with

census as (
    select * from src_school_census__census
),

params as (
    select period_end from run_params
),

chosen_census as (
    select max(census.census_date) as census_date
    from census
    cross join params
    where census.census_date <= params.period_end
),

final as (
    select
        census.pupil_key,
        census.census_date,
        upper(trim(census.census_term)) as census_term,
        census.urn,
        upper(nullif(trim(census.enrol_status), '')) as enrol_status,
        upper(nullif(trim(census.sen_provision), '')) as sen_provision,
        census.sessions_possible,
        census.sessions_authorised_absence as sessions_authorised_absent,
        census.sessions_unauthorised_absence as sessions_unauthorised_absent
    from census
    inner join chosen_census
        on census.census_date = chosen_census.census_date
)

select * from final
