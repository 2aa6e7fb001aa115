-- One row a referral to a children's therapy service in a therapies snapshot (pseudonymised).
-- Loaded by pipeline.feeds.stage; one delivery is replaced inside a transaction.
create table if not exists src_therapies__referrals (
    extract_date date,
    referral_id varchar,
    patient_key varchar,
    birth_year_month varchar,
    service varchar,
    team_local_id varchar,
    referral_received_date date,
    priority varchar,
    referral_source varchar,
    rejected_date date,
    first_contact_date date,
    discharge_date date,
    discharge_reason varchar,
    primary key (extract_date, referral_id)
)
