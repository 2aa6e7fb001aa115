-- One row a geography of the published statistics: England (970), regions, LAs.
-- region_code: the LA's region (3-digit LAIT code); blank for England and regions.
-- Replaced whole by pipeline.warehouse.published.load_published from reference/published/geography.csv.
create table if not exists ref_geography (
    la_code varchar not null,
    new_la_code varchar,
    area_name varchar not null,
    geographic_level varchar not null,
    region_code varchar,
    primary key (la_code)
)
