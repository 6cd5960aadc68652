-- Events whose fbp is not fb.<index>.<creation ms>.<random digits>[.<suffix>].
select
    event_ref,
    null                                                                as paired_event_ref,
    'fbp'                                                               as field,
    'fbp ' || quoted(value) || ' does not have the form fb.<index>.<creation time in ms>.<random number>'
                                                                        as detail,
    null                                                                as severity
from stage_mq_value_checks
where kind = 'fbp'
  and not is_empty
  and not identifier_hashed
  and not fbp_ok
