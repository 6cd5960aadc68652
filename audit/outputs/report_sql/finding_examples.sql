-- Up to three example events per rule for one week (most severe, then earliest).
with ranked as (
    select
        rule_id,
        severity,
        event_ref,
        paired_event_ref,
        channel,
        event_name,
        event_id,
        event_time,
        field,
        detail,
        row_number() over (
            partition by rule_id
            order by case severity when 'critical' then 0 when 'warning' then 1 else 2 end,
                event_time, event_ref
        ) as example_rank
    from findings
    where day between $start and $end
      and ($dataset is null or coalesce(dataset_id, 'unknown') = $dataset)
)
select * exclude (example_rank)
from ranked
where example_rank <= 3
order by rule_id, example_rank
