-- Inflated value per currency, per event name and for all event names (is_total).
with scoped as (
    select event_name, currency, inflated_value
    from inflated_value_daily
    where ($dataset is null or dataset_id = $dataset)
      and ($start is null or day >= $start)
      and ($end is null or day <= $end)
      and ($names is null or list_contains($names, event_name))
)
select
    grouping(event_name) = 1                               as is_total,
    event_name,
    currency,
    sum(inflated_value)                                    as inflated_value
from scoped
group by grouping sets ((event_name, currency), (currency))
order by is_total desc, event_name, currency
