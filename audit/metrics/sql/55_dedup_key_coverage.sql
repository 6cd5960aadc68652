-- dedup_key_coverage_daily and dedup_key_coverage: per dataset x event name (and UTC day of the event), the
-- share of production events carrying each dedup key (event_id, external_id, fbp) on each channel, as
-- Events Manager's dedup-key feedback shows it. The all-period table sums the daily counts.
create or replace table stage_dedup_key_daily as
with production as (
    select
        coalesce(dataset_id, 'unknown')                                 as dataset_id,
        event_name,
        channel,
        cast(timezone('UTC', event_time) as date)                       as day,
        coalesce(event_id, '') <> ''                                    as has_event_id,
        coalesce(len([v for v in external_id if coalesce(trim(v), '') <> '']), 0) > 0 as has_external_id,
        coalesce(trim(fbp), '') <> ''                                   as has_fbp
    from events
    where test_event_code is null
),
keyed as (
    select
        dataset_id, event_name, channel, day, 'event_id' as dedup_key, 1 as position, has_event_id as has_key
    from production
    union all
    select dataset_id, event_name, channel, day, 'external_id', 2, has_external_id from production
    union all
    select dataset_id, event_name, channel, day, 'fbp', 3, has_fbp from production
)
select
    dataset_id,
    event_name,
    dedup_key,
    position,
    day,
    count(*) filter (where channel = 'pixel')                           as pixel_events,
    count(*) filter (where channel = 'pixel' and has_key)               as pixel_with_key,
    count(*) filter (where channel = 'capi')                            as capi_events,
    count(*) filter (where channel = 'capi' and has_key)                as capi_with_key
from keyed
group by dataset_id, event_name, dedup_key, position, day;

insert into dedup_key_coverage_daily
select dataset_id, event_name, dedup_key, day, pixel_events, pixel_with_key, capi_events, capi_with_key
from stage_dedup_key_daily
order by dataset_id, event_name, day, position;

insert into dedup_key_coverage
with period as (
    select
        dataset_id,
        event_name,
        dedup_key,
        position,
        sum(pixel_events)                                               as pixel_events,
        sum(pixel_with_key)                                             as pixel_with_key,
        sum(capi_events)                                                as capi_events,
        sum(capi_with_key)                                              as capi_with_key
    from stage_dedup_key_daily
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
from period
order by dataset_id, event_name, position;
