-- Match-quality stage 4: one row per event with what it carries, for Meta's minimum-combination rule and
-- the coverage / EMQ counts. The 15 customer-information parameters are bits of a mask (bit 0 = em ...
-- bit 14 = client_user_agent, mq_parameter_bit), so the metrics group events first and expand the
-- few distinct masks to parameters afterwards.

-- Tables this stage wrote before (15 rows per event; keys per event), left by earlier audits.
drop table if exists stage_mq_param_status;
drop table if exists stage_mq_event_keys;

-- Bit of a customer-information parameter in the masks (NULL for any other key).
create or replace macro mq_parameter_bit(p) as
    cast(1 as integer) << (list_position(['em', 'ph', 'fn', 'ln', 'ge', 'db', 'ct', 'st', 'zp', 'country',
        'external_id', 'fbc', 'fbp', 'client_ip_address', 'client_user_agent'], p) - 1);

-- The 15 parameters with their position (output order) and bit, for expanding masks.
create or replace macro mq_parameters() as table
    select parameter, position, cast(1 as integer) << (position - 1) as bit
    from (values
        ('em', 1), ('ph', 2), ('fn', 3), ('ln', 4), ('ge', 5), ('db', 6), ('ct', 7), ('st', 8), ('zp', 9),
        ('country', 10), ('external_id', 11), ('fbc', 12), ('fbp', 13), ('client_ip_address', 14),
        ('client_user_agent', 15)
    ) as t(parameter, position);

-- Per event: present = a non-empty value; valid = a usable value (stage_mq_value_checks.valid), except
-- that a server IP shared by shared_ip_min_users or more users is not valid. key_mask adds the parameters
-- named in other_user_data; other_key = other_user_data names some other (rarer) id such as lead_id.
-- insufficient: a server event whose keys are only one of Meta's weak combinations (or none).
create or replace table stage_mq_event_status as
with shared_ips as (
    -- the values (rows of stage_mq_value_facts) of the IPs shared by that many users
    select f.rowid as value_id
    from stage_mq_value_facts as f
    join stage_mq_shared_ips as s on s.ip = f.stripped
    where f.kind = 'ip'
      and s.users >= getvariable('shared_ip_min_users')
),
ipv6_values as (
    select rowid as value_id
    from stage_mq_value_facts
    where kind = 'ip'
      and ip_version = 6
),
keyed_rows as (
    -- every value sent and one row per event, keyed by the 64-bit hash of the event's ref: the aggregate
    -- and the join back to the events carry numbers, not refs (grouped by ref, the values of an event
    -- that the value checks wrote in three parts spilled 0.5 GB at 1 M events a side under 400 MB)
    select
        hash(c.event_ref)                                               as ref_key,
        null                                                            as event_row,
        case when not c.is_empty then mq_parameter_bit(c.parameter) end as present_bit,
        case when c.valid and not (c.channel = 'capi' and c.kind = 'ip' and c.value_id in (
            select value_id from shared_ips)) then mq_parameter_bit(c.parameter) end as valid_bit,
        c.kind = 'ip' and c.value_id in (select value_id from ipv6_values) as ipv6
    from stage_mq_value_checks as c
    union all
    select hash(event_ref), true, null, null, null
    from events
),
key_masks as (
    select
        ref_key,
        count(event_row)                                                as events,
        bit_or(present_bit)                                             as present_mask,
        bit_or(valid_bit)                                               as valid_mask,
        bool_or(ipv6)                                                   as ipv6
    from keyed_rows
    group by ref_key
),
shared_keys as (
    -- a hash the refs of two events share (odds about 1 in 10^19 per pair of events): their masks are
    -- worked out by ref instead
    select ref_key
    from key_masks
    where events > 1
),
shared_key_masks as (
    -- the same masks by ref, for the events of a shared hash only (none, as a rule)
    select
        c.event_ref,
        bit_or(case when not c.is_empty then mq_parameter_bit(c.parameter) end) as present_mask,
        bit_or(case when c.valid and not (c.channel = 'capi' and c.kind = 'ip' and c.value_id in (
            select value_id from shared_ips)) then mq_parameter_bit(c.parameter) end) as valid_mask,
        bool_or(c.kind = 'ip' and c.value_id in (select value_id from ipv6_values)) as ipv6
    from stage_mq_value_checks as c
    semi join shared_keys as k on k.ref_key = hash(c.event_ref)
    group by c.event_ref
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
other_masks as (
    select
        event_ref,
        coalesce(bit_or(mq_parameter_bit(key)), 0)                      as other_mask,
        bool_or(mq_parameter_bit(key) is null)                          as other_key
    from other_keys
    group by event_ref
),
weak_sets as (
    -- ct, country, st, zp, ge, user agent | db, user agent | fn, ge | ln, ge
    select list_value(
        mq_parameter_bit('ct') | mq_parameter_bit('country') | mq_parameter_bit('st') | mq_parameter_bit('zp')
            | mq_parameter_bit('ge') | mq_parameter_bit('client_user_agent'),
        mq_parameter_bit('db') | mq_parameter_bit('client_user_agent'),
        mq_parameter_bit('fn') | mq_parameter_bit('ge'),
        mq_parameter_bit('ln') | mq_parameter_bit('ge')
    ) as sets
),
masked as (
    select
        e.event_ref,
        coalesce(e.dataset_id, 'unknown')                               as dataset_id,
        e.event_name,
        e.channel,
        cast(timezone('UTC', e.event_time) as date)                     as day,
        e.test_event_code is null                                       as production,
        coalesce(v.present_mask, s.present_mask, 0)                     as present_mask,
        coalesce(v.valid_mask, s.valid_mask, 0)                         as valid_mask,
        coalesce(v.ipv6, s.ipv6, false)                                 as ipv6,
        coalesce(v.present_mask, s.present_mask, 0) | coalesce(o.other_mask, 0) as key_mask,
        coalesce(o.other_key, false)                                    as other_key
    from events as e
    left join key_masks as v on v.ref_key = hash(e.event_ref) and v.events = 1
    left join shared_key_masks as s on s.event_ref = e.event_ref
    left join other_masks as o on o.event_ref = e.event_ref
)
select
    m.event_ref,
    m.dataset_id,
    m.event_name,
    m.channel,
    m.day,
    m.production,
    m.present_mask,
    m.valid_mask,
    m.ipv6,
    m.key_mask,
    m.channel = 'capi' and not m.other_key
        and list_bool_or([(m.key_mask & ~s) = 0 for s in w.sets])       as insufficient
from masked as m
cross join weak_sets as w;
