-- One row a month, NHS organisation and therapy service: children and young people waiting
-- for community health services (NHS England, Community Health Services Waiting Lists,
-- CYP service lines; unvalidated management information). org_type National, Region or
-- Provider; service SLT, OT, PHYSIO or CDS (community paediatrics); waiting_over_18_weeks
-- = 18-52 weeks + over 52 weeks (blank when either is unpublished).
-- Replaced whole by pipeline.warehouse.published.load_published from reference/published/community_health_waits.csv.
create table if not exists ref_community_health_waits (
    period varchar not null,
    org_type varchar not null,
    org_code varchar,
    org_name varchar not null,
    service varchar not null,
    total_waiting double precision,
    waiting_over_18_weeks double precision,
    waiting_over_52_weeks double precision
)
