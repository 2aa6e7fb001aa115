-- Grain: one row an establishment of the GIAS reference (the one current copy).
-- Sources: src_reference__establishments.
with

establishments as (
    select * from src_reference__establishments
),

final as (
    select
        nullif(trim(establishments.urn), '') as urn,
        nullif(trim(establishments.ukprn), '') as ukprn,
        nullif(trim(establishments.la_code), '') as la_code,
        nullif(ltrim(trim(establishments.type_of_establishment), '0'), '') as establishment_type_code
    from establishments
)

select * from final
