-- Per day and currency: the revenue double counts add (never summed across currencies).
select day, currency, sum(inflated_value) as inflated_value
from inflated_value_daily
where ($dataset is null or dataset_id = $dataset)
  and ($start is null or day >= cast($start as date))
  and ($end is null or day <= cast($end as date))
  and ($names is null or list_contains(cast($names as varchar[]), event_name))
group by day, currency
order by day, currency
