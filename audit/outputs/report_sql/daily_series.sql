-- Per day and scope (all events, then each event name) from $start to $end: the daily numbers
-- behind the report's charts and the "day a metric changed", summed from the daily_metrics view.
with by_scope as (
    select
        case when grouping(event_name) = 1 then null else coalesce(event_name, '') end as event_name,
        grouping(event_name) = 1 as all_events,
        day,
        sum(conversions) as conversions,
        sum(counted_by_meta) as counted_by_meta,
        sum(double_counts) as double_counts,
        sum(both_channels) as both_channels,
        sum(deduplicated_pairs) as deduplicated_pairs,
        sum(recovered) as recovered,
        sum(pixel_with_dedup_key) as pixel_with_dedup_key,
        sum(pixel_unique_events) as pixel_unique_events,
        sum(capi_requests_ok) as capi_requests_ok,
        sum(capi_requests_error) as capi_requests_error,
        sum(capi_events_short) as capi_events_short,
        max(pixel_latency_p95_s) as pixel_latency_p95_s,
        max(capi_latency_p95_s) as capi_latency_p95_s
    from daily_metrics
    where day between $start and $end
      and ($dataset is null or dataset_id = $dataset)
    group by grouping sets ((day), (event_name, day))
)
select
    all_events,
    event_name,
    day,
    conversions,
    counted_by_meta,
    double_counts,
    both_channels,
    deduplicated_pairs,
    recovered,
    capi_requests_ok,
    capi_requests_error,
    capi_events_short,
    pixel_latency_p95_s,
    capi_latency_p95_s,
    deduplicated_pairs / nullif(both_channels, 0) as dedup_rate,
    double_counts / nullif(conversions, 0) as inflation_rate,
    pixel_with_dedup_key / nullif(pixel_unique_events, 0) as event_coverage,
    capi_requests_error / nullif(capi_requests_ok + capi_requests_error, 0) as error_rate
from by_scope
order by all_events desc, event_name, day
