-- One row a measure, period and breakdown (long format, unrounded; see MEASURES.md).
-- Written by pipeline.warehouse.measures.build_measures: a period's rows are replaced in one transaction.
create table if not exists measures (
    measure_id varchar not null,
    period varchar not null,
    breakdown varchar not null,
    numerator double precision,
    denominator double precision,
    value double precision,
    unit varchar not null,
    primary key (measure_id, period, breakdown)
)
