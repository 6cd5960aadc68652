-- Per day: conversions, what Meta counts and the double counts (sums of daily_metrics rows).
select
    day,
    sum(conversions)        as conversions,
    sum(counted_by_meta)    as counted_by_meta,
    sum(double_counts)      as double_counts,
    sum(deduplicated_pairs) as deduplicated_pairs,
    sum(recovered)          as recovered
from daily_metrics
where ($dataset is null or dataset_id = $dataset)
  and ($start is null or day >= cast($start as date))
  and ($end is null or day <= cast($end as date))
  and ($names is null or list_contains(cast($names as varchar[]), event_name))
group by day
order by day
