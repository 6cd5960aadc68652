-- Dedup stage 1: production events (no test_event_code) with the keys and times pairing needs.
-- Window time = when Meta received the event: sent_at where the log has it, else event_time.

-- Every production event with everything pairing derives from it. Arrival order, the tie-breaker
-- everywhere a "first" event is chosen, is window_time (nulls last), then load_id, source_line and
-- source_index: `arrival` encodes that order as one number (mixed radix over the columns' ranges), so
-- no sort of every event is needed and the same event gets the same number in every stage.
create or replace macro dedup_production() as table
with production as (
    select
        event_ref,
        channel,
        coalesce(dataset_id, 'unknown')                    as dataset_id,
        event_name,
        event_id,
        event_time,
        coalesce(sent_at, event_time)                      as window_time,
        load_id,
        source_line,
        source_index,
        nullif(trim(order_id), '')                         as order_id,
        value,
        upper(nullif(trim(currency), ''))                  as currency,
        external_id,
        em,
        fbp
    from events
    where test_event_code is null
),
-- the ranges cover every event (test events too): only the order of the numbers matters
load_ranks as (
    select load_id, row_number() over (order by load_id) - 1 as load_rank
    from (select distinct load_id from events)
),
ranges as (
    select
        coalesce(max(epoch_us(coalesce(sent_at, event_time))), 0) + 1 as no_time,
        (select count(*) from load_ranks)                  as loads,
        min(source_line)                                   as min_line,
        max(source_line) - min(source_line) + 1            as lines,
        min(source_index)                                  as min_index,
        max(source_index) - min(source_index) + 1          as indexes
    from events
)
select
    p.event_ref,
    p.channel,
    p.dataset_id,
    p.event_name,
    p.event_id,
    p.event_time,
    p.window_time,
    epoch(p.window_time)                                   as window_epoch,
    lower(trim(p.event_name))                              as folded_name,
    nullif(trim(p.event_id), '')                           as trimmed_id,
    coalesce(p.event_id, '') <> ''                         as has_id,
    p.order_id,
    p.value,
    p.currency,
    p.external_id,
    p.em,
    p.fbp,
    -- what makes two sends of one key the same conversion: same order, value and customer (a 64-bit
    -- hash of them: sends are only ever compared with sends of the same key, and a number is cheaper
    -- to build, group and sort than md5's text)
    hash(concat_ws('|',
        coalesce(p.order_id, '-'),
        coalesce(cast(p.value as varchar), '-'),
        coalesce(p.currency, '-'),
        coalesce(cast(list_sort(p.external_id) as varchar), '-'),
        coalesce(cast(list_sort(p.em) as varchar), '-'),
        coalesce(p.fbp, '-')))                             as signature,
    ((cast(coalesce(epoch_us(p.window_time), r.no_time) as hugeint) * r.loads + l.load_rank)
        * r.lines + (p.source_line - r.min_line)) * r.indexes + (p.source_index - r.min_index) as arrival
from production p
join load_ranks l on l.load_id = p.load_id
cross join ranges r;

-- The columns the within-channel steps (repeats, Meta's drops) read; the anchors (stage 2) take the
-- customer and order columns straight from dedup_production().
create or replace temp table stage_dedup_events as
select
    event_ref,
    channel,
    dataset_id,
    event_name,
    event_id,
    event_time,
    window_epoch,
    has_id,
    signature,
    arrival
from dedup_production();
