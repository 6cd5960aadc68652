-- Match-quality stage 2: one row per customer-information value sent (list fields unnested, NULLs dropped).
-- kind: hashed (Meta wants SHA-256), external_id, fbc, fbp, ip, ua.
create or replace table stage_mq_values as
with hashed_lists as (
    select event_ref, 'em' as parameter, unnest(em) as value from events
    union all select event_ref, 'ph', unnest(ph) from events
    union all select event_ref, 'fn', unnest(fn) from events
    union all select event_ref, 'ln', unnest(ln) from events
    union all select event_ref, 'ge', unnest(ge) from events
    union all select event_ref, 'db', unnest(db) from events
    union all select event_ref, 'ct', unnest(ct) from events
    union all select event_ref, 'st', unnest(st) from events
    union all select event_ref, 'zp', unnest(zp) from events
    union all select event_ref, 'country', unnest(country) from events
),
external_ids as (
    select event_ref, 'external_id' as parameter, unnest(external_id) as value from events
),
scalars as (
    select event_ref, 'fbc' as parameter, 'fbc' as kind, fbc as value from events
    union all select event_ref, 'fbp', 'fbp', fbp from events
    union all select event_ref, 'client_ip_address', 'ip', client_ip_address from events
    union all select event_ref, 'client_user_agent', 'ua', client_user_agent from events
),
all_values as (
    select event_ref, parameter, 'hashed' as kind, value from hashed_lists
    union all select event_ref, parameter, 'external_id', value from external_ids
    union all select event_ref, parameter, kind, value from scalars
)
-- value_id only has to be unique: numbering in scan order avoids a sort of every value (out of memory
-- at 10 M events a side under a 3 GB limit with the sort)
select row_number() over () as value_id, event_ref, parameter, kind, value
from all_values
where value is not null;
