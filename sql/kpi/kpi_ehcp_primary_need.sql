-- Grain: one row a primary need code (breakdown need=<sentype>), every SEN2 code and
-- not_recorded even when 0, no 'all': the share of EHC plans in force at the period end
-- whose primary need (senneed rank 1 of the plan's active plan record) is that code.
-- Unit percent: numerator = plans in force with the need, denominator = plans in force,
-- value = 100 × numerator ÷ denominator (blank when no plan is in force).
-- Sources: int_named_plans_joined, run_params. No rows when the period has no
-- council_send snapshot.
with

named_plans as (
    select * from int_named_plans_joined
),

params as (
    select * from run_params
),

needs as (
    select *
    from (
        values
        ('SPLD'), ('MLD'), ('SLD'), ('PMLD'), ('SEMH'), ('SLCN'), ('HI'),
        ('VI'), ('MSI'), ('PD'), ('ASD'), ('DS'), ('OTH'), ('not_recorded')
    ) as needs (primary_need)
),

plans_in_force as (
    select * from named_plans where is_in_force
),

totals as (
    select count(*) as plans_in_force
    from plans_in_force
),

counted as (
    select
        needs.primary_need,
        count(plans_in_force.is_in_force) as plans_with_need
    from needs
    left join plans_in_force
        on needs.primary_need = plans_in_force.primary_need
    group by needs.primary_need
),

final as (
    select
        cast('ehcp_primary_need' as varchar) as measure_id,
        params.period,
        cast('need=' || counted.primary_need as varchar) as breakdown,
        cast(counted.plans_with_need as double precision) as numerator,
        cast(totals.plans_in_force as double precision) as denominator,
        100 * cast(counted.plans_with_need as double precision)
        / cast(nullif(totals.plans_in_force, 0) as double precision) as value,
        cast('percent' as varchar) as unit
    from counted
    cross join totals
    cross join params
    where params.council_extract_date is not null
)

select * from final
