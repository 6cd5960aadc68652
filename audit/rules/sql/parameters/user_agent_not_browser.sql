-- Server website events whose user agent is an HTTP library, a bot, a headless browser or unrecognisable.
select
    c.event_ref,
    null                                                                as paired_event_ref,
    'client_user_agent'                                                 as field,
    quoted(f.value) || case f.ua_kind
        when 'http_library' then ' is an HTTP library (' || f.ua_family || '), not a browser'
        when 'bot' then ' is a bot or crawler (' || coalesce(f.ua_family, 'unknown') || ')'
        when 'headless' then ' is a headless (automated) browser'
        else ' is not recognisable as a browser'
    end                                                                 as detail,
    null                                                                as severity
from stage_mq_value_checks as c
join stage_mq_value_facts as f on f.rowid = c.value_id
join events as e on e.event_ref = c.event_ref
where c.kind = 'ua'
  and c.channel = 'capi'
  and coalesce(e.action_source, 'website') = 'website'
  and not c.is_empty
  and not f.identifier_hashed
  and f.ua_kind <> 'browser'
