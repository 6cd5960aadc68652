-- Per day and scope (all events, then each event name) from $start to $end: the daily numbers
-- behind the report's charts and the "day a metric changed".
with dedup as (
    select
        day,
        event_name,
        conversions,
        counted_by_meta,
        double_counts,
        both_channels,
        deduplicated_pairs,
        recovered,
        pixel_with_dedup_key,
        pixel_unique_events
    from dedup_daily
    where day between $start and $end
      and ($dataset is null or dataset_id = $dataset)
),
timing as (
    select
        day,
        event_name,
        capi_requests_ok,
        capi_requests_error,
        capi_events_short,
        pixel_latency_p95_s,
        capi_latency_p95_s
    from timing_daily
    where day between $start and $end
      and ($dataset is null or dataset_id = $dataset)
),
dedup_by_scope as (
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
        sum(pixel_unique_events) as pixel_unique_events
    from dedup
    group by grouping sets ((day), (event_name, day))
),
timing_by_scope as (
    select
        case when grouping(event_name) = 1 then null else coalesce(event_name, '') end as event_name,
        grouping(event_name) = 1 as all_events,
        day,
        sum(capi_requests_ok) as capi_requests_ok,
        sum(capi_requests_error) as capi_requests_error,
        sum(capi_events_short) as capi_events_short,
        max(pixel_latency_p95_s) as pixel_latency_p95_s,
        max(capi_latency_p95_s) as capi_latency_p95_s
    from timing
    group by grouping sets ((day), (event_name, day))
),
joined as (
    select
        coalesce(d.all_events, t.all_events) as all_events,
        coalesce(d.event_name, t.event_name) as event_name,
        coalesce(d.day, t.day) as day,
        coalesce(d.conversions, 0) as conversions,
        coalesce(d.counted_by_meta, 0) as counted_by_meta,
        coalesce(d.double_counts, 0) as double_counts,
        coalesce(d.both_channels, 0) as both_channels,
        coalesce(d.deduplicated_pairs, 0) as deduplicated_pairs,
        coalesce(d.recovered, 0) as recovered,
        coalesce(d.pixel_with_dedup_key, 0) as pixel_with_dedup_key,
        coalesce(d.pixel_unique_events, 0) as pixel_unique_events,
        coalesce(t.capi_requests_ok, 0) as capi_requests_ok,
        coalesce(t.capi_requests_error, 0) as capi_requests_error,
        coalesce(t.capi_events_short, 0) as capi_events_short,
        t.pixel_latency_p95_s,
        t.capi_latency_p95_s
    from dedup_by_scope as d
    full outer join timing_by_scope as t
        on d.all_events = t.all_events
        and d.day = t.day
        and coalesce(d.event_name, '') = coalesce(t.event_name, '')
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
from joined
order by all_events desc, event_name, day
