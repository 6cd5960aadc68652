-- Present and valid shares per event name x channel x parameter over the chosen days (events-weighted
-- across datasets), from parameter_coverage_daily.
select
    event_name,
    channel,
    parameter,
    sum(events)                                  as events,
    sum(present)                                 as present,
    sum(valid)                                   as valid,
    sum(present) / nullif(sum(events), 0)        as present_share,
    sum(valid) / nullif(sum(events), 0)          as valid_share
from parameter_coverage_daily
where ($dataset is null or dataset_id = $dataset)
  and ($start is null or day >= cast($start as date))
  and ($end is null or day <= cast($end as date))
  and ($names is null or list_contains(cast($names as varchar[]), event_name))
  and ($channel is null or channel = $channel)
group by event_name, channel, parameter
order by event_name, channel, parameter
