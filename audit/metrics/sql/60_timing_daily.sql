-- timing_daily: per dataset x event name x UTC day of the event, send latency (sent_at - event_time)
-- percentiles per channel and what Meta answered for the server events (production events only).
insert into timing_daily
with production as (
    select
        coalesce(dataset_id, 'unknown')                                 as dataset_id,
        event_name,
        cast(timezone('UTC', event_time) as date)                       as day,
        channel,
        epoch(sent_at) - epoch(event_time)                              as latency_s,
        response_status,
        events_received,
        request_event_count
    from events
    where test_event_code is null and event_time is not null
)
select
    dataset_id,
    event_name,
    day,
    quantile_cont(latency_s, 0.5) filter (where channel = 'pixel')      as pixel_latency_p50_s,
    quantile_cont(latency_s, 0.95) filter (where channel = 'pixel')     as pixel_latency_p95_s,
    quantile_cont(latency_s, 0.5) filter (where channel = 'capi')       as capi_latency_p50_s,
    quantile_cont(latency_s, 0.95) filter (where channel = 'capi')      as capi_latency_p95_s,
    count(*) filter (where channel = 'capi' and response_status = 'ok') as capi_requests_ok,
    count(*) filter (where channel = 'capi' and response_status = 'error') as capi_requests_error,
    count(*) filter (
        where channel = 'capi' and coalesce(response_status, 'ok') <> 'error'
          and events_received < request_event_count
    )                                                                   as capi_events_short
from production
group by dataset_id, event_name, day
order by dataset_id, event_name, day;
