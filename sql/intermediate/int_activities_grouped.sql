-- Grain: one row a young person of the period's CCIS caseload, with their academic age at
-- the period end and their activity group (FEEDS.md, "nccis"):
-- - academic age: the age on the 31 August before the academic year that contains PE (PE
--   in September to December of year Y: 31 August of Y; January to August: of Y-1); born
--   in September or later, a year younger than the difference of the years; blank when
--   the date of birth is not known;
-- - activity group: 'not_known' when currency_lapsed = Y (whatever the code) or the code is
--   810-830; else 'eet' (210-250, 270-290, 310-381, 410-460); 'neet' (540-680);
--   'custody' (710: left out of every denominator, even when its currency has lapsed);
--   'other' (260 gap year, 530 re-engagement, 720, and 110-150): in denominators only.
-- Sources: stg_nccis__young_people, run_params.
with

young_people as (
    select * from stg_nccis__young_people
),

params as (
    select
        case
            when cast(extract(month from period_end) as integer) >= 9
                then cast(extract(year from period_end) as integer)
            else cast(extract(year from period_end) as integer) - 1
        end as august_year
    from run_params
),

final as (
    select
        young_people.person_id,
        young_people.sen_group,
        params.august_year - young_people.birth_year
        - case when young_people.birth_month > 8 then 1 else 0 end as academic_age,
        case
            when young_people.activity_code = '710' then 'custody'
            when young_people.is_currency_lapsed then 'not_known'
            when young_people.activity_code in ('810', '820', '830') then 'not_known'
            when young_people.activity_code in (
                '210', '220', '230', '240', '250', '270', '280', '290',
                '310', '320', '330', '340', '350', '360', '380', '381',
                '410', '430', '440', '450', '460'
            ) then 'eet'
            when young_people.activity_code in (
                '540', '550', '610', '615', '616', '619', '620', '630', '640', '650', '660', '670', '680'
            ) then 'neet'
            else 'other'
        end as activity_group
    from young_people
    cross join params
)

select * from final
