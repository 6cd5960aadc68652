-- Match-quality stage 2: mq_values_sent(), one row per customer-information value sent (list fields
-- unnested, NULLs dropped), with what stage 3 needs of its event (channel, time, whether the loader hashed
-- the field, the landing URL's fbclid for fbc) so it never joins events again.
-- kind: hashed (Meta wants SHA-256), external_id, fbc, fbp, ip, ua.
-- A table macro, not a table: writing millions of rows to disk costs more than reading the events again.
drop table if exists stage_mq_values;

create or replace macro mq_values_sent() as table
with hashed_lists as (
    select event_ref, channel, event_time, 'em' as parameter,
        list_contains(pii_hashed_on_load, 'em') as hashed_on_load, unnest(em) as value from events
    union all select event_ref, channel, event_time, 'ph', list_contains(pii_hashed_on_load, 'ph'), unnest(ph)
    from events
    union all select event_ref, channel, event_time, 'fn', list_contains(pii_hashed_on_load, 'fn'), unnest(fn)
    from events
    union all select event_ref, channel, event_time, 'ln', list_contains(pii_hashed_on_load, 'ln'), unnest(ln)
    from events
    union all select event_ref, channel, event_time, 'ge', list_contains(pii_hashed_on_load, 'ge'), unnest(ge)
    from events
    union all select event_ref, channel, event_time, 'db', list_contains(pii_hashed_on_load, 'db'), unnest(db)
    from events
    union all select event_ref, channel, event_time, 'ct', list_contains(pii_hashed_on_load, 'ct'), unnest(ct)
    from events
    union all select event_ref, channel, event_time, 'st', list_contains(pii_hashed_on_load, 'st'), unnest(st)
    from events
    union all select event_ref, channel, event_time, 'zp', list_contains(pii_hashed_on_load, 'zp'), unnest(zp)
    from events
    union all select event_ref, channel, event_time, 'country', list_contains(pii_hashed_on_load, 'country'),
        unnest(country)
    from events
),
external_ids as (
    select event_ref, channel, event_time, 'external_id' as parameter,
        list_contains(pii_hashed_on_load, 'external_id') as hashed_on_load, unnest(external_id) as value
    from events
),
scalars as (
    select event_ref, channel, event_time, 'fbc' as parameter, 'fbc' as kind,
        list_contains(pii_hashed_on_load, 'fbc') as hashed_on_load, fbc as value, event_source_url
    from events
    union all select event_ref, channel, event_time, 'fbp', 'fbp', list_contains(pii_hashed_on_load, 'fbp'), fbp,
        null
    from events
    union all select event_ref, channel, event_time, 'client_ip_address', 'ip',
        list_contains(pii_hashed_on_load, 'client_ip_address'), client_ip_address, null
    from events
    union all select event_ref, channel, event_time, 'client_user_agent', 'ua',
        list_contains(pii_hashed_on_load, 'client_user_agent'), client_user_agent, null
    from events
),
all_values as (
    select event_ref, channel, event_time, parameter, 'hashed' as kind, value, hashed_on_load,
        null as event_source_url
    from hashed_lists
    union all
    select event_ref, channel, event_time, parameter, 'external_id', value, hashed_on_load, null
    from external_ids
    union all
    select event_ref, channel, event_time, parameter, kind, value, hashed_on_load, event_source_url
    from scalars
)
-- value_id only has to be unique: numbering in scan order avoids a sort of every value (out of memory
-- at 10 M events a side under a 3 GB limit with the sort)
select
    row_number() over ()                                              as value_id,
    event_ref,
    channel,
    event_time,
    parameter,
    kind,
    value,
    coalesce(hashed_on_load, false)                                   as hashed_on_load,
    case when kind = 'fbc' then url_fbclid(event_source_url) end      as url_click_id
from all_values
where value is not null;
