-- Server events whose action_source is not one of Meta's values (exact, lower case).
select
    e.event_ref,
    null                                                                as paired_event_ref,
    'action_source'                                                     as field,
    case
        when lower(trim(e.action_source)) in (select action_source from stage_mq_action_sources) then
            'action_source ' || quoted(e.action_source) || ' must be written '
            || quoted(lower(trim(e.action_source)))
        else 'action_source ' || quoted(e.action_source) || ' is not one of Meta''s values'
    end                                                                 as detail,
    null                                                                as severity
from events as e
where e.channel = 'capi'
  and coalesce(trim(e.action_source), '') <> ''
  and e.action_source not in (select action_source from stage_mq_action_sources)
