-- Estimated EMQ per event name and channel (datasets pooled, weighted by events, as summary() does).
select
    event_name,
    channel,
    sum(events)                                            as events,
    sum(estimated_emq * events) / nullif(sum(events), 0)   as estimated_emq
from match_quality
where ($dataset is null or dataset_id = $dataset)
  and ($names is null or list_contains(cast($names as varchar[]), event_name))
  and ($channel is null or channel = $channel)
group by event_name, channel
having sum(events) > 0
order by event_name, channel
