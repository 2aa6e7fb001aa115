-- Grain: one row a SEN group (EHCP for E, SEN_support for K, no_SEN for N, null when
-- unknown) of the census used for the period, with the census date and, over current (C)
-- and main dual (M) enrolments only: enrolments, sessions possible and absent
-- (authorised + unauthorised; blanks count 0), enrolments with sessions possible > 0 and,
-- of those, enrolments absent for 10% or more of their sessions (compared in whole
-- numbers). A census holding no C/M enrolment still has its rows, with zeros.
-- Sources: stg_school_census__enrolments.
with

enrolments as (
    select * from stg_school_census__enrolments
),

classified as (
    select
        census_date,
        case sen_provision
            when 'E' then 'EHCP'
            when 'K' then 'SEN_support'
            when 'N' then 'no_SEN'
        end as sen_group,
        coalesce(enrol_status in ('C', 'M'), false) as is_counted,
        coalesce(sessions_possible, 0) as sessions_possible,
        coalesce(sessions_authorised_absent, 0) + coalesce(sessions_unauthorised_absent, 0) as sessions_absent
    from enrolments
),

final as (
    select
        census_date,
        sen_group,
        count(*) filter (where is_counted) as enrolments_counted,
        coalesce(sum(sessions_possible) filter (where is_counted), 0) as sessions_possible,
        coalesce(sum(sessions_absent) filter (where is_counted), 0) as sessions_absent,
        count(*) filter (where is_counted and sessions_possible > 0) as enrolments_with_sessions,
        count(*) filter (
            where is_counted and sessions_possible > 0 and 10 * sessions_absent >= sessions_possible
        ) as enrolments_persistently_absent
    from classified
    group by census_date, sen_group
)

select * from final
