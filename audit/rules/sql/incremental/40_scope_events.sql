-- Incremental audit, step 4: the events to re-audit, by event_ref (every event whose ref hashes to one the
-- rounds reached; a collision only adds an event), with their rowid: copying them by rowid reads the other
-- columns of those rows only, instead of every column of every event.
create or replace temp table scope_events as
select event_ref, rowid as row_id
from events
where hash(event_ref) in (select ev from scope_reached);
