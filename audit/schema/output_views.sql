-- Analyst views over the audit outputs, created after every audit run.
create or replace view daily_metrics as
select
    coalesce(d.dataset_id, t.dataset_id)             as dataset_id,
    coalesce(d.event_name, t.event_name)             as event_name,
    coalesce(d.day, t.day)                           as day,
    coalesce(d.pixel_events, 0)                      as pixel_events,
    coalesce(d.capi_events, 0)                       as capi_events,
    coalesce(d.conversions, 0)                       as conversions,
    coalesce(d.counted_by_meta, 0)                   as counted_by_meta,
    coalesce(d.deduplicated_pairs, 0)                as deduplicated_pairs,
    coalesce(d.both_channels, 0)                     as both_channels,
    d.deduplicated_pairs / nullif(d.both_channels, 0)         as dedup_rate,
    coalesce(d.double_counts, 0)                     as double_counts,
    d.double_counts / nullif(d.conversions, 0)                as inflation_rate,
    d.pixel_with_dedup_key / nullif(d.pixel_unique_events, 0) as event_coverage,
    coalesce(d.recovered, 0)                         as recovered,
    t.pixel_latency_p50_s, t.pixel_latency_p95_s,
    t.capi_latency_p50_s, t.capi_latency_p95_s,
    coalesce(t.capi_requests_ok, 0)                  as capi_requests_ok,
    coalesce(t.capi_requests_error, 0)               as capi_requests_error,
    coalesce(t.capi_events_short, 0)                 as capi_events_short,
    coalesce(d.pixel_with_dedup_key, 0)              as pixel_with_dedup_key,
    coalesce(d.pixel_unique_events, 0)               as pixel_unique_events
from dedup_daily d
full outer join timing_daily t
    on d.dataset_id = t.dataset_id and d.event_name = t.event_name and d.day = t.day;
