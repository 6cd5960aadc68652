-- Events whose fbc click happened more than fbc_max_age_days (90) before the event.
select
    c.event_ref,
    null                                                                as paired_event_ref,
    'fbc'                                                               as field,
    'the click in fbc happened ' || plain_duration(seconds_between(f.cookie_created, c.event_time))
    || ' before the event (cookie lifetime ' || cast(getvariable('fbc_max_age_days') as bigint) || ' days)'
                                                                        as detail,
    null                                                                as severity
from stage_mq_value_checks as c
join stage_mq_value_facts as f on f.rowid = c.value_id
where c.kind = 'fbc'
  and c.fbc_stale
