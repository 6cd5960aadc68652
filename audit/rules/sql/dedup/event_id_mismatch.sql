-- One conversion on both channels (same order, or same customer within minutes) with different event_ids.
select
    capi_event_ref                                         as event_ref,
    pixel_event_ref                                        as paired_event_ref,
    'event_id'                                             as field,
    'Pixel sent event_id ''' || pixel_event_id || ''', server sent ''' || capi_event_id
        || '''; same conversion by '
        || case matched_by
               when 'order_id' then 'order number'
               when 'external_id' then 'customer id (external_id)'
               when 'em' then 'hashed e-mail'
               else 'browser id (fbp)'
           end                                             as detail,
    cast(null as varchar)                                  as severity
from event_pairs
where pairing = 'event_id_mismatch'
