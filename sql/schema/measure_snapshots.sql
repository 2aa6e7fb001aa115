-- One row a period and source: which delivery its measures were computed from.
-- feed: council_send, therapies (extract_date = the snapshot's extract date),
-- school_census (the census date used), ks2 and ks4 (31 August of the results' academic
-- year), population (30 June of the mid-year estimate used). extract_date is null and
-- is_stale null when the period has no data from that source.
-- Written by pipeline.warehouse.measures.build_measures together with the period's measures.
create table if not exists measure_snapshots (
    period varchar not null,
    feed varchar not null,
    extract_date date,
    is_stale boolean,
    primary key (period, feed)
)
