-- Server events sent with an IPv4 address while their Pixel copy (a pair Meta deduplicates) came over IPv6.
with pairs as (
    select capi_event_ref, pixel_event_ref
    from event_pairs
    where pairing = 'deduplicated'
      and capi_event_ref is not null
      and pixel_event_ref is not null
)
select
    p.capi_event_ref                                                    as event_ref,
    p.pixel_event_ref                                                   as paired_event_ref,
    'client_ip_address'                                                 as field,
    'the browser used IPv6 (' || bf.stripped || '), the server sent IPv4 (' || sf.stripped || ')' as detail,
    null                                                                as severity
from pairs as p
join stage_mq_value_checks as s on s.event_ref = p.capi_event_ref and s.kind = 'ip'
join stage_mq_value_checks as b on b.event_ref = p.pixel_event_ref and b.kind = 'ip'
join stage_mq_value_facts as sf on sf.rowid = s.value_id and sf.ip_version = 4
join stage_mq_value_facts as bf on bf.rowid = b.value_id and bf.ip_version = 6
