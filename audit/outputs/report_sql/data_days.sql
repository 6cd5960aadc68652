-- First and last UTC day with events (the default week is the last complete ISO week).
select
    min(cast(timezone('UTC', event_time) as date)) as first_day,
    max(cast(timezone('UTC', event_time) as date)) as last_day
from events
where event_time is not null
  and test_event_code is null
  and ($dataset is null or dataset_id = $dataset)
