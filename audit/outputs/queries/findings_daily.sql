-- Findings of the given rules per day and rule, with the rule's title.
with flagged as (
    select day, rule_id
    from findings
    where list_contains(cast($rules as varchar[]), rule_id)
      and ($dataset is null or dataset_id = $dataset)
      and ($start is null or day >= cast($start as date))
      and ($end is null or day <= cast($end as date))
      and ($names is null or list_contains(cast($names as varchar[]), event_name))
      and ($channel is null or channel = $channel)
)
select f.day, f.rule_id, coalesce(any_value(r.title), f.rule_id) as label, count(*) as findings
from flagged as f
left join rules as r on r.rule_id = f.rule_id
group by f.day, f.rule_id
order by f.day, f.rule_id
