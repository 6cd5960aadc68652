-- Server events whose customer keys are only one of Meta's weak combinations (or none at all).
select
    event_ref,
    null                                                                as paired_event_ref,
    nullif(array_to_string(present_keys, ', '), '')                     as field,
    case
        when len(present_keys) = 0 then 'no customer information at all'
        else 'only ' || array_to_string(present_keys, ', ') || ': too weak for Meta on its own'
    end                                                                 as detail,
    null                                                                as severity
from stage_mq_event_keys
where insufficient
