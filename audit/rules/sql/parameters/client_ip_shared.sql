-- Server events whose IP address is shared by at least shared_ip_min_users different users.
select
    c.event_ref,
    null                                                                as paired_event_ref,
    'client_ip_address'                                                 as field,
    c.stripped || ' is on server events of ' || s.users || ' different users' as detail,
    null                                                                as severity
from stage_mq_value_checks as c
join stage_mq_shared_ips as s on s.ip = c.stripped
where c.kind = 'ip'
  and c.channel = 'capi'
  and not c.is_empty
  and s.users >= getvariable('shared_ip_min_users')
