-- A few conversions with one pairing outcome, the Pixel and CAPI copies side by side.
with chosen as (
    select conversion_id, pairing, matched_by, pixel_event_ref, capi_event_ref, time_gap_seconds
    from event_pairs
    where pairing = $pairing
      and ($dataset is null or dataset_id = $dataset)
      and ($start is null or day >= cast($start as date))
      and ($end is null or day <= cast($end as date))
      and ($names is null or list_contains(cast($names as varchar[]), event_name))
    order by conversion_time, conversion_id
    limit $limit
)
select
    c.conversion_id,
    c.pairing,
    c.matched_by,
    c.time_gap_seconds,
    p.dataset_id         as pixel_dataset_id,
    s.dataset_id         as capi_dataset_id,
    p.event_name         as pixel_event_name,
    s.event_name         as capi_event_name,
    p.event_id           as pixel_event_id,
    s.event_id           as capi_event_id,
    p.event_time         as pixel_event_time,
    s.event_time         as capi_event_time,
    p.sent_at            as pixel_sent_at,
    s.sent_at            as capi_sent_at,
    p.order_id           as pixel_order_id,
    s.order_id           as capi_order_id,
    p.value              as pixel_value,
    s.value              as capi_value,
    p.currency           as pixel_currency,
    s.currency           as capi_currency,
    p.em[1]              as pixel_em,
    s.em[1]              as capi_em,
    p.external_id[1]     as pixel_external_id,
    s.external_id[1]     as capi_external_id,
    p.fbp                as pixel_fbp,
    s.fbp                as capi_fbp,
    p.fbc                as pixel_fbc,
    s.fbc                as capi_fbc
from chosen as c
left join events as p on p.event_ref = c.pixel_event_ref
left join events as s on s.event_ref = c.capi_event_ref
order by c.conversion_id
