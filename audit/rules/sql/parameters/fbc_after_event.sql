-- Events whose fbc was created after the event happened (beyond the allowed clock difference).
select
    c.event_ref,
    null                                                                as paired_event_ref,
    'fbc'                                                               as field,
    'the click in fbc is dated ' || plain_duration(seconds_between(c.event_time, f.cookie_created))
    || ' after the event'                                               as detail,
    null                                                                as severity
from stage_mq_value_checks as c
join stage_mq_value_facts as f on f.rowid = c.value_id
where c.kind = 'fbc'
  and c.fbc_after_event
