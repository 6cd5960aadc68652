-- Incremental audit, step 1: the keys of the new events (05_event_keys.sql says which keys and why),
-- and every key the scope can widen through.
create or replace temp table scope_new_keys as from scope_event_keys(true);

create or replace temp view scope_keys as
select * from audit_keys
union all
select * from scope_new_keys;
