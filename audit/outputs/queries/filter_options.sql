-- Values the sidebar offers: every dataset x event name with its first and last day.
select
    coalesce(dataset_id, 'unknown')                 as dataset_id,
    event_name,
    min(cast(timezone('UTC', event_time) as date))  as first_day,
    max(cast(timezone('UTC', event_time) as date))  as last_day,
    count(*)                                        as events
from events
where event_name is not null
group by 1, 2
order by 1, 2
