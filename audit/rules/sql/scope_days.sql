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

-- The same test on a timestamp, without a time-zone conversion per row: its UTC day as a number of days
-- since 1970-01-01 (floored, so times before 1970 fall on the right day too).
create or replace temp table scope_day_numbers as
select distinct cast(day - date '1970-01-01' as double) as n
from scope_days
where day <> date '-infinity';

create or replace temp macro in_scope_time(ts) as
    case
        when ts is null then date '-infinity' in (select day from scope_days)
        else fdiv(epoch_ms(ts), 86400000) in (select n from scope_day_numbers)
    end;
