-- Events whose fbc is not fb.<index>.<creation ms>.<click id>[.<suffix>].
select
    event_ref,
    null                                                                as paired_event_ref,
    'fbc'                                                               as field,
    'fbc ' || quoted(value) || case
        when not cookie_shape_ok then ' does not have the form fb.<index>.<creation time>.<click id>'
        when not fbc_format_ok then '''s click id has characters a click id never has'
        else '''s creation time has ' || cookie_ts_digits || ' digits; Meta expects milliseconds (13)'
    end                                                                 as detail,
    null                                                                as severity
from stage_mq_value_checks
where kind = 'fbc'
  and not is_empty
  and not identifier_hashed
  and (not fbc_format_ok or cookie_ts_digits not in (10, 13))
