-- Server events whose IP address is private, loopback, link-local, reserved or not an IP address at all.
select
    c.event_ref,
    null                                                                as paired_event_ref,
    'client_ip_address'                                                 as field,
    case f.ip_class
        when 'invalid' then quoted(f.stripped) || ' is not an IP address'
        when 'private' then f.stripped || ' is a private network address'
        when 'loopback' then f.stripped || ' is a loopback (this machine) address'
        when 'link_local' then f.stripped || ' is a link-local address'
        when 'multicast' then f.stripped || ' is a multicast address'
        else f.stripped || ' is a reserved address'
    end                                                                 as detail,
    null                                                                as severity
from stage_mq_value_checks as c
join stage_mq_value_facts as f on f.rowid = c.value_id
where c.kind = 'ip'
  and c.channel = 'capi'
  and not c.is_empty
  and not f.identifier_hashed
  and f.ip_class <> 'public'
