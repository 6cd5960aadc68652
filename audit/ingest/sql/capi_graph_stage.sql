-- Conversions API events (cg_parsed, from the exact or the fast path) -> ingest_stage.
insert into ingest_stage by name
with nested as (
    select
        *,
        case when left(e.user_data, 1) = '{' then e.user_data end as ud_text,
        case when left(e.custom_data, 1) = '{' then e.custom_data end as cd_text
    from cg_parsed
),
parsed as (
    select
        *,
        from_json(ud_text, '{
            "em": "JSON", "ph": "JSON", "fn": "JSON", "ln": "JSON", "ge": "JSON", "db": "JSON", "ct": "JSON",
            "st": "JSON", "zp": "JSON", "country": "JSON", "external_id": "JSON", "fbc": "VARCHAR",
            "fbp": "VARCHAR", "client_ip_address": "VARCHAR", "client_user_agent": "VARCHAR"
        }') as ud,
        from_json(cd_text, '{"value": "VARCHAR", "currency": "VARCHAR", "order_id": "VARCHAR",
            "content_ids": "JSON"}') as cd,
        -- other keys: the object is read as a map only when json_keys finds one (cheaper than the map)
        case when list_bool_or(list_transform(json_keys(ud_text), lambda k: k not in (
            'em', 'ph', 'fn', 'ln', 'ge', 'db', 'ct', 'st', 'zp', 'country', 'external_id',
            'fbc', 'fbp', 'client_ip_address', 'client_user_agent', 'access_token'
        ))) then list_filter(
            map_entries(try_cast(ud_text as map(varchar, json))),
            lambda kv: kv.key not in (
                'em', 'ph', 'fn', 'ln', 'ge', 'db', 'ct', 'st', 'zp', 'country', 'external_id',
                'fbc', 'fbp', 'client_ip_address', 'client_user_agent', 'access_token'
            )
        ) end as ud_other
    from nested
)
select
    line as source_line,
    idx as source_index,
    'capi' as channel,
    dataset_id,
    e.event_name as event_name,
    e.event_id as event_id,
    e.event_time as event_time_raw,
    coalesce(sent_at_raw, e.sent_at) as sent_at_raw,
    ing_time(cast(e.event_time as varchar)) as event_time_parsed,
    ing_time(cast(coalesce(sent_at_raw, e.sent_at) as varchar)) as sent_at_parsed,
    e.action_source as action_source,
    e.event_source_url as event_source_url,
    e.referrer_url as referrer_url,
    coalesce(test_event_code, e.test_event_code) as test_event_code,
    coalesce(partner_agent, e.partner_agent) as partner_agent,
    ing_list(ud.em) as em,
    ing_list(ud.ph) as ph,
    ing_list(ud.fn) as fn,
    ing_list(ud.ln) as ln,
    ing_list(ud.ge) as ge,
    ing_list(ud.db) as db,
    ing_list(ud.ct) as ct,
    ing_list(ud.st) as st,
    ing_list(ud.zp) as zp,
    ing_list(ud.country) as country,
    ing_list(ud.external_id) as external_id,
    ud.fbc as fbc,
    ud.fbp as fbp,
    ud.client_ip_address as client_ip_address,
    ud.client_user_agent as client_user_agent,
    case when len(ud_other) > 0 then to_json(map_from_entries(ud_other)) end as other_user_data,
    cd.value as value_raw,
    cd.currency as currency,
    cd.order_id as order_id,
    ing_list(cd.content_ids) as content_ids,
    cd_text::json as custom_data,
    request_id,
    request_event_count,
    try_cast(events_received as integer) as events_received,
    case when err is not null then 'error' when has_response then 'ok' end as response_status,
    try_cast(err.code as integer) as error_code,
    try_cast(err.error_subcode as integer) as error_subcode,
    coalesce(err.error_user_title, err.message) as error_message,
    coalesce(err.fbtrace_id, resp_fbtrace_id) as fbtrace_id
from parsed;
