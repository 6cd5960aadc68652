-- Server events whose customer keys are only one of Meta's weak combinations (or none at all).
with keys as (
    select
        event_ref,
        -- the parameters of key_mask, in alphabetical order
        [p for p in ['client_ip_address', 'client_user_agent', 'country', 'ct', 'db', 'em', 'external_id',
            'fbc', 'fbp', 'fn', 'ge', 'ln', 'ph', 'st', 'zp'] if (key_mask & mq_parameter_bit(p)) <> 0]
                                                                        as present_keys
    from stage_mq_event_status
    where insufficient
)
select
    event_ref,
    null                                                                as paired_event_ref,
    nullif(array_to_string(present_keys, ', '), '')                     as field,
    case
        when len(present_keys) = 0 then 'no customer information at all'
        else 'only ' || array_to_string(present_keys, ', ') || ': too weak for Meta on its own'
    end                                                                 as detail,
    null                                                                as severity
from keys
