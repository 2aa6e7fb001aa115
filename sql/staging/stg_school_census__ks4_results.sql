-- Grain: one row a pupil's KS4 result of the latest academic year whose 31 August is on
-- or before run_params.period_end (results of later years are ignored).
-- Sources: src_school_census__ks4, run_params.
with

ks4 as (
    select * from src_school_census__ks4
),

params as (
    select period_end from run_params
),

chosen_year as (
    select max(ks4.academic_year_end) as academic_year_end
    from ks4
    cross join params
    where make_date(ks4.academic_year_end, 8, 31) <= params.period_end
),

final as (
    select
        ks4.pupil_key,
        ks4.academic_year_end,
        ks4.attainment8 as attainment8_score,
        ks4.progress8 as progress8_score
    from ks4
    inner join chosen_year
        on ks4.academic_year_end = chosen_year.academic_year_end
)

select * from final
