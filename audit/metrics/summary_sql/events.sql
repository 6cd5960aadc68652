-- Production events per channel (plain counts), and test events apart.
-- The day range is compared as a time range, so no event's day is worked out (this reads every event).
with scoped as (
    select channel, test_event_code is not null as is_test
    from events
    where ($dataset is null or coalesce(dataset_id, 'unknown') = $dataset)
      and ($start is null or event_time >= timezone('UTC', cast($start as timestamp)))
      and ($end is null or event_time < timezone('UTC', cast($end as timestamp) + interval 1 day))
      and ($names is null or list_contains($names, event_name))
      and ($channel is null or channel = $channel)
)
select channel, count(*) filter (where not is_test) as events, count(*) filter (where is_test) as test_events
from scoped
group by channel
order by channel
