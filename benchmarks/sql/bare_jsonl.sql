-- The limit for loading JSONL: bare DuckDB reading the benchmark's JSONL folders with their schema given
-- (no detection pass), one row per event (the request bodies' data lists unnested), stored in tables of
-- an on-disk database. No checks, no time parsing, no PII hashing, no quarantine, no line numbers.
-- Placeholders: {pixel}, {capi} (lists of files). The schemas are those benchmarks/prepare.py writes:
-- flat_rows.sql's columns for the Pixel, capi_requests.sql's envelopes for the CAPI.
create or replace table bare_pixel_events as
select *
from read_json(
    {pixel},
    format = 'newline_delimited',
    columns = {
        'channel': 'VARCHAR', 'dataset_id': 'VARCHAR', 'event_name': 'VARCHAR', 'event_id': 'VARCHAR',
        'event_time_raw': 'VARCHAR', 'sent_at': 'VARCHAR', 'action_source': 'VARCHAR',
        'event_source_url': 'VARCHAR', 'referrer_url': 'VARCHAR', 'test_event_code': 'VARCHAR',
        'partner_agent': 'VARCHAR', 'em': 'VARCHAR', 'ph': 'VARCHAR', 'fn': 'VARCHAR', 'ln': 'VARCHAR',
        'ge': 'VARCHAR', 'db': 'VARCHAR', 'ct': 'VARCHAR', 'st': 'VARCHAR', 'zp': 'VARCHAR',
        'country': 'VARCHAR', 'external_id': 'VARCHAR', 'fbc': 'VARCHAR', 'fbp': 'VARCHAR',
        'client_ip_address': 'VARCHAR', 'client_user_agent': 'VARCHAR', 'other_user_data': 'JSON',
        'value_raw': 'VARCHAR', 'currency': 'VARCHAR', 'order_id': 'VARCHAR', 'content_ids': 'JSON',
        'custom_data': 'JSON', 'request_id': 'VARCHAR', 'request_event_count': 'VARCHAR',
        'events_received': 'VARCHAR', 'response_status': 'VARCHAR', 'error_code': 'VARCHAR',
        'error_subcode': 'VARCHAR', 'error_message': 'VARCHAR', 'fbtrace_id': 'VARCHAR'
    }
);

create or replace table bare_capi_events as
select sent_at, path, request_id, unnest(request.data) as event, response
from read_json(
    {capi},
    format = 'newline_delimited',
    columns = {
        'sent_at': 'VARCHAR', 'path': 'VARCHAR', 'request_id': 'VARCHAR',
        'request': 'STRUCT(data STRUCT(event_name VARCHAR, event_id VARCHAR, event_time VARCHAR,
            action_source VARCHAR, event_source_url VARCHAR, user_data JSON, custom_data JSON)[],
            test_event_code VARCHAR, partner_agent VARCHAR)',
        'response': 'STRUCT(events_received VARCHAR, fbtrace_id VARCHAR, error STRUCT(code VARCHAR,
            error_subcode VARCHAR, message VARCHAR, error_user_title VARCHAR, fbtrace_id VARCHAR))'
    }
);

select (select count(*) from bare_pixel_events) + (select count(*) from bare_capi_events) as events;
