-- Events whose fbc was created after the event happened (beyond the allowed clock difference).
select
    event_ref,
    null                                                                as paired_event_ref,
    'fbc'                                                               as field,
    'the click in fbc is dated ' || plain_duration(seconds_between(event_time, cookie_created))
    || ' after the event'                                               as detail,
    null                                                                as severity
from stage_mq_value_checks
where kind = 'fbc'
  and fbc_after_event
