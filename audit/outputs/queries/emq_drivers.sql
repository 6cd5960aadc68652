-- Points each parameter adds to the estimated EMQ of one event name and channel (datasets pooled).
with chosen as (
    select events, drivers
    from match_quality
    where event_name = $event_name
      and channel = $channel
      and ($dataset is null or dataset_id = $dataset)
      and events > 0
),
points as (
    select
        unnest(json_keys(drivers))                                   as parameter,
        events,
        drivers
    from chosen
)
select
    parameter,
    sum(cast(json_extract(drivers, '$."' || parameter || '"') as double) * events)
        / nullif(sum(events), 0)                                     as points
from points
group by parameter
order by points desc, parameter
