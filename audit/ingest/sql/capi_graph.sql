-- Conversions API logs -> ingest_stage / ingest_quarantine.
-- Input: temp table ingest_lines(line, text): one record per line (JSONL) or one whole document (line 1).
-- A record is a log envelope {"sent_at", "pixel_id" | "path", "request": {...}, "response": {...}},
-- a Graph API request body {"data": [...], "test_event_code"?, "partner_agent"?}, a single event
-- {"event_name", ...} or a JSON array of events. `data` and its items may be JSON-encoded strings.

create or replace temp table cg_records as
with parsed as (
    select
        line,
        text,
        trim(text, chr(65279) || ' ' || chr(9) || chr(13)) as body_text
    from ingest_lines
),
json_records as (
    select
        line,
        text,
        body_text = '' as blank,
        case when body_text = '' then null else try(json(body_text)) end as j
    from parsed
)
select
    line,
    text,
    j,
    case
        when blank then 'blank'
        when j is null then 'bad_json'
        when json_type(j) = 'ARRAY' then 'array'
        when json_type(j) <> 'OBJECT' then 'unknown'
        when json_type(j -> 'request') in ('OBJECT', 'VARCHAR') then 'envelope'
        when (j -> 'data') is not null then 'body'
        when (j -> 'event_name') is not null then 'event'
        else 'unknown'
    end as kind
from json_records;

create or replace temp table cg_requests as
with bodies as (
    select
        line,
        text,
        kind,
        case kind when 'envelope' then j end as env,
        case kind when 'envelope' then ing_unwrap(j -> 'request') when 'body' then j end as body,
        case kind when 'event' then j end as single_event,
        case kind when 'array' then j end as event_array
    from cg_records
    where kind in ('envelope', 'body', 'event', 'array')
),
responses as (
    select
        line,
        text,
        kind,
        env,
        body,
        single_event,
        event_array,
        ing_unwrap(env -> 'response') as resp
    from bodies
)
select
    line,
    text,
    kind,
    case
        when kind in ('envelope', 'body') then ing_unwrap(body -> 'data')
        when kind = 'event' then json_array(single_event)
        else event_array
    end as data,
    coalesce(
        ing_text(env -> 'pixel_id'),
        ing_text(env -> 'dataset_id'),
        regexp_extract(coalesce(ing_text(env -> 'path'), ing_text(env -> 'url')), '/([0-9]+)/events', 1),
        ing_text(single_event -> 'dataset_id'),
        ing_text(single_event -> 'pixel_id')
    ) as dataset_id,
    coalesce(ing_text(env -> 'sent_at'), ing_text(env -> 'timestamp')) as sent_at_raw,
    ing_text(body -> 'test_event_code') as test_event_code,
    ing_text(body -> 'partner_agent') as partner_agent,
    coalesce(ing_text(env -> 'request_id'), getvariable('ingest_load_id') || ':' || line) as request_id,
    resp,
    resp -> 'error' as resp_error
from responses;

-- Records that are not events at all: bad JSON, unknown shapes, a request without a usable data list.
insert into ingest_quarantine (source_line, source_index, field, reason, raw_text)
select line, null, null,
    case kind
        when 'bad_json' then 'not valid JSON'
        else 'not a Conversions API request, log envelope or event (expected "data", "request" or "event_name")'
    end,
    text
from cg_records
where kind in ('bad_json', 'unknown');

insert into ingest_quarantine (source_line, source_index, field, reason, raw_text)
select line, null, 'data',
    case
        when data is null then 'request has no readable "data" list of events'
        when json_type(data) <> 'ARRAY' then '"data" is not a list of events'
        else 'request has an empty "data" list'
    end,
    text
from cg_requests
where data is null or json_type(data) <> 'ARRAY' or json_array_length(data) = 0;

create or replace temp table cg_events as
with items as (
    select
        line,
        dataset_id,
        sent_at_raw,
        test_event_code,
        partner_agent,
        request_id,
        json_array_length(data) as request_event_count,
        resp,
        resp_error,
        unnest(cast(data as json[])) as item,
        unnest(range(0, cast(json_array_length(data) as bigint))) as idx
    from cg_requests
    where json_type(data) = 'ARRAY'
)
select
    line,
    idx,
    item,
    ing_unwrap(item) as e,
    dataset_id,
    sent_at_raw,
    test_event_code,
    partner_agent,
    request_id,
    request_event_count,
    resp,
    resp_error
