-- Incremental audit: the shared-IP table as it is now, without recounting the users of every IP. Only an IP
-- that a new server event carries can change its count, so 62_shared_ips.sql runs on the server events that
-- may carry one of those IPs (`all_events` narrowed to them, below), and only its rows for those IPs
-- replace the last audit's (scope_new_shared_ips, built in audit/rules/incremental.py).
create or replace temp table scope_new_ips as
select distinct strip_appendix(trim(client_ip_address)) as ip
from "{catalog}".main.events
where channel = 'capi'
  and event_ref in (select event_ref from scope_new_events);

-- strip_appendix() drops nothing or a '.' and an 8- or 2-character suffix, so an event whose IP is one of
-- them has its trimmed IP, or that IP less 9 or 3 characters, among them: a cheap test (no pattern) that
-- lets through every event of those IPs, and a few others whose counts are not kept.
create or replace temp view all_events as
from "{catalog}".main.events
where channel = 'capi'
  and (
      trim(client_ip_address) in (select ip from scope_new_ips)
      or left(trim(client_ip_address), length(trim(client_ip_address)) - 9) in (select ip from scope_new_ips)
      or left(trim(client_ip_address), length(trim(client_ip_address)) - 3) in (select ip from scope_new_ips)
  );
