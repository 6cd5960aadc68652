-- Server events whose request Meta answered with an error.
select
    event_ref,
    null                                                                as paired_event_ref,
    null                                                                as field,
    'Meta answered with error '
    || coalesce(cast(error_code as varchar), '(no code)')
    || coalesce('/' || cast(error_subcode as varchar), '')
    || coalesce(': ' || error_message, '')                              as detail,
    null                                                                as severity
from events
where channel = 'capi'
  and response_status = 'error'
