-- Server website events without a user agent (the Pixel sends the browser's by itself).
select
    event_ref,
    null                                                                as paired_event_ref,
    'client_user_agent'                                                 as field,
    case when client_user_agent is null then 'no client_user_agent' else 'client_user_agent is empty' end
                                                                        as detail,
    null                                                                as severity
from events
where channel = 'capi'
  and coalesce(action_source, 'website') = 'website'
  and coalesce(trim(client_user_agent), '') = ''
