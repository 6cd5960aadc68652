-- Daily send latency percentiles per event name (as stored in daily_metrics).
select
    day,
    event_name,
    max(pixel_latency_p50_s) as pixel_latency_p50_s,
    max(pixel_latency_p95_s) as pixel_latency_p95_s,
    max(capi_latency_p50_s)  as capi_latency_p50_s,
    max(capi_latency_p95_s)  as capi_latency_p95_s
from daily_metrics
where ($dataset is null or dataset_id = $dataset)
  and ($start is null or day >= cast($start as date))
  and ($end is null or day <= cast($end as date))
  and ($names is null or list_contains(cast($names as varchar[]), event_name))
group by day, event_name
order by day, event_name
