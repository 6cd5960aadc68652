-- value_checks (for analysts): one row per customer-information value sent, list fields unnested, with what
-- was found and whether it is usable (`valid`): the rows the audit's rules and coverage read (stage 60's
-- stage_mq_value_checks, an intermediate). Worked out when queried, from the events and the per-value facts
-- the workspace keeps (stage_mq_value_facts), with the fbc settings of the audit that made it.
-- A filter on event_ref reaches the events: one event's values are checked in well under a second.
create or replace view value_checks as
select * exclude (value_id, value_key)
from mq_value_rows(null, clock_skew_minutes := {clock_skew_minutes}, fbc_max_age_days := {fbc_max_age_days});
