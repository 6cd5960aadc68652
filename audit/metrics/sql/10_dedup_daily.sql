-- Dedup headline numbers per dataset x event name x day (day of the conversion, UTC).
-- Events (repeats included) are counted under the conversion they belong to; test events are left out.
insert into dedup_daily (
    dataset_id, event_name, day, pixel_events, capi_events, conversions, both_channels,
    deduplicated_pairs, counted_by_meta, double_counts, recovered, pixel_with_dedup_key,
    pixel_unique_events, repeat_events, lost_conversions
)
with events_per_conversion as (
    select
        k.conversion_id,
        count(*) filter (where e.channel = 'pixel')        as pixel_events,
        count(*) filter (where e.channel = 'capi')         as capi_events
    from stage_dedup_conversion_events k
    join stage_dedup_events e on e.event_ref = k.event_ref
    group by k.conversion_id
),
-- Pixel copies whose CAPI copy shares a dedup key: identical dataset and event_name, and the same
-- event_id, fbp or external_id (what Meta's event coverage counts)
shares_key as (
    select
        v.conversion_id,
        p.event_id <> '' and p.event_id = c.event_id
            or p.fbp = c.fbp
            or list_has_any(p.external_id, c.external_id)  as shares_dedup_key
    from event_pairs v
    join stage_dedup_anchors p on p.event_ref = v.pixel_event_ref
    join stage_dedup_anchors c on c.event_ref = v.capi_event_ref
    where p.dataset_id = c.dataset_id and p.event_name = c.event_name
),
per_conversion as (
    select
        coalesce(v.dataset_id, 'unknown')                  as dataset_id,
        v.event_name,
        v.day,
        n.pixel_events,
        n.capi_events,
        v.pixel_event_ref is not null and v.capi_event_ref is not null as both_channels,
        v.pairing = 'deduplicated'                         as deduplicated,
        v.counted_by_meta,
        greatest(v.counted_by_meta - 1, 0)                 as double_count,
        v.pairing = 'capi_only'                            as recovered,
        coalesce(s.shares_dedup_key, false)                as pixel_with_dedup_key,
        v.pixel_event_ref is not null                      as has_pixel,
        v.pixel_repeats + v.capi_repeats                   as repeat_events,
        v.counted_by_meta = 0                              as lost
    from event_pairs v
    join events_per_conversion n on n.conversion_id = v.conversion_id
    left join shares_key s on s.conversion_id = v.conversion_id
)
select
    dataset_id,
    event_name,
    day,
    sum(pixel_events)                                      as pixel_events,
    sum(capi_events)                                       as capi_events,
    count(*)                                               as conversions,
    count(*) filter (where both_channels)                  as both_channels,
    count(*) filter (where deduplicated)                   as deduplicated_pairs,
    sum(counted_by_meta)                                   as counted_by_meta,
    sum(double_count)                                      as double_counts,
    count(*) filter (where recovered)                      as recovered,
    count(*) filter (where pixel_with_dedup_key)           as pixel_with_dedup_key,
    count(*) filter (where has_pixel)                      as pixel_unique_events,
    sum(repeat_events)                                     as repeat_events,
    count(*) filter (where lost)                           as lost_conversions
from per_conversion
group by dataset_id, event_name, day;
