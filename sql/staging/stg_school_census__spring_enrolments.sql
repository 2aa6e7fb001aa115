-- Grain: one row a pupil enrolment in the spring census of an academic year whose KS2 or
-- KS4 results are used for the period (the census dated 1 September to 31 August of that
-- academic year, term SPR), with the academic year it belongs to.
-- Sources: src_school_census__census, stg_school_census__ks2_results,
-- stg_school_census__ks4_results.
with

census as (
    select * from src_school_census__census
),

ks2_results as (
    select * from stg_school_census__ks2_results
),

ks4_results as (
    select * from stg_school_census__ks4_results
),

results_years as (
    select distinct academic_year_end from ks2_results
    union
    select distinct academic_year_end from ks4_results
),

final as (
    select
        census.pupil_key,
        results_years.academic_year_end,
        census.census_date,
        upper(nullif(trim(census.enrol_status), '')) as enrol_status,
        upper(nullif(trim(census.sen_provision), '')) as sen_provision
    from census
    inner join results_years
        on census.census_date between make_date(results_years.academic_year_end - 1, 9, 1)
        and make_date(results_years.academic_year_end, 8, 31)
    where substr(upper(trim(census.census_term)), 1, 3) = 'SPR'
)

select * from final
