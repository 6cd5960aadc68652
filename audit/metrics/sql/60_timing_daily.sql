-- timing_daily: per dataset x event name x UTC day of the event, send latency (sent_at - event_time)
-- percentiles per channel and what Meta answered for the server events (production events only).
--
-- The percentiles are DuckDB's quantile_cont, worked out from counts rather than with it:
-- quantile_cont keeps every value of a group in memory (twice here, for p50 and p95), and at 50 M events
-- a side under a 4 GB limit that state spilled 60 GB in 40 s and filled the disk. Counting each distinct
-- latency of a group, then reading the sorted values at the percentile's position from running counts,
-- spills like any GROUP BY and gives the same numbers, but for the last bit of a double where it
-- interpolates (see `interpolated`; tests/test_timing_percentiles.py compares them with quantile_cont).
insert into timing_daily
with production as (
    select
        coalesce(dataset_id, 'unknown')                                 as dataset_id,
        event_name,
        cast(timezone('UTC', event_time) as date)                       as day,
        channel,
        epoch(sent_at) - epoch(event_time)                              as latency_s,
        response_status,
        events_received,
        request_event_count
    from events
    where test_event_code is null and event_time is not null
),
responses as (
    select
        dataset_id,
        event_name,
        day,
        count(*) filter (where channel = 'capi' and response_status = 'ok') as capi_requests_ok,
        count(*) filter (where channel = 'capi' and response_status = 'error') as capi_requests_error,
        count(*) filter (
            where channel = 'capi' and coalesce(response_status, 'ok') <> 'error'
              and events_received < request_event_count
        )                                                               as capi_events_short
    from production
    group by dataset_id, event_name, day
),
latency_counts as (
    -- each distinct latency of a group (dataset, event name, day, channel) and how many events had it
    select dataset_id, event_name, day, channel, latency_s, count(*) as events
    from production
    where latency_s is not null
    group by dataset_id, event_name, day, channel, latency_s
),
running as (
    -- `upto`: how many of the group's events have this latency or a lower one
    select
        *,
        sum(events) over (partition by dataset_id, event_name, day, channel order by latency_s
                          rows between unbounded preceding and current row) as upto,
        sum(events) over (partition by dataset_id, event_name, day, channel) as total
    from latency_counts
),
positions as (
    -- quantile_cont's positions in the sorted values (0-based): h = (n - 1) * q, between floor(h) and
    -- ceil(h); the value at position k is the lowest latency whose running count passes k
    select
        *,
        cast(total - 1 as double) * cast(0.5 as double)                 as h50,
        cast(total - 1 as double) * cast(0.95 as double)                as h95
    from running
),
percentiles as (
    select
        dataset_id,
        event_name,
        day,
        channel,
        any_value(h50)                                                  as h50,
        any_value(h95)                                                  as h95,
        min(latency_s) filter (where upto > floor(h50))                 as lo50,
        min(latency_s) filter (where upto > ceil(h50))                  as hi50,
        min(latency_s) filter (where upto > floor(h95))                 as lo95,
        min(latency_s) filter (where upto > ceil(h95))                  as hi95
    from positions
    group by dataset_id, event_name, day, channel
),
interpolated as (
    -- quantile_cont's interpolation: lo * (1 - d) + hi * d, d = h - floor(h) (DuckDB's build fuses the
    -- multiply-add, so its result can differ in the last bit)
    select
        dataset_id,
        event_name,
        day,
        channel,
        lo50 * (1.0 - (h50 - floor(h50))) + hi50 * (h50 - floor(h50))  as p50,
        lo95 * (1.0 - (h95 - floor(h95))) + hi95 * (h95 - floor(h95))  as p95
    from percentiles
)
select
    r.dataset_id,
    r.event_name,
    r.day,
    px.p50                                                              as pixel_latency_p50_s,
    px.p95                                                              as pixel_latency_p95_s,
    cp.p50                                                              as capi_latency_p50_s,
    cp.p95                                                              as capi_latency_p95_s,
    r.capi_requests_ok,
    r.capi_requests_error,
    r.capi_events_short
from responses as r
left join interpolated as px
    on px.dataset_id = r.dataset_id and px.event_name is not distinct from r.event_name
    and px.day = r.day and px.channel = 'pixel'
left join interpolated as cp
    on cp.dataset_id = r.dataset_id and cp.event_name is not distinct from r.event_name
    and cp.day = r.day and cp.channel = 'capi'
order by r.dataset_id, r.event_name, r.day;
