-- Production events per channel (plain counts), and test events apart.
with scoped as (
    select channel, test_event_code is not null as is_test
    from events
    where ($dataset is null or coalesce(dataset_id, 'unknown') = $dataset)
      and ($start is null or cast(timezone('UTC', event_time) as date) >= $start)
      and ($end is null or cast(timezone('UTC', event_time) as date) <= $end)
      and ($names is null or list_contains($names, event_name))
      and ($channel is null or channel = $channel)
)
select channel, count(*) filter (where not is_test) as events, count(*) filter (where is_test) as test_events
from scoped
group by channel
order by channel
