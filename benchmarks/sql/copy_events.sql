-- One time-shifted copy of the canonical events of the preparation store (benchmarks/prepare.py).
-- Copy k moves every timestamp (event_time, sent_at, the raw event time, the fbc/fbp creation
-- times) by getvariable('bench_shift_s') seconds and prefixes event_id, order_id and request_id with
-- 'c<k>-' (after any leading whitespace, so trimming and case-folding near misses survive), so no
-- two copies pair or collide. Copy 0 is the generated data unchanged. Columns carry canonical names
-- the flat-table loader reads; event_ts is an extra typed column only the baselines use.
create or replace temp view bench_copy as
with params as (
    select
        cast(getvariable('bench_copy') as integer)                 as k,
        cast(getvariable('bench_shift_s') as bigint)               as s
),
source as (
    select
        e.channel, e.dataset_id, e.event_name, e.event_id, e.event_time, e.event_time_raw, e.sent_at,
        e.action_source, e.event_source_url, e.referrer_url, e.test_event_code, e.partner_agent,
        e.em, e.ph, e.fn, e.ln, e.ge, e.db, e.ct, e.st, e.zp, e.country, e.external_id,
        e.fbc, e.fbp, e.client_ip_address, e.client_user_agent, e.other_user_data,
        e.value_raw, e.currency, e.order_id, e.content_ids, e.custom_data,
        e.request_id, e.request_event_count, e.events_received, e.response_status,
        e.error_code, e.error_subcode, e.error_message, e.fbtrace_id,
        e.load_id, e.source_line, e.source_index,
        p.k, p.s, 'c' || p.k || '-'                                 as prefix
    from events e
    cross join params p
),
shifted as (
    select
        *,
        try_cast(event_time_raw as bigint)                         as raw_int,
        regexp_extract(fbc, '^(fb\.\d+\.)(\d{10}|\d{13})(\..*)$', ['head', 'ts', 'tail']) as fbc_parts,
        regexp_extract(fbp, '^(fb\.\d+\.)(\d{13})(\..*)?$', ['head', 'ts', 'tail'])         as fbp_parts
    from source
)
select
    channel,
    dataset_id,
    event_name,
    case when k = 0 or event_id is null or trim(event_id) = '' then event_id
         else regexp_replace(event_id, '^(\s*)', '\1' || prefix) end               as event_id,
    event_time + to_seconds(s)                                                    as event_ts,
    case
        when k = 0 or event_time_raw is null then event_time_raw
        when raw_int is not null and abs(raw_int) < 100000000000 then cast(raw_int + s as varchar)
        when raw_int is not null then cast(raw_int + s * 1000 as varchar)
        when try_cast(event_time_raw as timestamptz) is not null
            then cast(try_cast(event_time_raw as timestamptz) + to_seconds(s) as varchar)
        else event_time_raw
    end                                                                           as event_time_raw,
    sent_at + to_seconds(s)                                                       as sent_at,
    action_source,
    event_source_url,
    referrer_url,
    test_event_code,
    partner_agent,
    em, ph, fn, ln, ge, db, ct, st, zp, country, external_id,
    case
        when k = 0 or fbc_parts.ts = '' then fbc
        when length(fbc_parts.ts) = 13
            then fbc_parts.head || cast(cast(fbc_parts.ts as bigint) + s * 1000 as varchar) || fbc_parts.tail
        else fbc_parts.head || cast(cast(fbc_parts.ts as bigint) + s as varchar) || fbc_parts.tail
    end                                                                           as fbc,
    case
        when k = 0 or fbp_parts.ts = '' then fbp
        else fbp_parts.head || cast(cast(fbp_parts.ts as bigint) + s * 1000 as varchar) || fbp_parts.tail
    end                                                                           as fbp,
    client_ip_address,
    client_user_agent,
    other_user_data,
    value_raw,
    currency,
    case when k = 0 or order_id is null or trim(order_id) = '' then order_id
         else regexp_replace(order_id, '^(\s*)', '\1' || prefix) end               as order_id,
    content_ids,
    case when k = 0 or custom_data is null or order_id is null or trim(order_id) = '' then custom_data
         else json_merge_patch(custom_data, json_object('order_id',
              regexp_replace(order_id, '^(\s*)', '\1' || prefix))) end             as custom_data,
    case when k = 0 or request_id is null then request_id else prefix || request_id end as request_id,
    request_event_count,
    events_received,
    response_status,
    error_code,
    error_subcode,
    error_message,
    fbtrace_id,
    load_id,
    source_line,
    source_index
from shifted;
