-- One conversion on both channels whose event names differ only in case or spaces: Meta counts it twice.
select
    capi_event_ref                                         as event_ref,
    pixel_event_ref                                        as paired_event_ref,
    'event_name'                                           as field,
    'Pixel sent ''' || pixel_event_name || ''', server sent ''' || capi_event_name || ''''  as detail,
    cast(null as varchar)                                  as severity
from event_pairs
where pixel_event_ref is not null
  and capi_event_ref is not null
  and pairing <> 'dataset_mismatch'
  and pixel_event_name <> capi_event_name
  and lower(trim(pixel_event_name)) = lower(trim(capi_event_name))
