-- Analyst views over the canonical store.
create or replace view pixel_events as select * from events where channel = 'pixel';
create or replace view capi_events as select * from events where channel = 'capi';
