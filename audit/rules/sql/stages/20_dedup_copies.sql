-- Dedup stage 2: within one channel, group sends of one key (dataset, event_name, event_id) into copies.
-- A later send of the same event (same order, value and customer, an event_time within the evidence
-- tolerance of the previous send's, and received within the window of it) is a repeat: a retry or a
-- double fire. Any other send of the key starts a new copy, which stage 4 reports as a reused id when
-- it belongs to another conversion. Events without an id are each their own copy.
-- Only events whose key and signature were sent more than once (found by grouping on a hash of them;
-- a collision only lets an extra event through) go through the ordered steps; the rest are their own copy.
create or replace temp table stage_dedup_copies as
with sent_again as (
    select hash(channel, dataset_id, event_name, event_id, signature) as send_hash
    from stage_dedup_events
    where has_id
    group by send_hash
    having count(*) > 1
),
keyed as (
    select
        event_ref,
        channel,
        dataset_id,
        event_name,
        event_id,
        signature,
        window_epoch,
        arrival,
        row_number() over (
            partition by channel, dataset_id, event_name, event_id, signature order by arrival
        )                                                  as send_rank,
        window_epoch - lag(window_epoch) over (
            partition by channel, dataset_id, event_name, event_id, signature order by arrival
        )                                                  as since_previous_s,
        abs(epoch(event_time) - lag(epoch(event_time)) over (
            partition by channel, dataset_id, event_name, event_id, signature order by arrival
        ))                                                 as event_time_moved_s
    from stage_dedup_events
    where has_id
      and hash(channel, dataset_id, event_name, event_id, signature) in (select send_hash from sent_again)
),
starts as (
    select
        event_ref,
        channel,
        dataset_id,
        event_name,
        event_id,
        signature,
        arrival,
        case
            when send_rank = 1 then 1
            when since_previous_s > getvariable('window_hours') * 3600 then 1
            when event_time_moved_s > getvariable('evidence_tolerance_minutes') * 60 then 1
            else 0
        end                                                as starts_copy
    from keyed
),
islands as (
    select
        event_ref,
        channel,
        dataset_id,
        event_name,
        event_id,
        signature,
        arrival,
        sum(starts_copy) over (
            partition by channel, dataset_id, event_name, event_id, signature
            order by arrival rows between unbounded preceding and current row
        )                                                  as island
    from starts
),
copies as (
    select
        event_ref,
        first_value(event_ref) over (
            partition by channel, dataset_id, event_name, event_id, signature, island order by arrival
        )                                                  as copy_ref,
        row_number() over (
            partition by channel, dataset_id, event_name, event_id, signature, island order by arrival
        )                                                  as send_number
    from islands
)
select event_ref, copy_ref, send_number > 1 as is_repeat
from copies
union all
select event_ref, event_ref as copy_ref, false as is_repeat
from stage_dedup_events
where not has_id
   or hash(channel, dataset_id, event_name, event_id, signature) not in (select send_hash from sent_again);

-- The first send of every copy: what pairing works on (every production event but the few repeats).
create or replace temp table stage_dedup_anchors as
with repeats as (
    select event_ref, copy_ref
    from stage_dedup_copies
    where is_repeat
),
repeat_counts as (
    select copy_ref, count(*) as repeats
    from repeats
    group by copy_ref
)
select
    e.event_ref,
    e.channel,
    e.dataset_id,
    e.event_name,
    e.event_id,
    e.event_time,
    e.window_time,
    e.window_epoch,
    e.folded_name,
    e.trimmed_id,
    e.has_id,
    e.order_id,
    e.value,
    e.currency,
    e.external_id,
    e.em,
    e.fbp,
    e.arrival,
    coalesce(r.repeats, 0)                                 as repeats
from dedup_production() e
left join repeat_counts r on r.copy_ref = e.event_ref
where e.event_ref not in (select event_ref from repeats);
