-- parameter_coverage_daily and parameter_coverage: per dataset x event name x channel x parameter (and UTC
-- day of the event), how many production events carry the parameter (present) and how many carry a usable
-- value (valid: see stage_mq_value_checks.valid, plus a server IP shared by many users counts as not valid).
-- The all-period table sums the same daily counts, so both always agree.
create or replace table stage_mq_coverage_daily as
with production as (
    select
        s.dataset_id,
        s.event_name,
        s.channel,
        s.parameter,
        s.position,
        cast(timezone('UTC', e.event_time) as date)                     as day,
        s.present,
        s.valid
    from stage_mq_param_status as s
    join events as e on e.event_ref = s.event_ref
    where s.production
)
select
    dataset_id,
    event_name,
    channel,
    parameter,
    position,
    day,
    count(*)                                                            as events,
    count(*) filter (where present)                                     as present,
    count(*) filter (where valid)                                       as valid
from production
group by dataset_id, event_name, channel, parameter, position, day;

insert into parameter_coverage_daily
select dataset_id, event_name, channel, parameter, day, events, present, valid
from stage_mq_coverage_daily
order by dataset_id, event_name, channel, day, position;

insert into parameter_coverage
with period as (
    select
        dataset_id,
        event_name,
        channel,
        parameter,
        position,
        sum(events)                                                     as events,
        sum(present)                                                    as present,
        sum(valid)                                                      as valid
    from stage_mq_coverage_daily
    group by dataset_id, event_name, channel, parameter, position
)
select
    dataset_id,
    event_name,
    channel,
    parameter,
    events,
    present,
    valid,
    present / events                                                    as present_share,
    valid / events                                                      as valid_share
from period
order by dataset_id, event_name, channel, position;
