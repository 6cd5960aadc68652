-- Canonical store: one row per event as received, both channels. Values are stored as sent,
-- except raw PII in a hashed field (stored as the SHA-256 of its Meta-normalized form) and
-- access tokens (never stored).
create table if not exists events (
    event_ref            varchar not null,  -- stable id of this row: '<load_id>:<source_line>:<source_index>'
    load_id              varchar not null,  -- the load (file) this event came from, see table loads
    source_file          varchar not null,  -- file name as loaded
    source_line          integer not null,  -- 1-based line of the record in the file (HAR: entry number)
    source_index         integer not null,  -- position in the request's data array (0 for one-event records)
    channel              varchar not null,  -- 'pixel' (browser) or 'capi' (server)
    dataset_id           varchar,           -- Pixel / dataset id: /tr id, Graph path {pixel_id}, column or --dataset
    event_name           varchar,           -- exactly as sent
    event_id             varchar,           -- exactly as sent; NULL when absent, '' kept as ''
    event_time           timestamptz,       -- when the conversion happened (seconds, ms or ISO understood)
    event_time_raw       varchar,           -- event_time exactly as sent (Pixel: the ts parameter, in ms)
    sent_at              timestamptz,       -- when the event left the browser/server, where the log has it
    action_source        varchar,           -- website, app, email, ... as sent
    event_source_url     varchar,           -- page URL (Pixel: dl)
    referrer_url         varchar,           -- referrer (Pixel: rl)
    test_event_code      varchar,           -- set on test events (left out of production numbers)
    partner_agent        varchar,           -- the sending platform, as sent
    em                   varchar[],         -- hashed e-mail(s)
    ph                   varchar[],         -- hashed phone(s)
    fn                   varchar[],         -- hashed first name(s)
    ln                   varchar[],         -- hashed last name(s)
    ge                   varchar[],         -- hashed gender
    db                   varchar[],         -- hashed date of birth
    ct                   varchar[],         -- hashed city
    st                   varchar[],         -- hashed state
    zp                   varchar[],         -- hashed zip / postal code
    country              varchar[],         -- hashed country
    external_id          varchar[],         -- advertiser's user id(s), hashed or not, as sent
    fbc                  varchar,           -- click id cookie _fbc, as sent
    fbp                  varchar,           -- browser id cookie _fbp, as sent
    client_ip_address    varchar,           -- IP the event was sent for (Pixel: the connection's)
    client_user_agent    varchar,           -- user agent (Pixel/HAR: the request header)
    other_user_data      json,              -- rarer ids Meta accepts (lead_id, madid, subscription_id, ...)
    pii_hashed_on_load   varchar[],         -- fields that arrived as raw PII and were hashed by the loader
    value                double,            -- custom_data.value as a number (NULL when absent or not numeric)
    value_raw            varchar,           -- custom_data.value as sent
    currency             varchar,           -- custom_data.currency as sent
    order_id             varchar,           -- custom_data.order_id
    content_ids          varchar[],         -- custom_data.content_ids
    custom_data          json,              -- the whole custom_data object as sent
    request_id           varchar,           -- groups the events of one Graph API request (CAPI)
    request_event_count  integer,           -- number of events in that request
    events_received      integer,           -- Meta's response: events_received for that request
    response_status      varchar,           -- 'ok', 'error' or NULL when no response was logged
    error_code           integer,           -- Meta's error.code
    error_subcode        integer,           -- Meta's error.error_subcode
    error_message        varchar,           -- Meta's error_user_title or message
    fbtrace_id           varchar            -- Meta's trace id for the request
);

create table if not exists loads (
    load_id              varchar not null,  -- first 16 hex chars of the file's SHA-256
    source_file          varchar not null,  -- path as given
    file_name            varchar not null,  -- base name
    checksum             varchar not null,  -- SHA-256 of the file's bytes (loading twice is skipped)
    format               varchar not null,  -- adapter that read it: capi_graph, pixel_tr, har, table
    channel              varchar,           -- pixel or capi
    dataset_id           varchar,           -- --dataset given on the command line, if any
    rows_read            bigint not null,   -- records read (lines, HAR entries, table rows, request events)
    rows_loaded          bigint not null,   -- records that became events
    rows_quarantined     bigint not null,   -- records set aside, see table quarantine
    rows_ignored         bigint not null default 0, -- records that are not events (blank lines, non-Pixel HAR requests)
    loaded_at            timestamptz not null
);

create table if not exists quarantine (
    load_id              varchar not null,
    source_file          varchar not null,
    source_line          integer,           -- 1-based line (HAR: entry number)
    source_index         integer,           -- position in the data array, when the request parsed
    field                varchar,           -- field at fault, when one is
    reason               varchar not null,  -- why the record could not be loaded
    raw_text             varchar            -- the record as read, PII masked and access_token removed
);
