-- Server events in requests where Meta received fewer events than were sent.
select
    event_ref,
    null                                                                as paired_event_ref,
    null                                                                as field,
    'Meta received ' || events_received || ' of the ' || request_event_count
    || ' events sent in this request'                                   as detail,
    null                                                                as severity
from events
where channel = 'capi'
  and coalesce(response_status, 'ok') <> 'error'
  and events_received is not null
  and request_event_count is not null
  and events_received < request_event_count
