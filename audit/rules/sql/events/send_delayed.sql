-- Server events sent later than recommended for their kind (thresholds in send_timing.toml), but not so
-- late that Meta rejects them (event_time_too_old covers those).
with delays as (
    select
        s.event_ref,
        seconds_between(s.event_time, s.sent_time)                      as delay_seconds,
        t.max_delay_minutes,
        t.label,
        case
            when s.action_source = 'physical_store' then getvariable('physical_store_max_age_days')
            else getvariable('max_event_age_days')
        end                                                             as limit_days
    from stage_mq_send_times as s
    join stage_mq_send_timing as t on t.action_source = s.action_source
    where s.channel = 'capi' and s.sent_time is not null and s.event_time is not null
)
select
    event_ref,
    null                                                                as paired_event_ref,
    'event_time'                                                        as field,
    'sent ' || plain_duration(delay_seconds) || ' after it happened; recommended: ' || label
    || ' (within ' || plain_duration(max_delay_minutes * 60) || ')'    as detail,
    null                                                                as severity
from delays
where delay_seconds > max_delay_minutes * 60
  and delay_seconds <= limit_days * 86400
