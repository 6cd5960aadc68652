-- Event names that look like a standard event but are spelled differently, or Google Analytics names.
with named as (
    select
        event_ref,
        event_name,
        regexp_replace(lower(trim(event_name)), '[\s_-]', '', 'g')     as squashed,
        lower(trim(event_name))                                         as folded
    from events
    where event_name is not null
      and event_name not in (select event_name from stage_mq_standard_events)
),
lookalikes as (
    select
        n.event_ref,
        n.event_name,
        s.event_name                                                    as standard_name,
        g.event_name                                                    as ga4_standard_name
    from named as n
    left join stage_mq_standard_events as s on s.folded = n.squashed
    left join stage_mq_ga4_names as g on g.ga4_name = n.folded
)
select
    event_ref,
    null                                                                as paired_event_ref,
    'event_name'                                                        as field,
    case
        when standard_name is not null then
            quoted(event_name) || ' is not spelled like the standard event ' || quoted(standard_name)
            || ' (spelling and capitals must match exactly)'
        else
            quoted(event_name) || ' is a Google Analytics name; Meta''s standard event is '
            || quoted(ga4_standard_name)
    end                                                                 as detail,
    null                                                                as severity
from lookalikes
where standard_name is not null or ga4_standard_name is not null
