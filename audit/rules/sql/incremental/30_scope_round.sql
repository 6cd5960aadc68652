-- repeat: scope_reached max 1000
-- Incremental audit, step 3 (repeated until it adds nothing): add every event sharing a key with an event
-- added in the previous round (customer keys only within the evidence band of time; ids and order ids,
-- whose t is NULL, at any distance). Events and keys are 64-bit hashes (05_event_keys.sql).
insert into scope_reached
with frontier as (
    select distinct k.key_hash, k.t
    from scope_keys as k
    join scope_reached as s on s.ev = k.ev
    where s.round = getvariable('repeat_round') - 1
),
band as (
    select 2 * greatest(getvariable('evidence_tolerance_minutes') * 60, 1) + 1 as seconds
),
reached as (
    select distinct k.ev
    from frontier as f
    join scope_keys as k on k.key_hash = f.key_hash
    cross join band as b
    where f.t is null or abs(k.t - f.t) <= b.seconds
)
select ev, getvariable('repeat_round')
from reached
where ev not in (select ev from scope_reached);
