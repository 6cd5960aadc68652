-- delivery_outcomes: server events by what Meta answered: ok, error (with code, subcode and message),
-- short (Meta received fewer events than the request held) or not_logged (production events only).
insert into delivery_outcomes
with outcomes as (
    select
        coalesce(dataset_id, 'unknown')                                 as dataset_id,
        event_name,
        cast(timezone('UTC', event_time) as date)                       as day,
        case
            when response_status = 'error' then 'error'
            when events_received < request_event_count then 'short'
            when response_status = 'ok' then 'ok'
            else 'not_logged'
        end                                                             as outcome,
        case when response_status = 'error' then error_code end         as error_code,
        case when response_status = 'error' then error_subcode end      as error_subcode,
        case when response_status = 'error' then error_message end      as error_message
    from events
    where channel = 'capi' and test_event_code is null
)
select
    dataset_id,
    event_name,
    day,
    outcome,
    error_code,
    error_subcode,
    error_message,
    count(*)                                                            as events
from outcomes
group by all
order by dataset_id, event_name, day, outcome, error_code, error_subcode;
