-- Events whose currency is not a three-letter ISO 4217 code (letter case does not matter).
select
    event_ref,
    null                                                                as paired_event_ref,
    'currency'                                                          as field,
    'currency ' || quoted(currency) || ' is not a three-letter ISO currency code' as detail,
    null                                                                as severity
from events
where coalesce(trim(currency), '') <> ''
  and upper(trim(currency)) not in (select code from stage_mq_currencies)
