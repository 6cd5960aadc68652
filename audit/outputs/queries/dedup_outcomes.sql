-- Where each event name's conversions go: one row per event name x pairing outcome.
-- The channel filter keeps the conversions that channel saw.
with conversions as (
    select event_name, pairing
    from event_pairs
    where ($dataset is null or dataset_id = $dataset)
      and ($start is null or day >= cast($start as date))
      and ($end is null or day <= cast($end as date))
      and ($names is null or list_contains(cast($names as varchar[]), event_name))
      and ($channel is null
           or ($channel = 'pixel' and pixel_event_ref is not null)
           or ($channel = 'capi' and capi_event_ref is not null))
)
select event_name, pairing, count(*) as conversions
from conversions
group by event_name, pairing
order by event_name, pairing
