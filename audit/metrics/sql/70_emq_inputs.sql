-- emq_inputs_daily: what the estimated EMQ (audit/metrics/emq.py, audit/metrics/period.py) is computed from,
-- per dataset x event name x channel (pixel, capi, and combined = both channels' events pooled) x parameter
-- x UTC day of the event: production events, events passing Meta's minimum-key rule (sufficient) and, among
-- those, events with a valid value. The pseudo-parameter 'ipv6' counts sufficient events whose valid IP
-- address is IPv6 (a bonus in the model). Summed over any days, these counts give the estimate for them.
insert into emq_inputs_daily
with ipv6_events as (
    select event_ref
    from stage_mq_value_checks
    where kind = 'ip' and ip_version = 6
    group by event_ref
),
status as (
    select
        s.dataset_id,
        s.event_name,
        s.channel,
        s.parameter,
        cast(timezone('UTC', e.event_time) as date)                     as day,
        s.valid,
        s.insufficient,
        s.parameter = 'client_ip_address' and s.valid and v.event_ref is not null as ipv6_valid
    from stage_mq_param_status as s
    join events as e on e.event_ref = s.event_ref
    left join ipv6_events as v on v.event_ref = s.event_ref
    where s.production
),
per_parameter as (
    select dataset_id, event_name, channel, parameter, day, valid, insufficient from status
    union all
    select dataset_id, event_name, channel, 'ipv6', day, ipv6_valid, insufficient
    from status
    where parameter = 'client_ip_address'
),
both_channels as (
    select dataset_id, event_name, channel, parameter, day, valid, insufficient from per_parameter
    union all
    select dataset_id, event_name, 'combined', parameter, day, valid, insufficient from per_parameter
)
select
    dataset_id,
    event_name,
    channel,
    parameter,
    day,
    count(*)                                                            as events,
    count(*) filter (where not insufficient)                            as sufficient_events,
    count(*) filter (where valid and not insufficient)                  as valid_sufficient
from both_channels
group by dataset_id, event_name, channel, parameter, day
order by dataset_id, event_name, channel, parameter, day;
