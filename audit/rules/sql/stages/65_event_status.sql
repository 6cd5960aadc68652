-- Match-quality stage 4: per-event views of the value checks: the customer keys each
-- event carries (for Meta's minimum-combination rule) and present / valid per event x parameter.

-- Customer-information keys present on each event (non-empty values, including rarer ids such as lead_id).
create or replace table stage_mq_event_keys as
with value_keys as (
    select event_ref, parameter as key
    from stage_mq_value_checks
    where not is_empty
),
other_keys as (
    select event_ref, key
    from (
        select event_ref, other_user_data, unnest(json_keys(other_user_data)) as key
        from events
        where other_user_data is not null and json_type(other_user_data) = 'OBJECT'
    )
    where coalesce(trim(json_extract_string(other_user_data, '$."' || key || '"')), '') not in ('', '[]', '{}')
),
present as (
    select event_ref, list(distinct key order by key) as present_keys
    from (select event_ref, key from value_keys union all select event_ref, key from other_keys)
    group by event_ref
),
weak_sets as (
    select list_value(
        ['ct', 'country', 'st', 'zp', 'ge', 'client_user_agent'],
        ['db', 'client_user_agent'],
        ['fn', 'ge'],
        ['ln', 'ge']
    ) as sets
)
select
    e.event_ref,
    e.channel,
    coalesce(p.present_keys, []::varchar[])                           as present_keys,
    e.channel = 'capi'
        and list_bool_or([list_has_all(s, coalesce(p.present_keys, []::varchar[])) for s in w.sets])
                                                                      as insufficient
from events as e
cross join weak_sets as w
left join present as p on p.event_ref = e.event_ref;

-- Present and valid per event x parameter: the rows parameter_coverage counts.
create or replace table stage_mq_param_status as
with parameters as (
    select parameter, position
    from (values
        ('em', 1), ('ph', 2), ('fn', 3), ('ln', 4), ('ge', 5), ('db', 6), ('ct', 7), ('st', 8), ('zp', 9),
        ('country', 10), ('external_id', 11), ('fbc', 12), ('fbp', 13), ('client_ip_address', 14),
        ('client_user_agent', 15)
    ) as t(parameter, position)
),
per_parameter as (
    select
        c.event_ref,
        c.parameter,
        bool_or(not c.is_empty)                                       as present,
        bool_or(c.valid and not (c.channel = 'capi' and c.kind = 'ip' and coalesce(
            s.users >= getvariable('shared_ip_min_users'), false)))   as valid
    from stage_mq_value_checks as c
    left join stage_mq_shared_ips as s on c.kind = 'ip' and s.ip = c.stripped
    group by c.event_ref, c.parameter
)
select
    e.event_ref,
    coalesce(e.dataset_id, 'unknown')                                 as dataset_id,
    e.event_name,
    e.channel,
    e.test_event_code is null                                         as production,
    p.parameter,
    p.position,
    coalesce(s.present, false)                                        as present,
    coalesce(s.valid, false)                                          as valid,
    k.insufficient
from events as e
cross join parameters as p
left join per_parameter as s on s.event_ref = e.event_ref and s.parameter = p.parameter
left join stage_mq_event_keys as k on k.event_ref = e.event_ref;
