-- Staging tables one adapter fills per file, and the helpers the adapters' SQL shares.
-- An adapter writes every event candidate either to ingest_stage or to ingest_quarantine;
-- the loader then hashes raw PII, checks the required fields and copies them to events/quarantine.
create or replace temp table ingest_stage (
    source_line          integer not null,  -- 1-based physical line (HAR: entry number, Parquet: row)
    source_index         integer not null,  -- position in the request's data array, 0 otherwise
    channel              varchar,           -- pixel, capi, or NULL (then the --pixel/--capi option)
    dataset_id           varchar,           -- as the log says; NULL = the --dataset option
    event_name           varchar,
    event_id             varchar,
    event_time_raw       varchar,           -- seconds, milliseconds or ISO text, as sent
    sent_at_raw          varchar,           -- same forms
    event_time_parsed    timestamptz,       -- event_time_raw as ing_time reads it (or a typed column's time),
    sent_at_parsed       timestamptz,       -- when the adapter gives it; NULL = read from the text on finalizing
    action_source        varchar,
    event_source_url     varchar,
    referrer_url         varchar,
    test_event_code      varchar,
    partner_agent        varchar,
    em                   varchar[],
    ph                   varchar[],
    fn                   varchar[],
    ln                   varchar[],
    ge                   varchar[],
    db                   varchar[],
    ct                   varchar[],
    st                   varchar[],
    zp                   varchar[],
    country              varchar[],
    external_id          varchar[],
    fbc                  varchar,
    fbp                  varchar,
    client_ip_address    varchar,
    client_user_agent    varchar,
    other_user_data      json,
    pii_hashed_on_load   varchar[],
    value_raw            varchar,
    currency             varchar,
    order_id             varchar,
    content_ids          varchar[],
    custom_data          json,
    request_id           varchar,
    request_event_count  integer,
    events_received      integer,
    response_status      varchar,
    error_code           integer,
    error_subcode        integer,
    error_message        varchar,
    fbtrace_id           varchar
);

create or replace temp table ingest_quarantine (
    source_line          integer,
    source_index         integer,
    field                varchar,
    reason               varchar not null,
    raw_text             varchar            -- masked by the loader before it is stored
);

-- A JSON value as a list of strings: arrays element-wise, a scalar as a one-element list.
-- Decided on the first character so small values are not parsed twice.
create or replace temp macro ing_list(v) as
    case
        when v is null or v::varchar = 'null' then null
        when left(v::varchar, 1) = '[' then from_json(v, '["VARCHAR"]')
        when left(v::varchar, 1) = '"' then [v ->> '$']
        else [v::varchar]
    end;

-- A JSON value as text: strings unquoted, other scalars as written, objects/arrays as JSON.
create or replace temp macro ing_text(v) as
    case when v is null or v::varchar = 'null' then null else v ->> '$' end;

-- JSON text that may be a JSON-encoded string (Meta's curl form, the Python SDK's events): the inner text.
create or replace temp macro ing_unwrap_text(t) as
    case when left(t::varchar, 1) = '"' then t::json ->> '$' else t::varchar end;

-- A text cell (CSV) holding a JSON array or a single value, as a list of strings.
create or replace temp macro ing_text_list(t) as
    case
        when t is null then null
        when left(ltrim(t), 1) = '[' and json_valid(t) then ing_list(json(t))
        else [t]
    end;

-- A text cell holding JSON (kept as JSON) or plain text (kept as a JSON string).
create or replace temp macro ing_text_json(t) as
    case when t is null then null when json_valid(t) then json(t) else to_json(t) end;

-- Seconds, milliseconds (> 1e11) or ISO text to a timestamp; NULL when unreadable.
-- Text with a colon (ISO times have one) cannot be a number: the pattern is not tried on it.
create or replace temp macro ing_time(raw) as
    case
        when raw is null or trim(raw) = '' then null
        when not contains(raw, ':') and regexp_full_match(trim(raw), '-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?') then
            case
                when abs(cast(trim(raw) as double)) > 1e11
                    then try(to_timestamp(cast(trim(raw) as double) / 1000))
                else try(to_timestamp(cast(trim(raw) as double)))
            end
        else try_cast(trim(raw) as timestamptz)
    end;

-- A value that looks like a hash (32+ letters/digits, optionally with the parameter builder's appendix)
-- is kept as sent even when malformed; anything else that is not blank is raw PII.
create or replace temp macro ing_is_raw_pii(x) as
    x is not null
    and trim(x) <> ''
    and not regexp_full_match(trim(x), '[0-9A-Za-z]{32,}(\.[A-Za-z0-9_-]{2}|\.[A-Za-z0-9_-]{8})?');

-- Remove access tokens from free text (URLs, JSON): the value after an access_token key, and
-- anything shaped like a Meta token (EAA...). Text holding neither 'EAA' nor '_t'/'_T' (every match of
-- the case-blind access_token has '_' then 't' or 'T') cannot match: it is returned without a regex.
create or replace temp macro ing_scrub(t) as
    case
        when not (contains(t, 'EAA') or contains(t, '_t') or contains(t, '_T')) then t
        else regexp_replace(
            regexp_replace(
                t,
                '(?i)(access_token(%22|")?\s*(=|:|%3A)\s*(%22|")?)[^"&\s,}%]*',
                '\1[removed]',
                'g'
            ),
            'EAA[A-Za-z0-9]{16,}',
            '[removed]',
            'g'
        )
    end;

-- A JSON value with tokens removed; a value holding none is returned as it is, not parsed again.
create or replace temp macro ing_scrub_json(j) as
    case
        when not (contains(j::varchar, 'EAA') or contains(j::varchar, '_t') or contains(j::varchar, '_T')) then j
        else ing_scrub(j::varchar)::json
    end;

-- Quarantined text: tokens removed, e-mail addresses and phone numbers masked, length capped.
create or replace temp macro ing_mask(t) as
    left(
        regexp_replace(
            regexp_replace(
                regexp_replace(
                    ing_scrub(t),
                    '[A-Za-z0-9._%+\-]+(@|%40)[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+',
                    '[email removed]',
                    'g'
                ),
                '(?i)(("|%22|\[|%5B)(ph|phone)("|%22|\]|%5D)\s*(:|=)\s*\[?\s*"?)[^"&\],}]*',
                '\1[phone removed]',
                'g'
            ),
            '\+?\(?[0-9]{1,4}\)?([ .\-]?\(?[0-9]{2,5}\)?){2,}[ .\-][0-9]{3,5}',
            '[phone removed]',
            'g'
        ),
        4000
    );
