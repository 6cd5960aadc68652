-- Server events dated after they were sent (or, without a send time, after the log was loaded).
with reference as (
    select
        event_ref,
        event_time,
        coalesce(sent_time, loaded_at)                                  as reference_time,
        case when sent_time is not null then 'it was sent' else 'the log was loaded' end as reference_label
    from stage_mq_send_times
    where channel = 'capi'
)
select
    event_ref,
    null                                                                as paired_event_ref,
    'event_time'                                                        as field,
    'event_time is ' || plain_duration(seconds_between(reference_time, event_time)) || ' after '
    || reference_label                                                  as detail,
    null                                                                as severity
from reference
where event_time > reference_time + to_minutes(cast(getvariable('clock_skew_minutes') as bigint))
