-- Sends of an event_id that an earlier, different conversion already used.
select
    r.event_ref                                            as event_ref,
    r.first_ref                                            as paired_event_ref,
    'event_id'                                             as field,
    'event_id ''' || r.event_id || ''' was already used by another conversion ('
        || case when r.conversion_rank = 2 then '2nd' when r.conversion_rank = 3 then '3rd'
                else cast(r.conversion_rank as varchar) || 'th' end
        || ' conversion with this id)'                     as detail,
    cast(null as varchar)                                  as severity
from stage_dedup_reused r
