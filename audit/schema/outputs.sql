-- Audit outputs, rebuilt by every audit run (audit/rules/engine.py). Column names are a contract:
-- the dashboard, the report, the notebooks and summary --json read them.

create or replace table event_pairs (
    conversion_id        varchar not null,  -- stable id: the event_ref of the conversion's first event
    dataset_id           varchar,
    event_name           varchar,           -- the conversion's name (Pixel's when it has one, else CAPI's)
    pairing              varchar not null,  -- deduplicated | event_name_case_mismatch | event_id_whitespace |
                                            -- pair_outside_window | event_id_mismatch | event_id_missing |
                                            -- dataset_mismatch | pixel_only | capi_only
    matched_by           varchar,           -- event_id | order_id | external_id | em | fbp (NULL when single-channel)
    pixel_event_ref      varchar,
    capi_event_ref       varchar,
    pixel_event_name     varchar,
    capi_event_name      varchar,
    pixel_event_id       varchar,
    capi_event_id        varchar,
    pixel_time           timestamptz,       -- window time of the Pixel copy (sent_at, else event_time)
    capi_time            timestamptz,       -- window time of the CAPI copy
    time_gap_seconds     double,            -- capi_time - pixel_time
    meta_dedups          boolean not null,  -- true when Meta counts this conversion once
    kept_channel         varchar,           -- the copy Meta keeps when it dedups
    counted_by_meta      integer not null,  -- events Meta counts for this conversion (1 or 2, repeats excluded;
                                            -- 0 when Meta merges it into an earlier conversion with its id)
    pixel_repeats        integer not null,  -- extra Pixel copies with the same keys (duplicate_within_channel)
    capi_repeats         integer not null,  -- extra CAPI copies with the same keys
    conversion_time      timestamptz,       -- earliest event_time of the conversion
    day                  date,              -- UTC day of conversion_time
    value                double,            -- conversion value (CAPI's when present, else Pixel's)
    currency             varchar            -- upper-cased ISO code of that value
);

create or replace table findings (
    rule_id              varchar not null,
    severity             varchar not null,  -- critical | warning | info
    area                 varchar not null,  -- dedup | events | parameters
    event_ref            varchar not null,
    paired_event_ref     varchar,           -- the other event, for rules about a pair
    channel              varchar,
    dataset_id           varchar,
    event_name           varchar,
    event_id             varchar,
    event_time           timestamptz,
    day                  date,
    field                varchar,           -- parameter at fault, for parameter rules
    detail               varchar            -- what exactly was seen, in plain words (no raw PII)
);

-- Per dataset x event name x day: the dedup headline numbers (audit/metrics/sql).
create or replace table dedup_daily (
    dataset_id           varchar,
    event_name           varchar,
    day                  date,
    pixel_events         bigint,
    capi_events          bigint,
    conversions          bigint,
    both_channels        bigint,            -- conversions seen on both channels (paired by keys or evidence)
    deduplicated_pairs   bigint,
    counted_by_meta      bigint,
    double_counts        bigint,
    recovered            bigint,            -- conversions seen only through CAPI
    pixel_with_dedup_key bigint,            -- Pixel events with a CAPI copy sharing a dedup key
    pixel_unique_events  bigint,            -- event_coverage denominator
    repeat_events        bigint,            -- extra sends of one event from the same channel (double-count
                                            -- risk, kept out of counted_by_meta)
    lost_conversions     bigint             -- conversions Meta drops because an earlier one reused their id
);

-- Inflated value per currency (never summed across currencies).
create or replace table inflated_value_daily (
    dataset_id           varchar,
    event_name           varchar,
    day                  date,
    currency             varchar,
    inflated_value       double
);

-- Per dataset x event name x day: timing and Meta delivery (audit/metrics/sql).
create or replace table timing_daily (
    dataset_id           varchar,
    event_name           varchar,
    day                  date,
    pixel_latency_p50_s  double,            -- send latency (sent_at - event_time), Pixel
    pixel_latency_p95_s  double,
    capi_latency_p50_s   double,
    capi_latency_p95_s   double,
    capi_requests_ok     bigint,            -- CAPI events whose request Meta accepted
    capi_requests_error  bigint,            -- CAPI events whose request Meta rejected
    capi_events_short    bigint             -- CAPI events in requests where events_received < sent
);

-- Meta's responses by outcome and error code.
create or replace table delivery_outcomes (
    dataset_id           varchar,
    event_name           varchar,
    day                  date,
    outcome              varchar,           -- ok | error | short | not_logged
    error_code           integer,
    error_subcode        integer,
    error_message        varchar,
    events               bigint
);

-- Per dataset x event name x channel x parameter: present and valid shares.
create or replace table parameter_coverage (
    dataset_id           varchar,
    event_name           varchar,
    channel              varchar,           -- pixel | capi
    parameter            varchar,           -- em, ph, fn, ln, ge, db, ct, st, zp, country, external_id,
                                            -- fbc, fbp, client_ip_address, client_user_agent
    events               bigint,
    present              bigint,
    valid                bigint,
    present_share        double,
    valid_share          double
);

-- Dedup-key coverage as Events Manager shows it.
create or replace table dedup_key_coverage (
    dataset_id           varchar,
    event_name           varchar,
    dedup_key            varchar,           -- event_id | external_id | fbp
    pixel_events         bigint,
    pixel_with_key       bigint,
    capi_events          bigint,
    capi_with_key        bigint,
    pixel_share          double,
    capi_share           double
);

-- Estimated EMQ (audit/metrics/emq.py), per dataset x event name x channel (pixel | capi | combined).
create or replace table match_quality (
    dataset_id           varchar,
    event_name           varchar,
    channel              varchar,
    events               bigint,
    estimated_emq        double,            -- 0-10, an estimate (our model, not Meta's score)
    drivers              json               -- parameter -> points contributed
);

-- Per dataset x event name x channel x parameter x UTC day of the event: parameter_coverage by day
-- (parameter_coverage holds the same counts summed over every day).
create or replace table parameter_coverage_daily (
    dataset_id           varchar,
    event_name           varchar,
    channel              varchar,           -- pixel | capi
    parameter            varchar,           -- as in parameter_coverage
    day                  date,              -- UTC day of event_time (NULL when the event has no time)
    events               bigint,
    present              bigint,
    valid                bigint
);

-- Per dataset x event name x dedup key x UTC day of the event: dedup_key_coverage by day.
create or replace table dedup_key_coverage_daily (
    dataset_id           varchar,
    event_name           varchar,
    dedup_key            varchar,           -- event_id | external_id | fbp
    day                  date,
    pixel_events         bigint,
    pixel_with_key       bigint,
    capi_events          bigint,
    capi_with_key        bigint
);

-- What the estimated EMQ is computed from, per dataset x event name x channel (pixel | capi | combined)
-- x parameter x UTC day: summed over any days, these give match_quality for that period
-- (audit/metrics/period.py).
create or replace table emq_inputs_daily (
    dataset_id           varchar,
    event_name           varchar,
    channel              varchar,           -- pixel | capi | combined (both channels' events pooled)
    parameter            varchar,           -- a parameter of emq_weights.toml, plus 'ipv6' (valid IPv6 address)
    day                  date,
    events               bigint,            -- production events
    sufficient_events    bigint,            -- events passing Meta's minimum-key rule (insufficient_match_keys)
    valid_sufficient     bigint             -- among those, events with a valid value of the parameter
);
