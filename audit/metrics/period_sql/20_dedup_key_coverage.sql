-- dedup_key_coverage: per dataset x event name x dedup key, over the whole period: the sums of
-- dedup_key_coverage_daily (so the daily and all-period figures always agree), keys in Events Manager's order.
insert into dedup_key_coverage
with period as (
    select
        dataset_id,
        event_name,
        dedup_key,
        list_position(['event_id', 'external_id', 'fbp'], dedup_key)   as position,
        sum(pixel_events)                                               as pixel_events,
        sum(pixel_with_key)                                             as pixel_with_key,
        sum(capi_events)                                                as capi_events,
        sum(capi_with_key)                                              as capi_with_key
    from dedup_key_coverage_daily
    group by dataset_id, event_name, dedup_key
)
select
    dataset_id,
    event_name,
    dedup_key,
    pixel_events,
    pixel_with_key,
    capi_events,
    capi_with_key,
    pixel_with_key / nullif(pixel_events, 0)                            as pixel_share,
    capi_with_key / nullif(capi_events, 0)                              as capi_share
from period
order by dataset_id, event_name, position;
