-- First and last UTC day with events (the default week is the last complete ISO week).
-- The days of the earliest and latest times: one time zone conversion each, not one per event.
select
    cast(timezone('UTC', min(event_time)) as date) as first_day,
    cast(timezone('UTC', max(event_time)) as date) as last_day
from events
where event_time is not null
  and test_event_code is null
  and ($dataset is null or dataset_id = $dataset)
