-- The limit: bare DuckDB doing only the keyed 48 h join of the two Parquet folders. It loads the
-- columns the join needs into tables, then counts the Pixel/CAPI pairs Meta would deduplicate
-- (same dataset, event_name and non-empty event_id, received within 48 h). Placeholders: {pixel}, {capi}.
create or replace table bare_pixel as
select dataset_id, event_name, event_id, coalesce(sent_at, event_ts) as received
from read_parquet({pixel});

create or replace table bare_capi as
select dataset_id, event_name, event_id, coalesce(sent_at, event_ts) as received
from read_parquet({capi});

select count(*) as pairs
from bare_pixel p
join bare_capi c
    on c.dataset_id = p.dataset_id and c.event_name = p.event_name and c.event_id = p.event_id
where p.event_id <> ''
  and abs(epoch(c.received) - epoch(p.received)) <= 48 * 3600;
