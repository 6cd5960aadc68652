-- Values the sidebar offers: every dataset x event name with its first and last day.
-- The days are taken from the earliest and latest times (a UTC date rises with the time), so the
-- time zone conversion runs once per group instead of once per event.
select
    coalesce(dataset_id, 'unknown')                 as dataset_id,
    event_name,
    cast(timezone('UTC', min(event_time)) as date)  as first_day,
    cast(timezone('UTC', max(event_time)) as date)  as last_day,
    count(*)                                        as events
from events
where event_name is not null
group by 1, 2
order by 1, 2
