-- Estimated EMQ per event name and channel, with its drivers (parameter -> points).
select dataset_id, event_name, channel, events, estimated_emq, cast(drivers as varchar) as drivers
from match_quality
where ($dataset is null or dataset_id = $dataset)
  and ($names is null or list_contains(cast($names as varchar[]), event_name))
  and ($channel is null or channel = $channel or channel = 'combined')
order by event_name, channel
