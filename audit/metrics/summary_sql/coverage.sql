-- Present and valid shares per event name x channel x parameter (datasets pooled by event counts).
select
    event_name,
    channel,
    parameter,
    sum(present) / nullif(sum(events), 0)                  as present,
    sum(valid) / nullif(sum(events), 0)                    as valid
from parameter_coverage
where ($dataset is null or dataset_id = $dataset)
  and ($names is null or list_contains($names, event_name))
  and ($channel is null or channel = $channel)
group by event_name, channel, parameter
order by event_name, channel, parameter
