-- Match-quality stage 3b: distinct users per server IP over every event in the workspace (`all_events`:
-- the whole events table even when an incremental audit re-runs the stages on a subset of events).
-- Users are counted by external_id, e-mail or fbp (the largest of the three counts).
create or replace table stage_mq_shared_ips as
with server_values as (
    select
        strip_appendix(trim(client_ip_address))                       as ip,
        nullif(trim(external_id[1]), '')                              as external_id,
        nullif(trim(em[1]), '')                                       as em,
        nullif(trim(fbp), '')                                         as fbp
    from all_events
    where channel = 'capi' and coalesce(trim(client_ip_address), '') <> ''
)
select
    ip,
    greatest(count(distinct external_id), count(distinct em), count(distinct fbp)) as users
from server_values
group by ip;
