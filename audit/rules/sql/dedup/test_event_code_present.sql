-- Events carrying a test_event_code: left out of every production number.
select
    event_ref                                              as event_ref,
    cast(null as varchar)                                  as paired_event_ref,
    'test_event_code'                                      as field,
    'Sent with test_event_code ''' || test_event_code || ''''  as detail,
    cast(null as varchar)                                  as severity
from events
where test_event_code is not null
