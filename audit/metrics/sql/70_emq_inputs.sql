-- emq_inputs_daily: what the estimated EMQ (audit/metrics/emq.py, audit/metrics/period.py) is computed from,
-- per dataset x event name x channel (pixel, capi, and combined = both channels' events pooled) x parameter
-- x UTC day of the event: production events, events passing Meta's minimum-key rule (sufficient) and, among
-- those, events with a valid value. The pseudo-parameter 'ipv6' counts sufficient events whose valid IP
-- address is IPv6 (a bonus in the model). Summed over any days, these counts give the estimate for them.
insert into emq_inputs_daily
with event_groups as (
    -- production events grouped by what they carry: few groups, expanded to the parameters below
    select dataset_id, event_name, channel, day, valid_mask, ipv6, insufficient, count(*) as events
    from stage_mq_event_status
    where production
    group by dataset_id, event_name, channel, day, valid_mask, ipv6, insufficient
),
per_parameter as (
    select
        g.dataset_id,
        g.event_name,
        g.channel,
        p.parameter,
        g.day,
        (g.valid_mask & p.bit) <> 0                                     as valid,
        g.insufficient,
        g.events
    from event_groups as g
    cross join mq_parameters() as p
    union all
    select
        dataset_id,
        event_name,
        channel,
        'ipv6',
        day,
        (valid_mask & mq_parameter_bit('client_ip_address')) <> 0 and ipv6,
        insufficient,
        events
    from event_groups
),
both_channels as (
    select dataset_id, event_name, channel, parameter, day, valid, insufficient, events from per_parameter
    union all
    select dataset_id, event_name, 'combined', parameter, day, valid, insufficient, events from per_parameter
)
select
    dataset_id,
    event_name,
    channel,
    parameter,
    day,
    cast(sum(events) as bigint)                                         as events,
    cast(sum(case when not insufficient then events else 0 end) as bigint) as sufficient_events,
    cast(sum(case when valid and not insufficient then events else 0 end) as bigint) as valid_sufficient
from both_channels
group by dataset_id, event_name, channel, parameter, day
order by dataset_id, event_name, channel, parameter, day;
