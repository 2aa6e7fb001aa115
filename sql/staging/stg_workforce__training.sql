-- Grain: one row a completed place on the council's SEND courses (the current log).
-- Sources: src_workforce__training.
with

training as (
    select * from src_workforce__training
),

final as (
    select
        training.record_id,
        nullif(trim(training.urn), '') as urn,
        upper(trim(training.role)) as role,
        upper(trim(training.course)) as course,
        training.completed_on
    from training
)

select * from final
