-- Grain: one row a referral of the period's therapies snapshot, with whether it was
-- received in the month, whether it is waiting at run_params.period_end (received on or
-- before PE and neither rejected, first seen nor discharged on or before PE) and its wait
-- in days, and whether it was first seen in the month and the days it waited for that.
-- Sources: stg_therapies__referrals, run_params.
with

referrals as (
    select * from stg_therapies__referrals
),

params as (
    select period_start, period_end from run_params
),

final as (
    select
        referrals.referral_id,
        referrals.service,
        referrals.referral_received_date,
        referrals.first_contact_date,
        coalesce(referrals.referral_received_date between params.period_start and params.period_end, false)
            as is_received_in_month,
        coalesce(
            referrals.referral_received_date <= params.period_end
            and not coalesce(referrals.referral_rejected_date <= params.period_end, false)
            and not coalesce(referrals.first_contact_date <= params.period_end, false)
            and not coalesce(referrals.discharge_date <= params.period_end, false),
            false
        ) as is_waiting,
        params.period_end - referrals.referral_received_date as wait_days,
        coalesce(referrals.first_contact_date between params.period_start and params.period_end, false)
            as is_first_seen_in_month,
        referrals.first_contact_date - referrals.referral_received_date as seen_wait_days
    from referrals
    cross join params
)

select * from final
