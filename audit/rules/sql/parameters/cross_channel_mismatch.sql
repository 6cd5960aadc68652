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
paired_values as (
    -- every value sent on either side of a pair, narrow (pair, side, parameter, value): the usual case
    -- is ruled out over every pair with these alone, the wide columns are read for the suspects only
    select p.capi_event_ref, p.pixel_event_ref, true as server_side, c.parameter,
        coalesce(hash_part(c.value), c.stripped)                        as val
    from pairs as p
    join stage_mq_value_checks as c on c.event_ref = p.capi_event_ref
    where not c.is_empty
      and c.parameter in ('em', 'ph', 'external_id', 'fbp', 'fbc', 'client_ip_address')
    union all
    select p.capi_event_ref, p.pixel_event_ref, false, c.parameter,
        coalesce(hash_part(c.value), c.stripped)
    from pairs as p
    join stage_mq_value_checks as c on c.event_ref = p.pixel_event_ref
    where not c.is_empty
      and c.parameter in ('em', 'ph', 'external_id', 'fbp', 'fbc', 'client_ip_address')
),
pair_values as (
    -- each distinct value of a pair x parameter and the sides that send it: flags and counts only
    -- (fixed-size aggregate states), no min/max or list of text over every pair
    select
        capi_event_ref,
        pixel_event_ref,
        parameter,
        val,
        bool_or(server_side)                                            as on_server,
        bool_or(not server_side)                                        as in_browser
    from paired_values
    group by capi_event_ref, pixel_event_ref, parameter, val
),
suspects as materialized (
    -- pair x parameter with values on both sides, except the usual case of one and the same value
    -- (a single value, sent on both sides): only these need the full comparison below
    select capi_event_ref, pixel_event_ref, parameter
    from pair_values
    group by capi_event_ref, pixel_event_ref, parameter
    having bool_or(on_server) and bool_or(in_browser)
       and not (count(*) = 1 and bool_and(on_server and in_browser))
),
suspect_events as (
    select capi_event_ref as event_ref, parameter from suspects
    union
    select pixel_event_ref, parameter from suspects
),
suspect_values as (
    -- the wide columns, read again for the suspects only
    select
        c.event_ref,
        c.parameter,
        coalesce(hash_part(c.value), c.stripped)                        as val,
        c.stripped,
        c.ip_version,
        c.click_id
    from stage_mq_value_checks as c
    semi join suspect_events as x on x.event_ref = c.event_ref and x.parameter = c.parameter
    where not c.is_empty
),
event_values as (
    select
        v.event_ref,
        v.parameter,
        -- list_distinct(list()) rather than list(distinct): the same values for list_has_any (it skips
        -- NULLs), without the plan DuckDB makes for a DISTINCT aggregate (it ran out of memory)
        list_distinct(list(v.val))                                      as vals,
        -- how the new SDKs hash external_id: lower-case, no whitespace, SHA-256
        list_distinct(list(case when v.parameter = 'external_id'
            then sha256(lower(regexp_replace(v.stripped, '\s', '', 'g'))) end)) as hashed_vals,
        max(v.ip_version)                                               as ip_version,
        max(v.click_id)                                                 as click_id
    from suspect_values as v
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
