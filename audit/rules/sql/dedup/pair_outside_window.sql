-- Identical keys on both channels, but received more than the dedup window apart: Meta counts both.
select
    capi_event_ref                                         as event_ref,
    pixel_event_ref                                        as paired_event_ref,
    cast(null as varchar)                                  as field,
    case when time_gap_seconds >= 0 then 'Server copy arrived ' else 'Browser copy arrived ' end
        || cast(round(abs(time_gap_seconds) / 3600, 1) as varchar)
        || ' hours after the other one; Meta only deduplicates within '
        || cast(round(getvariable('window_hours'), 1) as varchar) || ' hours' as detail,
    cast(null as varchar)                                  as severity
from event_pairs
where pairing = 'pair_outside_window'
