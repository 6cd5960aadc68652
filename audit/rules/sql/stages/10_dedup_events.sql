-- Dedup stage 1: production events (no test_event_code) with the keys and times pairing needs.
-- Window time = when Meta received the event: sent_at where the log has it, else event_time.
create or replace table stage_dedup_events as
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
keyed as (
    select
        event_ref,
        channel,
        dataset_id,
        event_name,
        event_id,
        event_time,
        window_time,
        epoch(window_time)                                 as window_epoch,
        lower(trim(event_name))                            as folded_name,
        nullif(trim(event_id), '')                         as trimmed_id,
        coalesce(event_id, '') <> ''                       as has_id,
        order_id,
        value,
        currency,
        external_id,
        em,
        fbp,
        -- what makes two sends of one key the same conversion: same order, value and customer
        md5(concat_ws('|',
            coalesce(order_id, '-'),
            coalesce(cast(value as varchar), '-'),
            coalesce(currency, '-'),
            coalesce(cast(list_sort(external_id) as varchar), '-'),
            coalesce(cast(list_sort(em) as varchar), '-'),
            coalesce(fbp, '-')))                           as signature,
        load_id,
        source_line,
        source_index
    from production
)
select
    event_ref,
    channel,
    dataset_id,
    event_name,
    event_id,
    event_time,
    window_time,
    window_epoch,
    folded_name,
    trimmed_id,
    has_id,
    order_id,
    value,
    currency,
    external_id,
    em,
    fbp,
    signature,
    -- arrival order: the tie-breaker everywhere a "first" event is chosen
    row_number() over (order by window_time nulls last, load_id, source_line, source_index) as arrival
from keyed;
