-- Findings of the given rules per day and rule.
select day, rule_id, count(*) as findings
from findings
where list_contains(cast($rules as varchar[]), rule_id)
  and ($dataset is null or dataset_id = $dataset)
  and ($start is null or day >= cast($start as date))
  and ($end is null or day <= cast($end as date))
  and ($names is null or list_contains(cast($names as varchar[]), event_name))
  and ($channel is null or channel = $channel)
group by day, rule_id
order by day, rule_id
