-- Incremental audit, after the merge: the UTC days whose daily figures must be recomputed, and the macro
-- that tells whether a row's day is one of them. The other days keep their rows: every daily table is a
-- GROUP BY day over per-event rows, and only the re-audited events' rows changed (the merge also adds to
-- scope_days the days of every per-event row it replaced or added, see audit/rules/incremental.py).
-- A missing day (an event without event_time) is kept as -infinity so that it matches like any other.
insert into scope_days
select distinct coalesce(cast(timezone('UTC', e.event_time) as date), date '-infinity')
from events as e
where e.event_ref in (select event_ref from scope_events);

create or replace temp macro in_scope_days(d) as
    coalesce(d, date '-infinity') in (select day from scope_days);
