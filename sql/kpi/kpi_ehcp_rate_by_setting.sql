-- Grain: one row a setting group (breakdown setting=<group>), every group even when 0, no
-- 'all': EHC plans in force by the group of their main setting at the period end, per
-- 10,000 residents aged 0 to 25.
-- Unit per_10000: numerator = plans in force in the group, denominator = population aged
-- 0-25 (blank, and the value blank, when the population is not published).
-- Sources: int_named_plans_joined, int_populations_summed, run_params. No rows when the
-- period has no council_send snapshot.
with

named_plans as (
    select * from int_named_plans_joined
),

population as (
    select * from int_populations_summed
),

params as (
    select * from run_params
),

setting_groups as (
    select *
    from (
        values
        ('mainstream'),
        ('special_state'),
        ('special_independent'),
        ('alternative_provision'),
        ('post16'),
        ('elsewhere'),
        ('not_recorded')
    ) as setting_groups (setting_group)
),

plans_in_force as (
    select * from named_plans where is_in_force
),

counted as (
    select
        setting_groups.setting_group,
        count(plans_in_force.is_in_force) as plans_in_force
    from setting_groups
    left join plans_in_force
        on setting_groups.setting_group = plans_in_force.setting_group
    group by setting_groups.setting_group
),

final as (
    select
        cast('ehcp_rate_by_setting' as varchar) as measure_id,
        params.period,
        cast('setting=' || counted.setting_group as varchar) as breakdown,
        cast(counted.plans_in_force as double precision) as numerator,
        cast(population.population_aged_0_to_25 as double precision) as denominator,
        10000 * cast(counted.plans_in_force as double precision)
        / cast(nullif(population.population_aged_0_to_25, 0) as double precision) as value,
        cast('per_10000' as varchar) as unit
    from counted
    cross join population
    cross join params
    where params.council_extract_date is not null
)

select * from final
