-- Meta's responses to CAPI events by outcome and error code.
select
    outcome,
    error_code,
    error_subcode,
    any_value(error_message) as error_message,
    sum(events)              as events
from delivery_outcomes
where ($dataset is null or dataset_id = $dataset)
  and ($start is null or day >= cast($start as date))
  and ($end is null or day <= cast($end as date))
  and ($names is null or list_contains(cast($names as varchar[]), event_name))
group by outcome, error_code, error_subcode
order by events desc, outcome, error_code
