-- Events of one channel (variable bench_channel) of the current copy (view bench_copy) as flat rows with
-- canonical column names, for the Parquet and flat JSONL files the table loader reads. event_ts is
-- a typed time only the baselines read (the loader ignores unknown columns).
select
    channel, dataset_id, event_name, event_id, event_time_raw, sent_at, action_source, event_source_url,
    referrer_url, test_event_code, partner_agent, em, ph, fn, ln, ge, db, ct, st, zp, country, external_id,
    fbc, fbp, client_ip_address, client_user_agent, other_user_data, value_raw, currency, order_id,
    content_ids, custom_data, request_id, request_event_count, events_received, response_status,
    error_code, error_subcode, error_message, fbtrace_id, event_ts
from bench_copy
where channel = getvariable('bench_channel')
order by coalesce(sent_at, event_ts), load_id, source_line, source_index
