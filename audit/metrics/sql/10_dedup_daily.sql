-- Dedup headline numbers per dataset x event name x day (day of the conversion, UTC).
-- Events (repeats included) are counted under the conversion they belong to; test events are left out.
insert into dedup_daily (
    dataset_id, event_name, day, pixel_events, capi_events, conversions, both_channels,
    deduplicated_pairs, counted_by_meta, double_counts, recovered, pixel_with_dedup_key,
    pixel_unique_events, repeat_events, lost_conversions
)
-- Events per conversion: its copies plus their repeats.
-- Pixel copies whose CAPI copy shares a dedup key: identical dataset and event_name, and the same
-- event_id, fbp or external_id (what Meta's event coverage counts), listed by the pairing stage.
with shared_key as (
    select conversion_id
    from stage_dedup_key_shared
),
per_conversion as (
    select
        coalesce(v.dataset_id, 'unknown')                  as dataset_id,
        v.event_name,
        v.day,
        cast(v.pixel_event_ref is not null as integer) + v.pixel_repeats as pixel_events,
        cast(v.capi_event_ref is not null as integer) + v.capi_repeats   as capi_events,
        v.pixel_event_ref is not null and v.capi_event_ref is not null as both_channels,
        v.pairing = 'deduplicated'                         as deduplicated,
        v.counted_by_meta,
        greatest(v.counted_by_meta - 1, 0)                 as double_count,
        v.pairing = 'capi_only'                            as recovered,
        s.conversion_id is not null                        as pixel_with_dedup_key,
        v.pixel_event_ref is not null                      as has_pixel,
        v.pixel_repeats + v.capi_repeats                   as repeat_events,
        v.counted_by_meta = 0                              as lost
    from event_pairs v
    left join shared_key s on s.conversion_id = v.conversion_id
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
