-- Events whose fbc is not fb.<index>.<creation ms>.<click id>[.<suffix>].
select
    c.event_ref,
    null                                                                as paired_event_ref,
    'fbc'                                                               as field,
    'fbc ' || quoted(f.value) || case
        when not f.cookie_shape_ok then ' does not have the form fb.<index>.<creation time>.<click id>'
        when not f.fbc_format_ok then '''s click id has characters a click id never has'
        else '''s creation time has ' || f.cookie_ts_digits || ' digits; Meta expects milliseconds (13)'
    end                                                                 as detail,
    null                                                                as severity
from stage_mq_value_checks as c
join stage_mq_value_facts as f on f.rowid = c.value_id
where c.kind = 'fbc'
  and not c.is_empty
  and not f.identifier_hashed
  and (not f.fbc_format_ok or f.cookie_ts_digits not in (10, 13))
