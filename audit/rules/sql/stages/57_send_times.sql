-- Match-quality stage 2b: when each server event was sent, where the log tells: its own sent_at, else the
-- latest sent_at of its request. The future-time check may also fall back to when the log was loaded.
create or replace temp table stage_mq_send_times as
with request_sent as (
    select load_id, request_id, max(sent_at) as request_sent_at
    from events
    where request_id is not null and sent_at is not null
    group by load_id, request_id
)
select
    e.event_ref,
    e.channel,
    e.action_source,
    e.event_time,
    coalesce(e.sent_at, r.request_sent_at)                            as sent_time,
    case
        when e.sent_at is not null then 'sent'
        when r.request_sent_at is not null then 'request sent'
    end                                                               as sent_time_source,
    l.loaded_at,
    e.request_event_count
from events as e
left join request_sent as r on r.load_id = e.load_id and r.request_id = e.request_id
left join loads as l on l.load_id = e.load_id;
