-- Grain: one row (breakdown all): open risks of the programme's register scoring 15 or
-- more (likelihood × impact, each 1-5).
-- Unit count: numerator = the count, denominator blank, value = the count.
-- Sources: src_programme__risks, run_params. No row when no risk register is loaded.
with

risks as (
    select * from src_programme__risks
),

params as (
    select * from run_params
),

counted as (
    select count(*) filter (where risks.status = 'OPEN' and risks.likelihood * risks.impact >= 15) as risks
    from risks
),

final as (
    select
        cast('risks_above_appetite' as varchar) as measure_id,
        params.period,
        cast('all' as varchar) as breakdown,
        cast(counted.risks as double precision) as numerator,
        cast(null as double precision) as denominator,
        cast(counted.risks as double precision) as value,
        cast('count' as varchar) as unit
    from counted
    cross join params
    where exists (select 1 from risks)
)

select * from final
