-- Server events sent more than 7 days (physical_store: 62 days) after they happened.
with ages as (
    select
        event_ref,
        seconds_between(event_time, sent_time)                          as age_seconds,
        case
            when action_source = 'physical_store' then getvariable('physical_store_max_age_days')
            else getvariable('max_event_age_days')
        end                                                             as limit_days,
        request_event_count
    from stage_mq_send_times
    where channel = 'capi' and sent_time is not null and event_time is not null
)
select
    event_ref,
    null                                                                as paired_event_ref,
    'event_time'                                                        as field,
    'sent ' || plain_duration(age_seconds) || ' after it happened (limit ' || cast(limit_days as bigint)
    || ' days); Meta rejects the whole request'
    || case when request_event_count > 1 then ' with its ' || request_event_count || ' events' else '' end
                                                                        as detail,
    null                                                                as severity
from ages
where age_seconds > limit_days * 86400
