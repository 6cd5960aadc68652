-- Staged rows -> events and quarantine, for one file. Runs after raw PII was hashed in ingest_stage.
-- Variables: ingest_load_id, ingest_file_name, ingest_channel (--pixel/--capi or NULL),
-- ingest_dataset (--dataset or NULL).

-- Every staged row with its channel, parsed times (a typed time is taken as it is) and first failed check.
-- A view: each reader below computes only what it needs, and a staged view is read straight from its file.
create or replace temp view ingest_checked_rows as
with typed as (
    select
        s.*,
        coalesce(s.channel, getvariable('ingest_channel')) as final_channel,
        coalesce(s.sent_at_parsed, ing_time(s.sent_at_raw)) as sent_at_ts,
        coalesce(s.event_time_parsed, ing_time(s.event_time_raw)) as event_time_ts
    from ingest_stage as s
)
select
    *,
    case
        when final_channel is null then 'channel'
        when final_channel not in ('pixel', 'capi') then 'channel'
        when getvariable('ingest_channel') is not null and final_channel <> getvariable('ingest_channel')
            then 'channel'
        when event_name is null then 'event_name'
        when event_time_ts is null and (event_time_raw is not null or final_channel = 'capi' or sent_at_ts is null)
            then 'event_time'
    end as bad_field
from typed;

-- The rows that fail a check (usually none), as their quarantine records.
create or replace temp table ingest_rejected as
select
    source_line,
    source_index,
    bad_field,
    case
        when bad_field = 'channel' and final_channel is null
            then 'no channel: give the file with --pixel or --capi, or add a channel column'
        when bad_field = 'channel' and final_channel not in ('pixel', 'capi')
            then 'channel must be pixel or capi, not ''' || final_channel || ''''
        when bad_field = 'channel'
            then 'the row says channel ''' || final_channel || ''' but the file was given as --'
                || getvariable('ingest_channel')
        when bad_field = 'event_name' then 'event_name is missing (Meta rejects such an event)'
        when event_time_raw is null then 'event_time is missing (Meta rejects such an event)'
        else 'event_time is not a Unix time (seconds or milliseconds) or an ISO date'
    end as reason,
    to_json(struct_pack(
        channel := channel, dataset_id := dataset_id, event_name := event_name, event_id := event_id,
        event_time := event_time_raw, sent_at := sent_at_raw, action_source := action_source,
        event_source_url := event_source_url
    ))::varchar as raw_text
from ingest_checked_rows
where bad_field is not null;

-- With no row rejected the events insert needs no filter, so each time is parsed once per row.
set variable ingest_all_checked = (select count(*) = 0 from ingest_rejected);

insert into ingest_quarantine (source_line, source_index, field, reason, raw_text)
select source_line, source_index, bad_field, reason, raw_text
from ingest_rejected;

insert into events by name
select
    getvariable('ingest_load_id') || ':' || source_line || ':' || source_index as event_ref,
    getvariable('ingest_load_id') as load_id,
    getvariable('ingest_file_name') as source_file,
    source_line,
    source_index,
    final_channel as channel,
    coalesce(dataset_id, getvariable('ingest_dataset')) as dataset_id,
    event_name,
    event_id,
    coalesce(event_time_ts, case when event_time_raw is null then sent_at_ts end) as event_time,
    event_time_raw,
    sent_at_ts as sent_at,
    action_source,
    ing_scrub(event_source_url) as event_source_url,
    ing_scrub(referrer_url) as referrer_url,
    test_event_code,
    partner_agent,
    em, ph, fn, ln, ge, db, ct, st, zp, country, external_id,
    fbc,
    fbp,
    client_ip_address,
    client_user_agent,
    ing_scrub_json(other_user_data) as other_user_data,
    pii_hashed_on_load,
    case when isfinite(try_cast(trim(value_raw) as double)) then try_cast(trim(value_raw) as double) end as value,
    value_raw,
    currency,
    order_id,
    content_ids,
    ing_scrub_json(custom_data) as custom_data,
    request_id,
    request_event_count,
    events_received,
    response_status,
    error_code,
    error_subcode,
    ing_scrub(error_message) as error_message,
    fbtrace_id
from ingest_checked_rows
where getvariable('ingest_all_checked') or bad_field is null;

insert into quarantine (load_id, source_file, source_line, source_index, field, reason, raw_text)
select
    getvariable('ingest_load_id'),
    getvariable('ingest_file_name'),
    source_line,
    source_index,
    field,
    reason,
    ing_mask(raw_text)
from ingest_quarantine;

drop view ingest_checked_rows;
drop table ingest_rejected;
