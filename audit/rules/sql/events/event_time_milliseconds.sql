-- Server events whose event_time was sent in milliseconds (a number of 1e11 or more is not Unix seconds).
select
    event_ref,
    null                                                                as paired_event_ref,
    'event_time'                                                        as field,
    'event_time ' || trim(event_time_raw) || ' is in milliseconds; Meta expects Unix seconds ('
    || cast(cast(try_cast(trim(event_time_raw) as double) // 1000 as bigint) as varchar) || ')' as detail,
    null                                                                as severity
from events
where channel = 'capi'
  and try_cast(trim(event_time_raw) as double) >= 1e11
