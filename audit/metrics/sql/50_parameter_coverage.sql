-- parameter_coverage_daily: per dataset x event name x channel x parameter x UTC day of the event, how many
-- production events carry the parameter (present) and how many carry a usable value (valid: see
-- value_checks.valid, plus a server IP shared by many users counts as not valid). The all-period
-- table, parameter_coverage, sums these rows (audit/metrics/period_sql/), so both always agree.
insert into parameter_coverage_daily
with event_groups as (
    -- production events grouped by what they carry: few groups, expanded to the 15 parameters below
    select dataset_id, event_name, channel, day, present_mask, valid_mask, count(*) as events
    from stage_mq_event_status
    where production
    group by dataset_id, event_name, channel, day, present_mask, valid_mask
)
select
    g.dataset_id,
    g.event_name,
    g.channel,
    p.parameter,
    g.day,
    cast(sum(g.events) as bigint)                                       as events,
    cast(sum(case when (g.present_mask & p.bit) <> 0 then g.events else 0 end) as bigint) as present,
    cast(sum(case when (g.valid_mask & p.bit) <> 0 then g.events else 0 end) as bigint) as valid
from event_groups as g
cross join mq_parameters() as p
group by g.dataset_id, g.event_name, g.channel, p.parameter, p.position, g.day
order by g.dataset_id, g.event_name, g.channel, g.day, p.position;
