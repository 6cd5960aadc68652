-- Incremental audit, step 2: the events to re-audit before widening (by hash, see 05_event_keys.sql): events not covered by the last
-- audit, and server events on an IP whose count of users crossed the shared-IP threshold (which makes
-- the IP shared or no longer shared for every event on it). `scope_new_events` lists the events not
-- covered; `scope_new_shared_ips` is the shared-IP table as it is now (audit/rules/sql/scope_shared_ips.sql);
-- main's stage_mq_shared_ips is the last audit's.
create or replace temp table scope_reached as
with changed_ips as (
    select coalesce(n.ip, o.ip)                                             as ip
    from scope_new_shared_ips as n
    full join stage_mq_shared_ips as o on o.ip = n.ip
    where (coalesce(n.users, 0) >= getvariable('shared_ip_min_users'))
       <> (coalesce(o.users, 0) >= getvariable('shared_ip_min_users'))
)
select hash(event_ref) as ev, 0 as round
from scope_new_events
union
select hash(event_ref), 0
from all_events
where channel = 'capi'
  and strip_appendix(trim(client_ip_address)) in (select ip from changed_ips);
