-- Events whose fbc creation time has 10 digits (Unix seconds) instead of 13 (milliseconds).
select
    event_ref,
    null                                                                as paired_event_ref,
    'fbc'                                                               as field,
    'fbc creation time ' || cookie_parts(stripped)[3] || ' is in seconds; Meta expects milliseconds' as detail,
    null                                                                as severity
from stage_mq_value_checks
where kind = 'fbc'
  and fbc_format_ok
  and cookie_ts_digits = 10
