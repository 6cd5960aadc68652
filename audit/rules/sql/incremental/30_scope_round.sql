-- repeat: scope_events max 1000
-- Incremental audit, step 3 (repeated until it adds nothing): add every event sharing a key with an event
-- added in the previous round (customer keys only within the evidence band of time).
insert into scope_events
with frontier as (
    select k.kind, k.key_hash, k.t
    from scope_keys as k
    join scope_events as s on s.event_ref = k.event_ref
    where s.round = getvariable('repeat_round') - 1
),
band as (
    select 2 * greatest(getvariable('evidence_tolerance_minutes') * 60, 1) + 1 as seconds
),
reached as (
    select distinct k.event_ref
    from frontier as f
    join scope_keys as k on k.kind = f.kind and k.key_hash = f.key_hash
    cross join band as b
    where f.kind in ('id', 'order_id') or abs(k.t - f.t) <= b.seconds
)
select event_ref, getvariable('repeat_round')
from reached
where event_ref not in (select event_ref from scope_events);
