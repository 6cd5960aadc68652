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
event_values as (
    select
        c.event_ref,
        c.parameter,
        list(distinct coalesce(hash_part(c.value), c.stripped))        as vals,
        -- how the new SDKs hash external_id: lower-case, no whitespace, SHA-256
        list(distinct case when c.parameter = 'external_id'
            then sha256(lower(regexp_replace(c.stripped, '\s', '', 'g'))) end) as hashed_vals,
        max(c.ip_version)                                               as ip_version,
        max(c.click_id)                                                 as click_id
    from stage_mq_value_checks as c
    semi join paired_events as p on p.event_ref = c.event_ref
    where not c.is_empty
      and c.parameter in ('em', 'ph', 'external_id', 'fbp', 'fbc', 'client_ip_address')
    group by c.event_ref, c.parameter
),
server_side as materialized (
    select p.capi_event_ref, p.pixel_event_ref, v.parameter, v.vals, v.hashed_vals, v.ip_version, v.click_id
    from pairs as p
    join event_values as v on v.event_ref = p.capi_event_ref
),
browser_side as materialized (
    select p.capi_event_ref, p.pixel_event_ref, v.parameter, v.vals, v.hashed_vals, v.ip_version, v.click_id
    from pairs as p
    join event_values as v on v.event_ref = p.pixel_event_ref
),
compared as (
    select
        s.capi_event_ref,
        s.pixel_event_ref,
        s.parameter,
        case
            when list_has_any(s.vals, b.vals) then null
            when s.parameter = 'fbc' and click_id_alteration(s.click_id, b.click_id) is not null then null
            when s.parameter = 'client_ip_address' and b.ip_version = 6 and s.ip_version = 4 then null
            when s.parameter = 'external_id'
                and (list_has_any(s.hashed_vals, b.vals) or list_has_any(s.vals, b.hashed_vals))
                then 'external_id is hashed on one side only'
            when s.parameter in ('em', 'ph') then s.parameter || ' hashes differ (different normalization)'
            else s.parameter || ' differs'
        end                                                             as problem
    from server_side as s
    join browser_side as b
        on b.capi_event_ref = s.capi_event_ref
        and b.pixel_event_ref = s.pixel_event_ref
        and b.parameter = s.parameter
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
