-- Incremental audit, step 1: the keys through which one event can change another's audit results.
-- Every pairing candidate, repeat, reused id and dataset mismatch shares one of these keys (a superset:
-- ids and order ids are compared case-folded and trimmed, customer keys whatever the event name):
--   id, order_id     at any distance in time (repeats, reused ids, pairs outside the window, busy ids)
--   external_id, em, fbp  only within `band` seconds (evidence pairing is bounded by the tolerance)
-- scope_event_keys(true): the keys of events the last audit did not cover; (false): of every event.
-- The keys of audited events are kept in `audit_keys`, so an incremental audit only computes the new ones.
-- Events and keys are kept as 64-bit hashes (of the event_ref; of the key's kind and text): 16 bytes a row
-- instead of an event_ref and up to 64 characters an e-mail hash takes, and the scope's rounds join on
-- integers. Two events whose refs hash alike, or two keys that do, are treated as one, so a collision only
-- adds a few events to the scope (re-audited for nothing), never leaves one out; results stay exact.
-- DuckDB's hash() is the same for the same text within one DuckDB version, and the audit's fingerprint
-- includes that version (audit/rules/incremental.py), so stored and new hashes always agree.
create or replace temp macro scope_event_keys(only_new) as table
with base as (
    select
        event_ref,
        epoch(coalesce(sent_at, event_time))                               as t,
        nullif(lower(trim(event_id)), '')                                  as id,
        nullif(lower(trim(order_id)), '')                                  as order_id,
        external_id,
        em,
        fbp
    from all_events
    where not only_new or event_ref in (select event_ref from scope_new_events)
),
keys as (
    select event_ref, 'id' as kind, id as key, t from base
    union all select event_ref, 'order_id', order_id, t from base
    union all select event_ref, 'external_id', unnest(list_distinct(external_id)), t from base
    union all select event_ref, 'em', unnest(list_distinct(em)), t from base
    union all select event_ref, 'fbp', fbp, t from base
)
-- (t only matters for the customer keys: ids and order ids relate events at any distance, so their t is
-- left NULL, which takes no room and tells the rounds to ignore the time)
select
    hash(event_ref)                                                        as ev,
    hash(kind, key)                                                        as key_hash,
    case when kind not in ('id', 'order_id') then t end                   as t
from keys
where key is not null;
