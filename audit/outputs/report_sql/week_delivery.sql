-- Per scope (all events, then each event name) for one week: Meta's answers to the server
-- events and how long events took to be sent (typical day's median, slowest day's p95).
with timing as (
    select
        event_name,
        day,
        pixel_latency_p50_s,
        pixel_latency_p95_s,
        capi_latency_p50_s,
        capi_latency_p95_s,
        capi_requests_ok,
        capi_requests_error,
        capi_events_short
    from timing_daily
    where day between $start and $end
      and ($dataset is null or dataset_id = $dataset)
),
by_scope as (
    select
        case when grouping(event_name) = 1 then null else coalesce(event_name, '') end as event_name,
        grouping(event_name) = 1 as all_events,
        sum(capi_requests_ok) as requests_ok,
        sum(capi_requests_error) as requests_error,
        sum(capi_events_short) as events_short,
        median(pixel_latency_p50_s) as pixel_latency_p50_s,
        max(pixel_latency_p95_s) as pixel_latency_p95_s,
        median(capi_latency_p50_s) as capi_latency_p50_s,
        max(capi_latency_p95_s) as capi_latency_p95_s
    from timing
    group by grouping sets ((), (event_name))
)
select
    all_events,
    event_name,
    coalesce(requests_ok, 0) as requests_ok,
    coalesce(requests_error, 0) as requests_error,
    coalesce(events_short, 0) as events_short,
    requests_error / nullif(requests_ok + requests_error, 0) as error_rate,
    pixel_latency_p50_s,
    pixel_latency_p95_s,
    capi_latency_p50_s,
    capi_latency_p95_s
from by_scope
order by all_events desc, event_name
