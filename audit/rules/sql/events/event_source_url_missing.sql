-- Server website events without event_source_url (the Pixel sends the page address itself).
select
    event_ref,
    null                                                                as paired_event_ref,
    'event_source_url'                                                  as field,
    case when event_source_url is null then 'no event_source_url' else 'event_source_url is empty' end
                                                                        as detail,
    null                                                                as severity
from events
where channel = 'capi'
  and action_source = 'website'
  and coalesce(trim(event_source_url), '') = ''
