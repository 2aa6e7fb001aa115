-- Grain: one row a pupil's KS2 result of the latest academic year whose 31 August is on
-- or before run_params.period_end (results of later years are ignored).
-- Sources: src_school_census__ks2, run_params.
with

ks2 as (
    select * from src_school_census__ks2
),

params as (
    select period_end from run_params
),

chosen_year as (
    select max(ks2.academic_year_end) as academic_year_end
    from ks2
    cross join params
    where make_date(ks2.academic_year_end, 8, 31) <= params.period_end
),

final as (
    select
        ks2.pupil_key,
        ks2.academic_year_end,
        ks2.rwm_expected_standard as is_rwm_expected_standard
    from ks2
    inner join chosen_year
        on ks2.academic_year_end = chosen_year.academic_year_end
)

select * from final
