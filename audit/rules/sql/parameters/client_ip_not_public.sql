-- Server events whose IP address is private, loopback, link-local, reserved or not an IP address at all.
select
    event_ref,
    null                                                                as paired_event_ref,
    'client_ip_address'                                                 as field,
    case ip_class
        when 'invalid' then quoted(stripped) || ' is not an IP address'
        when 'private' then stripped || ' is a private network address'
        when 'loopback' then stripped || ' is a loopback (this machine) address'
        when 'link_local' then stripped || ' is a link-local address'
        when 'multicast' then stripped || ' is a multicast address'
        else stripped || ' is a reserved address'
    end                                                                 as detail,
    null                                                                as severity
from stage_mq_value_checks
where kind = 'ip'
  and channel = 'capi'
  and not is_empty
  and not identifier_hashed
  and ip_class <> 'public'
