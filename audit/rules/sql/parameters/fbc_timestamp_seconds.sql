-- Events whose fbc creation time has 10 digits (Unix seconds) instead of 13 (milliseconds).
select
    c.event_ref,
    null                                                                as paired_event_ref,
    'fbc'                                                               as field,
    'fbc creation time ' || cookie_parts(f.stripped)[3] || ' is in seconds; Meta expects milliseconds' as detail,
    null                                                                as severity
from stage_mq_value_checks as c
join stage_mq_value_facts as f on f.rowid = c.value_id
where c.kind = 'fbc'
  and f.fbc_format_ok
  and f.cookie_ts_digits = 10
