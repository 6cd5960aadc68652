-- Estimated EMQ per event name x channel (datasets pooled, weighted by events).
select
    event_name,
    channel,
    sum(estimated_emq * events) / nullif(sum(events), 0)   as estimated_emq
from match_quality
where ($dataset is null or dataset_id = $dataset)
  and ($names is null or list_contains($names, event_name))
  and ($channel is null or channel = $channel)
group by event_name, channel
order by event_name, channel