from items;

insert into ingest_quarantine (source_line, source_index, field, reason, raw_text)
select line, idx, 'data', 'event is not a JSON object', item::varchar
from cg_events
where e is null or json_type(e) <> 'OBJECT';

insert into ingest_stage by name
with events_only as (
    select
        line,
        idx,
        e,
        case when json_type(e -> 'user_data') = 'OBJECT' then e -> 'user_data' end as ud,
        case when json_type(e -> 'custom_data') = 'OBJECT' then e -> 'custom_data' end as cd,
        dataset_id,
        sent_at_raw,
        test_event_code,
        partner_agent,
        request_id,
        request_event_count,
        resp,
        resp_error
    from cg_events
    where json_type(e) = 'OBJECT'
),
other_keys as (
    select
        *,
        list_filter(
            json_keys(ud),
            lambda k: k not in (
                'em', 'ph', 'fn', 'ln', 'ge', 'db', 'ct', 'st', 'zp', 'country', 'external_id',
                'fbc', 'fbp', 'client_ip_address', 'client_user_agent', 'access_token'
            )
        ) as ud_other
    from events_only
)
select
    line as source_line,
    idx as source_index,
    'capi' as channel,
    dataset_id,
    ing_text(e -> 'event_name') as event_name,
    ing_text(e -> 'event_id') as event_id,
    ing_text(e -> 'event_time') as event_time_raw,
    coalesce(sent_at_raw, ing_text(e -> 'sent_at')) as sent_at_raw,
    ing_text(e -> 'action_source') as action_source,
    ing_text(e -> 'event_source_url') as event_source_url,
    ing_text(e -> 'referrer_url') as referrer_url,
    coalesce(test_event_code, ing_text(e -> 'test_event_code')) as test_event_code,
    coalesce(partner_agent, ing_text(e -> 'partner_agent')) as partner_agent,
    ing_list(ud -> 'em') as em,
    ing_list(ud -> 'ph') as ph,
    ing_list(ud -> 'fn') as fn,
    ing_list(ud -> 'ln') as ln,
    ing_list(ud -> 'ge') as ge,
    ing_list(ud -> 'db') as db,
    ing_list(ud -> 'ct') as ct,
    ing_list(ud -> 'st') as st,
    ing_list(ud -> 'zp') as zp,
    ing_list(ud -> 'country') as country,
    ing_list(ud -> 'external_id') as external_id,
    ing_text(ud -> 'fbc') as fbc,
    ing_text(ud -> 'fbp') as fbp,
    ing_text(ud -> 'client_ip_address') as client_ip_address,
    ing_text(ud -> 'client_user_agent') as client_user_agent,
    case
        when len(ud_other) > 0 then to_json(map_from_entries(list_transform(
            ud_other, lambda k: struct_pack(k := k, v := json_extract(ud, '$."' || k || '"'))
        )))
    end as other_user_data,
    ing_text(cd -> 'value') as value_raw,
    ing_text(cd -> 'currency') as currency,
    ing_text(cd -> 'order_id') as order_id,
    ing_list(cd -> 'content_ids') as content_ids,
    cd as custom_data,
    request_id,
    request_event_count,
    try_cast(ing_text(resp -> 'events_received') as integer) as events_received,
    case
        when resp_error is not null then 'error'
        when resp is not null and json_type(resp) = 'OBJECT' then 'ok'
    end as response_status,
    try_cast(ing_text(resp_error -> 'code') as integer) as error_code,
    try_cast(ing_text(resp_error -> 'error_subcode') as integer) as error_subcode,
    coalesce(ing_text(resp_error -> 'error_user_title'), ing_text(resp_error -> 'message')) as error_message,
    coalesce(ing_text(resp_error -> 'fbtrace_id'), ing_text(resp -> 'fbtrace_id')) as fbtrace_id
from other_keys;
