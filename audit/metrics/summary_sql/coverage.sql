-- Present and valid shares per event name x channel x parameter over the chosen days (datasets pooled by
-- event counts), from parameter_coverage_daily.
select
    event_name,
    channel,
    parameter,
    sum(events)                                            as events,
    sum(present) / nullif(sum(events), 0)                  as present,
    sum(valid) / nullif(sum(events), 0)                    as valid
from parameter_coverage_daily
where ($dataset is null or dataset_id = $dataset)
  and ($start is null or day >= $start)
  and ($end is null or day <= $end)
  and ($names is null or list_contains($names, event_name))
  and ($channel is null or channel = $channel)
group by event_name, channel, parameter
order by event_name, channel, parameter
