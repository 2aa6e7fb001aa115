-- One row a published figure: measure (this project's id), breakdown, year, geography.
-- year: the calendar year (ehcp_20wk_calendar_year), the January (ehcp_in_force), or the
-- academic year's end (2025 = 2024/25) for the LAIT measures and for post16_neet_nk (DfE's NCCIS
-- December-February mean: 2025 = Dec 2024 to Feb 2025). la_code: 970 England, 980-990
-- regions (LAIT codes), else the DfE 3-digit LA number.
-- Replaced whole by pipeline.warehouse.published.load_published from reference/published/measures.csv.
create table if not exists ref_published_measures (
    measure_id varchar not null,
    breakdown varchar not null,
    year integer not null,
    la_code varchar not null,
    numerator double precision,
    denominator double precision,
    value double precision,
    primary key (measure_id, breakdown, year, la_code)
)
