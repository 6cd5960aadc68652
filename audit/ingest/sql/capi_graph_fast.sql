-- Conversions API logs, fast path: a JSONL file whose every line is an envelope, a request body or a
-- single event with the usual shapes is read in one typed pass by read_json. read_json stops at the
-- first line that does not fit (bad JSON, `data` as a string, a line over read_json's default maximum
-- object size, ...); the loader then takes the exact path. The default object size keeps the read parallel
-- (a larger one makes it read the file in one buffer, on one thread).
-- {path} is replaced by the file's path as a SQL string.

create or replace temp table cg_fast as
select *
from read_json(
    {path},
    format = 'newline_delimited',
    columns = {
        'sent_at': 'VARCHAR', 'timestamp': 'VARCHAR', 'pixel_id': 'VARCHAR', 'dataset_id': 'VARCHAR',
        'path': 'VARCHAR', 'url': 'VARCHAR', 'request_id': 'VARCHAR',
        'request': 'STRUCT(data STRUCT(event_name VARCHAR, event_id VARCHAR, event_time VARCHAR, sent_at VARCHAR,
            action_source VARCHAR, event_source_url VARCHAR, referrer_url VARCHAR, test_event_code VARCHAR,
            partner_agent VARCHAR, user_data JSON, custom_data JSON)[], test_event_code VARCHAR,
            partner_agent VARCHAR)',
        'data': 'STRUCT(event_name VARCHAR, event_id VARCHAR, event_time VARCHAR, sent_at VARCHAR,
            action_source VARCHAR, event_source_url VARCHAR, referrer_url VARCHAR, test_event_code VARCHAR,
            partner_agent VARCHAR, user_data JSON, custom_data JSON)[]',
        'test_event_code': 'VARCHAR', 'partner_agent': 'VARCHAR',
        'event_name': 'VARCHAR', 'event_id': 'VARCHAR', 'event_time': 'VARCHAR', 'action_source': 'VARCHAR',
        'event_source_url': 'VARCHAR', 'referrer_url': 'VARCHAR', 'user_data': 'JSON', 'custom_data': 'JSON',
        'response': 'STRUCT(events_received VARCHAR, fbtrace_id VARCHAR, error STRUCT(code VARCHAR,
            error_subcode VARCHAR, message VARCHAR, error_user_title VARCHAR, fbtrace_id VARCHAR))'
    }
);

-- a view: read twice (the fit check, then the events) it costs less than a stored copy of every list
create or replace temp view cg_fast_records as
with numbered as (
    select rowid - (select min(rowid) from cg_fast) + 1 as line, *
    from cg_fast
)
select
    cast(line as integer) as line,
    case
        when request is not null then 'envelope'
        when data is not null then 'body'
        when event_name is not null then 'event'
        else 'unknown'
    end as kind,
    case
        when request is not null then request.data
        when data is not null then data
        when event_name is not null then [struct_pack(
            event_name := event_name, event_id := event_id, event_time := event_time, sent_at := sent_at,
            action_source := action_source, event_source_url := event_source_url,
            referrer_url := referrer_url, test_event_code := test_event_code, partner_agent := partner_agent,
            user_data := user_data, custom_data := custom_data
        )]
    end as items,
    case when request is not null or data is not null or event_name is not null then coalesce(
        pixel_id, dataset_id, regexp_extract(coalesce(path, url), '/([0-9]+)/events', 1)
    ) end as dataset_id,
    case when request is not null then coalesce(sent_at, timestamp) end as sent_at_raw,
    case when request is not null then request.test_event_code when data is not null then test_event_code end
        as test_event_code,
    case when request is not null then request.partner_agent when data is not null then partner_agent end
        as partner_agent,
    coalesce(request_id, getvariable('ingest_load_id') || ':' || line) as request_id,
    request is not null and response is not null as has_response,
    response.events_received as events_received,
    response.fbtrace_id as resp_fbtrace_id,
    response.error as err
from numbered;

-- The fast path only applies when every record is a request or event with a non-empty list of objects.
create or replace temp table cg_fast_misfits as
select line
from cg_fast_records
where kind = 'unknown' or items is null or len(items) = 0 or list_bool_or(list_transform(items, lambda x: x is null));

create or replace temp table cg_parsed as
select
    line,
    cast(idx as integer) as idx,
    item as e,
    dataset_id,
    sent_at_raw,
    test_event_code,
    partner_agent,
    request_id,
    cast(len(items) as integer) as request_event_count,
    has_response,
    events_received,
    resp_fbtrace_id,
    err
from (
    select *, unnest(items) as item, unnest(range(0, len(items))) as idx
    from cg_fast_records
    where not exists (select 1 from cg_fast_misfits)
);
