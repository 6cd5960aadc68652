-- Match-quality stage 2: mq_values_sent(), one row per customer-information value sent (list fields
-- unnested, NULLs dropped), with what stage 3 needs of its event (channel, time, whether the loader hashed
-- the field, the landing URL's fbclid for fbc) so it never joins events again.
-- kind: hashed (Meta wants SHA-256), external_id, fbc, fbp, ip, ua. part: which of stage 3's three joins
-- checks the value when it joins in three parts (0, 1 or 2; each parameter in one). No row number: a window
-- over every value would keep a filter (the value_checks view's `where event_ref = ...`) from reaching
-- the events.
-- A table macro, not a table: writing millions of rows to disk costs more than reading the events again.
drop table if exists stage_mq_values;

create or replace macro mq_values_sent() as table
-- one pass over events: each event's fields as (parameter, kind, values) rows, then one row per value
with fields as (
    -- three constant lists and the values' list unnested side by side (zipped, in list order): cheaper than
    -- one list of 15 structs, and the same rows in the same order (value ids unchanged)
    select
        event_ref,
        channel,
        event_time,
        pii_hashed_on_load,
        event_source_url,
        unnest(['em', 'ph', 'fn', 'ln', 'ge', 'db', 'ct', 'st', 'zp', 'country', 'external_id', 'fbc', 'fbp',
                'client_ip_address', 'client_user_agent'])                                  as parameter,
        unnest(['hashed', 'hashed', 'hashed', 'hashed', 'hashed', 'hashed', 'hashed', 'hashed', 'hashed',
                'hashed', 'external_id', 'fbc', 'fbp', 'ip', 'ua'])                         as kind,
        unnest([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2])                                as part,
        unnest([em, ph, fn, ln, ge, db, ct, st, zp, country, external_id, [fbc], [fbp], [client_ip_address],
                [client_user_agent]])                                                       as vals
    from events
),
all_values as (
    select
        event_ref, channel, event_time, pii_hashed_on_load, event_source_url,
        parameter, kind, part, unnest(vals) as value
    from fields
)
select
    event_ref,
    channel,
    event_time,
    parameter,
    kind,
    part,
    value,
    coalesce(list_contains(pii_hashed_on_load, parameter), false)     as hashed_on_load,
    case when kind = 'fbc' then url_fbclid(event_source_url) end      as url_click_id
from all_values
where value is not null;
