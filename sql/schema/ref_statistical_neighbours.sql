-- One row an LA and one of its ten statistical neighbours (DfE benchmarking tool, May 2025).
-- Replaced whole by pipeline.warehouse.published.load_published from reference/published/statistical_neighbours.csv.
create table if not exists ref_statistical_neighbours (
    la_code varchar not null,
    sn_rank integer not null,
    neighbour_la_code varchar not null,
    primary key (la_code, sn_rank)
)
