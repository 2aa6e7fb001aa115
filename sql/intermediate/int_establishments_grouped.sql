-- Grain: one row a URN of the GIAS reference, with the placement group of its
-- establishment type (DfE caseload grouping, FEEDS.md). A type in no other group is
-- 'elsewhere'. When a URN appears twice, the lowest type code is kept.
-- Sources: stg_reference__establishments.
with

establishments as (
    select * from stg_reference__establishments
),

grouped as (
    select
        urn,
        establishment_type_code,
        case
            when establishment_type_code in ('1', '2', '3', '5', '28', '34', '35', '40', '41', '11', '6')
                then 'mainstream'
            when establishment_type_code in ('7', '12', '33', '36', '44') then 'special_state'
            when establishment_type_code in ('10', '8') then 'special_independent'
            when establishment_type_code in ('14', '38', '42', '43') then 'alternative_provision'
            when establishment_type_code in ('18', '31', '32', '39', '45', '46', '57') then 'post16'
            else 'elsewhere'
        end as setting_group,
        row_number() over (partition by urn order by establishment_type_code) as urn_order
    from establishments
    where urn is not null
),

final as (
    select
        urn,
        establishment_type_code,
        setting_group
    from grouped
    where urn_order = 1
)

select * from final
