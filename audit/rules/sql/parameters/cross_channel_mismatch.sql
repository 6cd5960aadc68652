-- Server events whose Pixel copy (a pair Meta deduplicates) carries a different e-mail, phone, external_id,
-- fbp, fbc or IP address. Only values present on both sides are compared; builder suffixes are ignored.
-- An altered click id is fbc_modified and IPv6 in the browser with IPv4 on the server is ip_version_mismatch.
with pairs as (
    select capi_event_ref, pixel_event_ref
    from event_pairs
    where pairing = 'deduplicated'
      and capi_event_ref is not null
      and pixel_event_ref is not null
),
paired_events as (
    select capi_event_ref as event_ref from pairs
    union
    select pixel_event_ref from pairs
),
paired_values as materialized (
    select
        c.event_ref,
        c.parameter,
        coalesce(hash_part(c.value), c.stripped)                        as val,
        c.stripped,
        c.ip_version,
        c.click_id
    from stage_mq_value_checks as c
    semi join paired_events as p on p.event_ref = c.event_ref
    where not c.is_empty
      and c.parameter in ('em', 'ph', 'external_id', 'fbp', 'fbc', 'client_ip_address')
),
value_ranges as (
    select event_ref, parameter, min(val) as low, max(val) as high
    from paired_values
    group by event_ref, parameter
),
suspects as materialized (
    -- pair x parameter with values on both sides, except the usual case of one and the same value:
    -- only these need the full comparison below
    select p.capi_event_ref, p.pixel_event_ref, s.parameter
    from pairs as p
    join value_ranges as s on s.event_ref = p.capi_event_ref
    join value_ranges as b on b.event_ref = p.pixel_event_ref and b.parameter = s.parameter
    where not (s.low = s.high and b.low = b.high and s.low = b.low)
),
suspect_events as (
    select capi_event_ref as event_ref, parameter from suspects
    union
    select pixel_event_ref, parameter from suspects
),
event_values as (
    select
        v.event_ref,
        v.parameter,
        list(distinct v.val)                                            as vals,
        -- how the new SDKs hash external_id: lower-case, no whitespace, SHA-256
        list(distinct case when v.parameter = 'external_id'
            then sha256(lower(regexp_replace(v.stripped, '\s', '', 'g'))) end) as hashed_vals,
        max(v.ip_version)                                               as ip_version,
        max(v.click_id)                                                 as click_id
    from paired_values as v
    semi join suspect_events as x on x.event_ref = v.event_ref and x.parameter = v.parameter
    group by v.event_ref, v.parameter
),
compared as (
    select
        x.capi_event_ref,
        x.pixel_event_ref,
        x.parameter,
        case
            when list_has_any(s.vals, b.vals) then null
            when x.parameter = 'fbc' and click_id_alteration(s.click_id, b.click_id) is not null then null
            when x.parameter = 'client_ip_address' and b.ip_version = 6 and s.ip_version = 4 then null
            when x.parameter = 'external_id'
                and (list_has_any(s.hashed_vals, b.vals) or list_has_any(s.vals, b.hashed_vals))
                then 'external_id is hashed on one side only'
            when x.parameter in ('em', 'ph') then x.parameter || ' hashes differ (different normalization)'
            else x.parameter || ' differs'
        end                                                             as problem
    from suspects as x
    join event_values as s on s.event_ref = x.capi_event_ref and s.parameter = x.parameter
    join event_values as b on b.event_ref = x.pixel_event_ref and b.parameter = x.parameter
)
select
    capi_event_ref                                                      as event_ref,
    pixel_event_ref                                                     as paired_event_ref,
    string_agg(parameter, ', ' order by parameter)                      as field,
    string_agg(problem, '; ' order by parameter)                        as detail,
    null                                                                as severity
from compared
where problem is not null
group by capi_event_ref, pixel_event_ref
