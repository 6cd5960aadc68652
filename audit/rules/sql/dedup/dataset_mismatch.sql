-- The same event_name and event_id from both channels within the window, sent to different datasets.
select
    capi_event_ref                                         as event_ref,
    pixel_event_ref                                        as paired_event_ref,
    'dataset_id'                                           as field,
    'Pixel sent it to dataset ' || pixel_dataset_id || ', server to dataset ' || capi_dataset_id
                                                           as detail,
    cast(null as varchar)                                  as severity
from stage_dedup_conversions
where pairing = 'dataset_mismatch'
