-- Dedup counts per event name and for all event names (is_total), from dedup_daily.
with scoped as (
    select
        event_name, conversions, counted_by_meta, deduplicated_pairs, both_channels, double_counts,
        recovered, pixel_with_dedup_key, pixel_unique_events, repeat_events, lost_conversions
    from dedup_daily
    where ($dataset is null or dataset_id = $dataset)
      and ($start is null or day >= $start)
      and ($end is null or day <= $end)
      and ($names is null or list_contains($names, event_name))
)
select
    grouping(event_name) = 1                               as is_total,
    event_name,
    coalesce(sum(conversions), 0)                          as conversions,
    coalesce(sum(counted_by_meta), 0)                      as counted_by_meta,
    coalesce(sum(deduplicated_pairs), 0)                   as deduplicated_pairs,
    coalesce(sum(both_channels), 0)                        as both_channels,
    coalesce(sum(double_counts), 0)                        as double_counts,
    coalesce(sum(recovered), 0)                            as recovered,
    coalesce(sum(pixel_with_dedup_key), 0)                 as pixel_with_dedup_key,
    coalesce(sum(pixel_unique_events), 0)                  as pixel_unique_events,
    coalesce(sum(repeat_events), 0)                        as repeat_events,
    coalesce(sum(lost_conversions), 0)                     as lost_conversions
from scoped
group by grouping sets ((event_name), ())
order by is_total desc, event_name
