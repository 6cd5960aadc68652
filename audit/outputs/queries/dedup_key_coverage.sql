-- Share of browser and server events carrying each dedup key, per event name, over the chosen days.
select
    event_name,
    dedup_key,
    sum(pixel_events)                                    as pixel_events,
    sum(pixel_with_key)                                  as pixel_with_key,
    sum(capi_events)                                     as capi_events,
    sum(capi_with_key)                                   as capi_with_key,
    sum(pixel_with_key) / nullif(sum(pixel_events), 0)   as pixel_share,
    sum(capi_with_key) / nullif(sum(capi_events), 0)     as capi_share
from dedup_key_coverage_daily
where ($dataset is null or dataset_id = $dataset)
  and ($start is null or day >= cast($start as date))
  and ($end is null or day <= cast($end as date))
  and ($names is null or list_contains(cast($names as varchar[]), event_name))
group by event_name, dedup_key
order by event_name, dedup_key
