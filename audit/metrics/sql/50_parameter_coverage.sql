-- parameter_coverage: per dataset x event name x channel x parameter, how many production events carry the
-- parameter (present) and how many carry a usable value (valid: see stage_mq_value_checks.valid, plus a
-- server IP shared by many users counts as not valid).
insert into parameter_coverage
select
    dataset_id,
    event_name,
    channel,
    parameter,
    count(*)                                                            as events,
    count(*) filter (where present)                                     as present,
    count(*) filter (where valid)                                       as valid,
    count(*) filter (where present) / count(*)                          as present_share,
    count(*) filter (where valid) / count(*)                            as valid_share
from stage_mq_param_status
where production
group by dataset_id, event_name, channel, parameter, position
order by dataset_id, event_name, channel, position;
