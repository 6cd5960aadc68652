-- Events whose fbp is not fb.<index>.<creation ms>.<random digits>[.<suffix>].
select
    c.event_ref,
    null                                                                as paired_event_ref,
    'fbp'                                                               as field,
    'fbp ' || quoted(f.value) || ' does not have the form fb.<index>.<creation time in ms>.<random number>'
                                                                        as detail,
    null                                                                as severity
from stage_mq_value_checks as c
join stage_mq_value_facts as f on f.rowid = c.value_id
where c.kind = 'fbp'
  and not c.is_empty
  and not f.identifier_hashed
  and not f.fbp_ok
