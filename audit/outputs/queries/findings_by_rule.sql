-- Findings per rule (with its catalogue text), most severe and most frequent first.
with counted as (
    select rule_id, severity, count(*) as findings, count(distinct event_name) as event_names
    from findings
    where ($dataset is null or dataset_id = $dataset)
      and ($start is null or day >= cast($start as date))
      and ($end is null or day <= cast($end as date))
      and ($names is null or list_contains(cast($names as varchar[]), event_name))
      and ($channel is null or channel = $channel)
      and ($rules is null or list_contains(cast($rules as varchar[]), rule_id))
    group by rule_id, severity
)
select
    c.rule_id,
    c.severity,
    r.area,
    r.title,
    r.meaning,
    r.fix,
    c.findings,
    c.event_names
from counted as c
left join rules as r on r.rule_id = c.rule_id
order by case c.severity when 'critical' then 0 when 'warning' then 1 else 2 end, c.findings desc, c.rule_id
