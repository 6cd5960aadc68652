-- Findings of one week per rule, severity and event name, with the first day each fired.
select
    rule_id,
    severity,
    coalesce(event_name, '') as event_name,
    count(*) as findings,
    min(day) as first_day
from findings
where day between $start and $end
  and ($dataset is null or coalesce(dataset_id, 'unknown') = $dataset)
group by rule_id, severity, coalesce(event_name, '')
order by rule_id, severity, event_name
