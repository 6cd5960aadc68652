-- Distinct raw (not hashed) values in the hashed user-data fields of ingest_stage.
-- Phones carry the event's raw country (when that is not hashed) so they can be parsed to E.164.
-- Values are made distinct before the raw-or-hashed test, so it runs once per distinct value; rows without
-- the field are skipped before unnesting.
with event_region as (
    select
        em, ph, fn, ln, ge, db, ct, st, zp, country,
        case when ph is not null and ing_is_raw_pii(country[1]) then trim(country[1]) end as region
    from ingest_stage
),
values_by_field as (
    select 'em' as field, unnest(em) as raw, null as region from event_region where em is not null
    union all
    select 'ph' as field, unnest(ph) as raw, region as region from event_region where ph is not null
    union all
    select 'fn' as field, unnest(fn) as raw, null as region from event_region where fn is not null
    union all
    select 'ln' as field, unnest(ln) as raw, null as region from event_region where ln is not null
    union all
    select 'ge' as field, unnest(ge) as raw, null as region from event_region where ge is not null
    union all
    select 'db' as field, unnest(db) as raw, null as region from event_region where db is not null
    union all
    select 'ct' as field, unnest(ct) as raw, null as region from event_region where ct is not null
    union all
    select 'st' as field, unnest(st) as raw, null as region from event_region where st is not null
    union all
    select 'zp' as field, unnest(zp) as raw, null as region from event_region where zp is not null
    union all
    select 'country' as field, unnest(country) as raw, null as region from event_region where country is not null
),
distinct_values as (
    select distinct field, raw, region
    from values_by_field
)
select field, raw, region
from distinct_values
where ing_is_raw_pii(raw);
