-- Extra sends of one event (same keys, order, value and customer) from the same channel within the window.
select
    s.event_ref                                            as event_ref,
    s.copy_ref                                             as paired_event_ref,
    cast(null as varchar)                                  as field,
    case when e.channel = 'pixel' then 'Pixel' else 'Server' end
        || ' sent ''' || e.event_name || ''' with event_id ''' || e.event_id
        || ''' again, ' || cast(round(e.window_epoch - f.window_epoch) as bigint)
        || ' seconds after the first send'                 as detail,
    cast(null as varchar)                                  as severity
from stage_dedup_copies s
join stage_dedup_events e on e.event_ref = s.event_ref
join stage_dedup_events f on f.event_ref = s.copy_ref
where s.is_repeat
