-- Server events whose Pixel copy (a pair Meta deduplicates) carries a different e-mail, phone, external_id,
-- fbp, fbc or IP address. Only values present on both sides are compared; builder suffixes are ignored.
-- An altered click id is fbc_modified and IPv6 in the browser with IPv4 on the server is ip_version_mismatch.
-- The usual pair (one and the same value on both sides) is ruled out from 64-bit hashes alone: refs and
-- values travel through the big join and aggregate as numbers, and the text is read again for the few
-- suspect pairs only. Two refs sharing a hash only add values to a pair (a suspect more, cleared by the
-- comparison of the text); two different values sharing one (odds about 1 in 10^19) would hide a finding.
with pair_sides as (
    -- each event of a pair, by the hash of its ref, with the hash of the pair it belongs to
    select
        hash(capi_event_ref, pixel_event_ref)                           as pair_key,
        hash(capi_event_ref)                                            as ref_key,
        true                                                            as server_side
    from event_pairs
    where pairing = 'deduplicated'
      and capi_event_ref is not null
      and pixel_event_ref is not null
    union all
    select hash(capi_event_ref, pixel_event_ref), hash(pixel_event_ref), false
    from event_pairs
    where pairing = 'deduplicated'
      and capi_event_ref is not null
      and pixel_event_ref is not null
),
side_hashes as (
    -- every value sent on either side of a pair as (pair, parameter number, side, hash of the value)
    select
        p.pair_key,
        list_position(['em', 'ph', 'external_id', 'fbp', 'fbc', 'client_ip_address'], c.parameter) as param,
        p.server_side,
        c.value_key
    from stage_mq_value_checks as c
    join pair_sides as p on p.ref_key = hash(c.event_ref)
    where not c.is_empty
      and c.parameter in ('em', 'ph', 'external_id', 'fbp', 'fbc', 'client_ip_address')
),
pair_hashes as (
    -- per pair x parameter: the smallest and largest value hash on each side (fixed-size states)
    select
        pair_key,
        param,
        min(value_key) filter (where server_side)                       as server_min,
        max(value_key) filter (where server_side)                       as server_max,
        min(value_key) filter (where not server_side)                   as browser_min,
        max(value_key) filter (where not server_side)                   as browser_max
    from side_hashes
    group by pair_key, param
),
suspect_keys as (
    -- values on both sides, except the usual case of one and the same value sent on both
    select pair_key, param
    from pair_hashes
    where server_min is not null
      and browser_min is not null
      and not (server_min = server_max and browser_min = browser_max and server_min = browser_min)
),
suspect_sides as (
    -- both events of each suspect pair x parameter, by their refs
    select
        p.capi_event_ref,
        p.pixel_event_ref,
        ['em', 'ph', 'external_id', 'fbp', 'fbc', 'client_ip_address'][x.param] as parameter,
        unnest([p.capi_event_ref, p.pixel_event_ref])                   as event_ref,
        unnest([true, false])                                           as server_side
    from event_pairs as p
    join suspect_keys as x on x.pair_key = hash(p.capi_event_ref, p.pixel_event_ref)
    where p.pairing = 'deduplicated'
      and p.capi_event_ref is not null
      and p.pixel_event_ref is not null
),
side_values as (
    -- the wide columns, read again for the suspects only
    select
        x.capi_event_ref,
        x.pixel_event_ref,
        x.parameter,
        x.server_side,
        -- list_distinct(list()) rather than list(distinct): the same values for list_has_any (it skips
        -- NULLs), without the plan DuckDB makes for a DISTINCT aggregate (it ran out of memory)
        list_distinct(list(coalesce(hash_part(f.value), f.stripped)))   as vals,
        -- how the new SDKs hash external_id: lower-case, no whitespace, SHA-256
        list_distinct(list(case when c.parameter = 'external_id'
            then sha256(lower(regexp_replace(f.stripped, '\s', '', 'g'))) end)) as hashed_vals,
        max(f.ip_version)                                               as ip_version,
        max(f.click_id)                                                 as click_id
    from suspect_sides as x
    join stage_mq_value_checks as c on c.event_ref = x.event_ref and c.parameter = x.parameter
    join stage_mq_value_facts as f on f.rowid = c.value_id
    where not c.is_empty
    group by x.capi_event_ref, x.pixel_event_ref, x.parameter, x.server_side
),
pair_values as (
    select
        capi_event_ref,
        pixel_event_ref,
        parameter,
        any_value(vals) filter (where server_side)                      as server_vals,
        any_value(hashed_vals) filter (where server_side)               as server_hashed_vals,
        any_value(ip_version) filter (where server_side)                as server_ip_version,
        any_value(click_id) filter (where server_side)                  as server_click_id,
        any_value(vals) filter (where not server_side)                  as browser_vals,
        any_value(hashed_vals) filter (where not server_side)           as browser_hashed_vals,
        any_value(ip_version) filter (where not server_side)            as browser_ip_version,
        any_value(click_id) filter (where not server_side)              as browser_click_id
    from side_values
    group by capi_event_ref, pixel_event_ref, parameter
),
compared as (
    select
        capi_event_ref,
        pixel_event_ref,
        parameter,
        case
            when list_has_any(server_vals, browser_vals) then null
            when parameter = 'fbc' and click_id_alteration(server_click_id, browser_click_id) is not null
                then null
            when parameter = 'client_ip_address' and browser_ip_version = 6 and server_ip_version = 4 then null
            when parameter = 'external_id'
                and (list_has_any(server_hashed_vals, browser_vals)
                     or list_has_any(server_vals, browser_hashed_vals))
                then 'external_id is hashed on one side only'
            when parameter in ('em', 'ph') then parameter || ' hashes differ (different normalization)'
            else parameter || ' differs'
        end                                                             as problem
    from pair_values
    -- values on both sides (a pair that a shared ref hash made a suspect may have none on one)
    where server_vals is not null
      and browser_vals is not null
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
