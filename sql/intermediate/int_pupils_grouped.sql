-- Grain: one row a pupil and academic year with a KS2 or KS4 result used for the period,
-- found among the current (C) or main dual (M) enrolments of that year's spring census,
-- with the SEN group of that enrolment. A pupil with several such rows takes the highest
-- provision (E, then K, then N). Pupils not found have no row.
-- Sources: stg_school_census__spring_enrolments, stg_school_census__ks2_results,
-- stg_school_census__ks4_results.
with

spring_enrolments as (
    select * from stg_school_census__spring_enrolments
),

ks2_results as (
    select * from stg_school_census__ks2_results
),

ks4_results as (
    select * from stg_school_census__ks4_results
),

results_pupils as (
    select pupil_key, academic_year_end from ks2_results
    union
    select pupil_key, academic_year_end from ks4_results
),

ranked as (
    select
        spring_enrolments.pupil_key,
        spring_enrolments.academic_year_end,
        spring_enrolments.sen_provision,
        row_number() over (
            partition by spring_enrolments.pupil_key, spring_enrolments.academic_year_end
            order by case spring_enrolments.sen_provision when 'E' then 1 when 'K' then 2 when 'N' then 3 else 4 end
        ) as provision_order
    from spring_enrolments
    inner join results_pupils
        on spring_enrolments.pupil_key = results_pupils.pupil_key
        and spring_enrolments.academic_year_end = results_pupils.academic_year_end
    where spring_enrolments.enrol_status in ('C', 'M')
),

final as (
    select
        pupil_key,
        academic_year_end,
        case sen_provision
            when 'E' then 'EHCP'
            when 'K' then 'SEN_support'
            when 'N' then 'no_SEN'
        end as sen_group
    from ranked
    where provision_order = 1
)

select * from final
