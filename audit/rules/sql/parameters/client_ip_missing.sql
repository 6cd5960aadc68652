-- Server website and app events without the visitor's IP address (the Pixel sends it by itself).
select
    event_ref,
    null                                                                as paired_event_ref,
    'client_ip_address'                                                 as field,
    'no client_ip_address on a ' || coalesce(action_source, 'website') || ' event' as detail,
    null                                                                as severity
from events
where channel = 'capi'
  and coalesce(action_source, 'website') in ('website', 'app')
  and coalesce(trim(client_ip_address), '') = ''
