-- Server events without action_source (the Pixel's events are website events by definition).
select
    event_ref,
    null                                                                as paired_event_ref,
    'action_source'                                                     as field,
    case when action_source is null then 'no action_source' else 'action_source is empty' end as detail,
    null                                                                as severity
from events
where channel = 'capi'
  and coalesce(trim(action_source), '') = ''
