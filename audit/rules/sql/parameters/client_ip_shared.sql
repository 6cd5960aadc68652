-- Server events whose IP address is shared by at least shared_ip_min_users different users. The detail names
-- the threshold, not the count: an event's finding then changes only when its IP crosses the threshold,
-- so an incremental audit does not have to re-audit every event on a busy IP each day.
select
    c.event_ref,
    null                                                                as paired_event_ref,
    'client_ip_address'                                                 as field,
    f.stripped || ' is on server events of ' || cast(getvariable('shared_ip_min_users') as integer)
        || ' or more different users'                                   as detail,
    null                                                                as severity
from stage_mq_value_checks as c
join stage_mq_value_facts as f on f.rowid = c.value_id
join stage_mq_shared_ips as s on s.ip = f.stripped
where c.kind = 'ip'
  and c.channel = 'capi'
  and not c.is_empty
  and s.users >= getvariable('shared_ip_min_users')
