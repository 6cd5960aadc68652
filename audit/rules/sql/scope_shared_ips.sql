-- Incremental audit: the shared-IP table as it is now, without recounting the users of every IP. Only an IP
-- that a new server event carries can change its count, so 62_shared_ips.sql runs on the server events of
-- those IPs alone (`all_events` narrowed to them, below); its rows then replace those IPs' rows in the last
-- audit's table (scope_new_shared_ips, built in audit/rules/incremental.py).
create or replace temp view all_events as
from "{catalog}".main.events
where channel = 'capi'
  and strip_appendix(trim(client_ip_address)) in (
      select strip_appendix(trim(client_ip_address))
      from "{catalog}".main.events
      where channel = 'capi'
        and event_ref in (select event_ref from scope_new_events)
  );
