-- Number of findings per rule and severity.
select rule_id, severity, count(*) as findings
from findings
where ($dataset is null or coalesce(dataset_id, 'unknown') = $dataset)
  and ($start is null or day >= $start)
  and ($end is null or day <= $end)
  and ($names is null or list_contains($names, event_name))
  and ($channel is null or channel = $channel)
group by rule_id, severity
order by rule_id, severity
