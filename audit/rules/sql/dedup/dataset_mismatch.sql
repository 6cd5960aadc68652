-- The same event_name and event_id from both channels within the window, sent to different datasets.
with mismatched as (
    select pixel_event_ref, capi_event_ref
    from event_pairs
    where pairing = 'dataset_mismatch'
)
select
    m.capi_event_ref                                       as event_ref,
    m.pixel_event_ref                                      as paired_event_ref,
    'dataset_id'                                           as field,
    'Pixel sent it to dataset ' || coalesce(p.dataset_id, 'unknown')
        || ', server to dataset ' || coalesce(c.dataset_id, 'unknown') as detail,
    cast(null as varchar)                                  as severity
from mismatched m
join events p on p.event_ref = m.pixel_event_ref
join events c on c.event_ref = m.capi_event_ref
