-- Conversions API logs, exact path: any JSON/JSONL, line by line -> cg_parsed / ingest_quarantine.
-- Input: temp table ingest_lines(line, text): one record per line (JSONL) or one whole document (line 1).
-- A record is a log envelope {"sent_at", "pixel_id" | "path", "request": {...}, "response": {...}},
-- a Graph API request body {"data": [...], "test_event_code"?, "partner_agent"?}, a single event
-- {"event_name", ...} or a JSON array of events. `data` and its items may be JSON-encoded strings.
-- Each level is parsed once with from_json into a struct (JSON-typed where the shape varies).

create or replace temp table cg_records as
with trimmed as (
    select line, text, trim(text, chr(65279) || ' ' || chr(9) || chr(13)) as body_text
    from ingest_lines
),
parsed as (
    select
        line,
        text,
        body_text,
        left(body_text, 1) as first_char,
        case when left(body_text, 1) = '{' then try(from_json(body_text, '{
            "sent_at": "VARCHAR", "timestamp": "VARCHAR", "pixel_id": "VARCHAR", "dataset_id": "VARCHAR",
            "path": "VARCHAR", "url": "VARCHAR", "request_id": "VARCHAR", "request": "JSON", "response": "JSON",
            "data": "JSON", "test_event_code": "VARCHAR", "partner_agent": "VARCHAR", "event_name": "JSON"
        }')) end as r,
        case when left(body_text, 1) = '[' then try_cast(body_text as json) end as top_array
    from trimmed
)
select
    line,
    body_text,
    r,
    case
        when body_text = '' then 'blank'
        when first_char = '[' and top_array is not null then 'array'
        when r is null then 'bad_json'
        when left(r.request, 1) in ('{', '"') then 'envelope'
        when r.data is not null then 'body'
        when r.event_name is not null then 'event'
        else 'unknown'
    end as kind
from parsed;

create or replace temp table cg_data as
with bodies as (
    select
        line,
        body_text,
        kind,
        r,
        case kind
            when 'envelope' then try(from_json(ing_unwrap_text(r.request),
                '{"data": "JSON", "test_event_code": "VARCHAR", "partner_agent": "VARCHAR"}'))
        end as req,
        case when kind = 'envelope' then ing_unwrap_text(r.response) end as resp_text
    from cg_records
    where kind in ('envelope', 'body', 'event', 'array')
),
responses as (
    select
        * exclude (resp_text),
        case when left(resp_text, 1) = '{' then try(from_json(resp_text,
            '{"events_received": "VARCHAR", "fbtrace_id": "VARCHAR", "error": "JSON"}')) end as resp
    from bodies
),
requests as (
    select
    line,
    kind,
    ing_unwrap_text(case kind
        when 'envelope' then req.data
        when 'body' then r.data
        when 'event' then '[' || body_text || ']'
        else body_text
    end) as data_text,
    case when kind in ('envelope', 'body', 'event') then coalesce(
        r.pixel_id,
        r.dataset_id,
        regexp_extract(coalesce(r.path, r.url), '/([0-9]+)/events', 1)
    ) end as dataset_id,
    case when kind = 'envelope' then coalesce(r.sent_at, r.timestamp) end as sent_at_raw,
    case when kind = 'envelope' then req.test_event_code when kind = 'body' then r.test_event_code end
        as test_event_code,
    case when kind = 'envelope' then req.partner_agent when kind = 'body' then r.partner_agent end
        as partner_agent,
    coalesce(r.request_id, getvariable('ingest_load_id') || ':' || line) as request_id,
    resp is not null as has_response,
    resp.events_received as events_received,
    resp.fbtrace_id as resp_fbtrace_id,
    case when left(resp.error, 1) = '{' then from_json(resp.error, '{
        "code": "VARCHAR", "error_subcode": "VARCHAR", "message": "VARCHAR",
        "error_user_title": "VARCHAR", "fbtrace_id": "VARCHAR"
    }') end as err
from responses
),
listed as (
    select *, case when left(data_text, 1) = '[' then try_cast(data_text as json[]) end as items
    from requests
)
select * exclude (data_text), data_text is null as no_data
from listed;

-- Records that are not events at all: bad JSON, unknown shapes, a request without a usable data list.
insert into ingest_quarantine (source_line, source_index, field, reason, raw_text)
select c.line, null, null,
    case c.kind
        when 'bad_json' then 'not valid JSON'
        else 'not a Conversions API request, log envelope or event (expected "data", "request" or "event_name")'
    end,
    l.text
from cg_records as c
join ingest_lines as l on l.line = c.line
where c.kind in ('bad_json', 'unknown');

insert into ingest_quarantine (source_line, source_index, field, reason, raw_text)
select d.line, null, 'data',
    case
        when d.no_data then 'request has no readable "data" list of events'
        when d.items is null then '"data" is not a list of events'
        else 'request has an empty "data" list'
    end,
    l.text
from cg_data as d
join ingest_lines as l on l.line = d.line
where d.items is null or len(d.items) = 0;

create or replace temp table cg_events as
with items as (
    select
        line,
        dataset_id,
        sent_at_raw,
        test_event_code,
        partner_agent,
        request_id,
        len(items) as request_event_count,
        has_response,
        events_received,
        resp_fbtrace_id,
        err,
        unnest(items) as item,
        unnest(range(0, len(items))) as idx
    from cg_data
    where len(items) > 0
)
select
    *,
    ing_unwrap_text(item) as e_text
from items;

insert into ingest_quarantine (source_line, source_index, field, reason, raw_text)
select line, idx, 'data', 'event is not a JSON object', item::varchar
from cg_events
where e_text is null or left(e_text, 1) <> '{' or try(json(e_text)) is null;

create or replace temp table cg_parsed as
select
    line,
    idx,
    from_json(e_text, '{
        "event_name": "VARCHAR", "event_id": "VARCHAR", "event_time": "VARCHAR", "sent_at": "VARCHAR",
        "action_source": "VARCHAR", "event_source_url": "VARCHAR", "referrer_url": "VARCHAR",
        "test_event_code": "VARCHAR", "partner_agent": "VARCHAR", "user_data": "JSON", "custom_data": "JSON"
    }') as e,
    dataset_id,
    sent_at_raw,
    test_event_code,
    partner_agent,
    request_id,
    request_event_count,
    has_response,
    events_received,
    resp_fbtrace_id,
    err
from cg_events
where left(e_text, 1) = '{' and try(json(e_text)) is not null;
