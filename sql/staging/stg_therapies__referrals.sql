-- Grain: one row a referral to a children's therapy service in the period's therapies snapshot.
-- Sources: src_therapies__referrals (rows of run_params.therapies_extract_date), run_params.
with

referrals as (
    select * from src_therapies__referrals
),

params as (
    select therapies_extract_date from run_params
),

final as (
    select
        referrals.referral_id,
        referrals.patient_key,
        upper(nullif(trim(referrals.service), '')) as service,
        referrals.referral_received_date,
        referrals.rejected_date as referral_rejected_date,
        referrals.first_contact_date,
        referrals.discharge_date
    from referrals
    inner join params
        on referrals.extract_date = params.therapies_extract_date
)

select * from final
