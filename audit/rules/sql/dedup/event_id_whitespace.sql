-- One conversion on both channels whose event_ids are equal only after trimming spaces.
select
    capi_event_ref                                         as event_ref,
    pixel_event_ref                                        as paired_event_ref,
    'event_id'                                             as field,
    'Pixel sent event_id ''' || pixel_event_id || ''', server sent ''' || capi_event_id
        || ''' (they differ only by spaces)'               as detail,
    cast(null as varchar)                                  as severity
from event_pairs
where pixel_event_ref is not null
  and capi_event_ref is not null
  and pairing <> 'dataset_mismatch'
  and pixel_event_id <> capi_event_id
  and trim(pixel_event_id) = trim(capi_event_id)
  and trim(pixel_event_id) <> ''
