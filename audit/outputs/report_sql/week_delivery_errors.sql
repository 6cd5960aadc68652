-- Meta's answers to the server events of one week, by outcome and error.
select
    outcome,
    error_code,
    error_subcode,
    error_message,
    sum(events) as events
from delivery_outcomes
where day between $start and $end
  and ($dataset is null or dataset_id = $dataset)
group by outcome, error_code, error_subcode, error_message
order by case outcome when 'error' then 0 when 'short' then 1 when 'not_logged' then 2 else 3 end,
    events desc, error_code
