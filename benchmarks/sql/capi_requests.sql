-- Server events of the current copy (view bench_copy) as Graph API request log lines: one envelope
-- {"sent_at", "path", "request_id", "request": {"data": [...], ...}, "response": {...}} per request,
-- the shape the sample generator writes and the capi_graph loader reads.
select line
from (
    with bodies as (
        select
            request_id,
            dataset_id,
            sent_at,
            test_event_code,
            partner_agent,
            events_received,
            response_status,
            error_code,
            error_subcode,
            error_message,
            fbtrace_id,
            source_line,
            source_index,
            json_object(
                'event_name', event_name,
                'event_time', case when try_cast(event_time_raw as bigint) is not null
                                   then to_json(try_cast(event_time_raw as bigint))
                                   else to_json(event_time_raw) end,
                'event_id', event_id,
                'event_source_url', event_source_url,
                'action_source', action_source,
                'user_data', json_object(
                    'em', em, 'ph', ph, 'fn', fn, 'ln', ln, 'ge', ge, 'db', db, 'ct', ct, 'st', st,
                    'zp', zp, 'country', country, 'external_id', external_id,
                    'client_ip_address', client_ip_address, 'client_user_agent', client_user_agent,
                    'fbc', fbc, 'fbp', fbp),
                'custom_data', custom_data
            )                                                               as body
        from bench_copy
        where channel = 'capi'
    ),
    requests as (
        select
            request_id,
            any_value(dataset_id)                                           as dataset_id,
            min(sent_at)                                                    as sent_at,
            any_value(test_event_code)                                      as test_event_code,
            any_value(partner_agent)                                        as partner_agent,
            any_value(events_received)                                      as events_received,
            any_value(response_status)                                      as response_status,
            any_value(error_code)                                           as error_code,
            any_value(error_subcode)                                        as error_subcode,
            any_value(error_message)                                        as error_message,
            any_value(fbtrace_id)                                           as fbtrace_id,
            min(source_line)                                                as first_line,
            string_agg(cast(body as varchar), ',' order by source_index)    as data
        from bodies
        group by request_id
    ),
    envelopes as (
        select
            first_line,
            sent_at,
            json_object(
                'sent_at', strftime(sent_at, '%Y-%m-%dT%H:%M:%S.%gZ'),
                'path', '/v21.0/' || coalesce(dataset_id, '') || '/events',
                'request_id', request_id
            )                                                               as head,
            json_object('test_event_code', test_event_code, 'partner_agent', partner_agent) as extras,
            case
                when response_status = 'ok' then json_object(
                    'events_received', events_received, 'messages', json('[]'), 'fbtrace_id', fbtrace_id)
                when response_status = 'error' then json_object('error', json_object(
                    'message', error_message, 'code', error_code, 'error_subcode', error_subcode,
                    'fbtrace_id', fbtrace_id))
            end                                                             as response,
            data
        from requests
    )
    select
        first_line,
        sent_at,
        rtrim(cast(head as varchar), '}')
            || ',"request":{"data":[' || data || '],'
            || ltrim(cast(extras as varchar), '{')
            || case when response is null then '' else ',"response":' || cast(response as varchar) end
            || '}'                                                          as line
    from envelopes
)
order by sent_at nulls last, first_line
