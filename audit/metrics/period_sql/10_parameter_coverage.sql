-- parameter_coverage: per dataset x event name x channel x parameter, over the whole period: the sums of
-- parameter_coverage_daily (so the daily and all-period figures always agree), in the parameters' order.
insert into parameter_coverage
with period as (
    select
        d.dataset_id,
        d.event_name,
        d.channel,
        d.parameter,
        p.position,
        sum(d.events)                                                   as events,
        sum(d.present)                                                  as present,
        sum(d.valid)                                                    as valid
    from parameter_coverage_daily as d
    join mq_parameters() as p on p.parameter = d.parameter
    group by d.dataset_id, d.event_name, d.channel, d.parameter, p.position
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
