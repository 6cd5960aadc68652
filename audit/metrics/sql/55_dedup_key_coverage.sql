-- dedup_key_coverage_daily: per dataset x event name x UTC day of the event, the share of production events
-- carrying each dedup key (event_id, external_id, fbp) on each channel, as Events Manager's dedup-key feedback
-- shows it. The all-period table, dedup_key_coverage, sums these rows (audit/metrics/period_sql/).
insert into dedup_key_coverage_daily
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
    day,
    count(*) filter (where channel = 'pixel')                           as pixel_events,
    count(*) filter (where channel = 'pixel' and has_key)               as pixel_with_key,
    count(*) filter (where channel = 'capi')                            as capi_events,
    count(*) filter (where channel = 'capi' and has_key)                as capi_with_key
from keyed
group by dataset_id, event_name, dedup_key, position, day
order by dataset_id, event_name, day, position;
