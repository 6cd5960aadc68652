-- dedup_key_coverage: per dataset x event name, the share of production events carrying each dedup key
-- (event_id, external_id, fbp) on each channel, as Events Manager's dedup-key feedback shows it.
insert into dedup_key_coverage
with production as (
    select
        coalesce(dataset_id, 'unknown')                                 as dataset_id,
        event_name,
        channel,
        coalesce(event_id, '') <> ''                                    as has_event_id,
        coalesce(len([v for v in external_id if coalesce(trim(v), '') <> '']), 0) > 0 as has_external_id,
        coalesce(trim(fbp), '') <> ''                                   as has_fbp
    from events
    where test_event_code is null
),
keyed as (
    select dataset_id, event_name, channel, 'event_id' as dedup_key, 1 as position, has_event_id as has_key
    from production
    union all
    select dataset_id, event_name, channel, 'external_id', 2, has_external_id from production
    union all
    select dataset_id, event_name, channel, 'fbp', 3, has_fbp from production
),
counted as (
    select
        dataset_id,
        event_name,
        dedup_key,
        position,
        count(*) filter (where channel = 'pixel')                       as pixel_events,
        count(*) filter (where channel = 'pixel' and has_key)           as pixel_with_key,
        count(*) filter (where channel = 'capi')                        as capi_events,
        count(*) filter (where channel = 'capi' and has_key)            as capi_with_key
    from keyed
    group by dataset_id, event_name, dedup_key, position
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
from counted
order by dataset_id, event_name, position;
