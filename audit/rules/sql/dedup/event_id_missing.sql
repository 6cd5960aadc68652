-- Events without an event_id: critical when the conversion also came from the other channel,
-- a warning on single-channel events.
with paired as (
    select
        pixel_event_ref                                    as event_ref,
        capi_event_ref                                     as paired_event_ref,
        'Pixel sent no event_id, server sent '
            || coalesce('''' || nullif(capi_event_id, '') || '''', 'none either')
            || '; same conversion by ' || matched_by        as detail,
        'critical'                                         as severity
    from event_pairs
    where pairing = 'event_id_missing' and coalesce(pixel_event_id, '') = ''
    union all
    select
        capi_event_ref                                     as event_ref,
        pixel_event_ref                                    as paired_event_ref,
        'Server sent no event_id, Pixel sent '
            || coalesce('''' || nullif(pixel_event_id, '') || '''', 'none either')
            || '; same conversion by ' || matched_by        as detail,
        'critical'                                         as severity
    from event_pairs
    where pairing = 'event_id_missing' and coalesce(capi_event_id, '') = ''
),
single as (
    select
        coalesce(pixel_event_ref, capi_event_ref)          as event_ref,
        cast(null as varchar)                              as paired_event_ref,
        case when pairing = 'pixel_only' then 'Pixel' else 'Server' end
            || ' event sent without an event_id (seen from this side only)' as detail,
        'warning'                                          as severity
    from event_pairs
    where pairing in ('pixel_only', 'capi_only')
      and coalesce(pixel_event_id, capi_event_id, '') = ''
)
select event_ref, paired_event_ref, 'event_id' as field, detail, severity from paired
union all
select event_ref, paired_event_ref, 'event_id' as field, detail, severity from single
