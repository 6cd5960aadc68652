-- Findings of the given rules per rule, channel and parameter (identifier forensics).
select rule_id, channel, coalesce(field, '') as field, count(*) as findings
from findings
where list_contains(cast($rules as varchar[]), rule_id)
  and ($dataset is null or dataset_id = $dataset)
  and ($start is null or day >= cast($start as date))
  and ($end is null or day <= cast($end as date))
  and ($names is null or list_contains(cast($names as varchar[]), event_name))
  and ($channel is null or channel = $channel)
group by rule_id, channel, field
order by findings desc, rule_id, channel, field
