-- Value Meta counts more than once, per dataset x event name x day x currency (never summed across
-- currencies): each conversion counted twice adds its value once more. No currency -> 'unknown'.
insert into inflated_value_daily (dataset_id, event_name, day, currency, inflated_value)
select
    coalesce(dataset_id, 'unknown')                        as dataset_id,
    event_name,
    day,
    coalesce(currency, 'unknown')                          as currency,
    sum(value * (counted_by_meta - 1))                     as inflated_value
from event_pairs
where counted_by_meta > 1
  and value is not null
group by coalesce(dataset_id, 'unknown'), event_name, day, coalesce(currency, 'unknown');
