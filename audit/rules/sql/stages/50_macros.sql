-- Match-quality stage 0: macros every events/parameters rule and metric uses, so each check lives once.

-- Meta's parameter-builder suffix (meta_rules §5.4): '.<8 chars>' = base64url of
-- [format 0x01, language 1..6, type 0..3, major, minor, patch], or a legacy 2-char language token.
-- Only the first three bytes matter; they sit in the first four characters.
create or replace macro b64url_value(c) as
    instr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', c) - 1;

create or replace macro appendix_decodes(a) as
    case
        when a is null then false
        when length(a) = 2 then a in ('AQ', 'Ag', 'Aw', 'BA', 'BQ', 'Bg')
        when length(a) = 8 and regexp_full_match(a, '[A-Za-z0-9_-]{8}') then
            -- byte 0: format version 1
            (b64url_value(a[1]) * 4 + b64url_value(a[2]) // 16) = 1
            -- byte 1: language php, python, java, nodejs, ruby, client_js
            and ((b64url_value(a[2]) % 16) * 16 + b64url_value(a[3]) // 4) between 1 and 6
            -- byte 2: no_change, general_new, net_new, modified_new
            and ((b64url_value(a[3]) % 4) * 64 + b64url_value(a[4])) between 0 and 3
        else false
    end;

-- The suffix candidate after the last dot (NULL when there is none). Text without a dot has none: the
-- pattern is tried only on text holding one (most values are hashes without a suffix).
create or replace macro appendix_of(x) as
    case when contains(x, '.') then nullif(regexp_extract(x, '\.([A-Za-z0-9_-]{8}|[A-Za-z0-9_-]{2})$', 1), '') end;

-- The value without a suffix that decodes; values with no (or an undecodable) suffix come back unchanged.
create or replace macro strip_appendix(x) as
    case
        when appendix_decodes(appendix_of(x)) then left(x, length(x) - length(appendix_of(x)) - 1)
        else x
    end;

-- A hashed field as Meta wants it: lower-case SHA-256 hex, optionally with a builder suffix
-- (any 8-char or legacy 2-char suffix is accepted, as Meta documents).
-- A match is 64, 67 or 73 bytes long: the pattern is tried on text of those lengths only.
create or replace macro is_sha256(x) as
    strlen(x) in (64, 67, 73)
    and regexp_full_match(x, '[0-9a-f]{64}(\.[A-Za-z0-9_-]{8}|\.(AQ|Ag|Aw|BA|BQ|Bg))?');

-- The 64 hex characters of a hash-like value (NULL when the value is not one), for comparing hashes.
-- A match is 64 to 73 bytes long: the pattern is tried on text of those lengths only.
create or replace macro hash_part(x) as
    case when strlen(x) between 64 and 73
         then nullif(lower(regexp_extract(x, '^([0-9a-fA-F]{64})(\.[A-Za-z0-9_-]{2,8})?$', 1)), '') end;

-- A cookie, IP or user agent that has been hashed (64 hex characters, any case). Stripping only shortens
-- the text, so text under 64 bytes is not one (tested first, before any pattern).
create or replace macro looks_hashed(x) as
    strlen(x) >= 64 and regexp_full_match(strip_appendix(trim(x)), '[0-9a-fA-F]{64}');

-- _fbc / _fbp cookies: fb.<subdomain index>.<creation ms>.<payload>[.<suffix>] (meta_rules §5.2).
-- The payload is segment 4, not "the text after the last dot".
create or replace macro cookie_parts(x) as string_split(x, '.');

create or replace macro cookie_shape_ok(x) as
    len(cookie_parts(x)) in (4, 5)
    and cookie_parts(x)[1] = 'fb'
    and regexp_full_match(cookie_parts(x)[2], '[0-9]+')
    and regexp_full_match(cookie_parts(x)[3], '[0-9]+')
    and cookie_parts(x)[4] <> ''
    and (len(cookie_parts(x)) = 4
         or regexp_full_match(cookie_parts(x)[5], '[A-Za-z0-9_-]{8}|AQ|Ag|Aw|BA|BQ|Bg'));

create or replace macro cookie_payload(x) as
    case when cookie_shape_ok(x) then cookie_parts(x)[4] end;

create or replace macro cookie_ts_digits(x) as
    case when cookie_shape_ok(x) then length(cookie_parts(x)[3]) end;

-- Creation time of a well-formed cookie whose timestamp is in milliseconds (13 digits).
create or replace macro cookie_created(x) as
    case when cookie_ts_digits(x) = 13 then make_timestamptz(cast(cookie_parts(x)[3] as bigint) * 1000) end;

-- Strict formats (meta_rules §5.2): fbc click ids are [A-Za-z0-9_-]; fbp random parts are digits.
create or replace macro fbc_format_ok(x) as
    cookie_shape_ok(x) and regexp_full_match(cookie_parts(x)[4], '[A-Za-z0-9_-]+');

create or replace macro fbp_format_ok(x) as
    regexp_full_match(x, 'fb\.[0-9]+\.[0-9]{13}\.[0-9]+(\.[A-Za-z0-9_-]{8}|\.(AQ|Ag|Aw|BA|BQ|Bg))?');

-- The fbclid query value of a landing URL (after stripping a builder suffix), NULL when absent.
create or replace macro url_fbclid(url) as
    nullif(regexp_extract(strip_appendix(url), '[?&]fbclid=([^&#]*)', 1), '');

-- How a click id differs from the one it should equal: NULL when equal or simply a different click.
create or replace macro click_id_alteration(seen, expected) as
    case
        when seen is null or expected is null or seen = expected then null
        when lower(seen) = lower(expected) then 'differs only in letter case'
        when url_decode(seen) = url_decode(expected) then 'differs only in URL encoding'
        when starts_with(expected, seen) then 'is cut short'
        when starts_with(seen, expected) then 'has extra characters at the end'
        when lower(url_decode(seen)) = lower(url_decode(expected)) then 'differs in letter case and encoding'
    end;

-- Seconds from a to b (timestamps).
create or replace macro seconds_between(a, b) as epoch(b) - epoch(a);

-- A duration in plain words: minutes under two hours, hours under two days, else days.
create or replace macro plain_duration(seconds) as
    case
        when abs(seconds) < 7200 then cast(round(abs(seconds) / 60, 0) as bigint) || ' minutes'
        when abs(seconds) < 172800 then cast(round(abs(seconds) / 3600, 1) as varchar) || ' hours'
        else cast(round(abs(seconds) / 86400, 1) as varchar) || ' days'
    end;

-- A value quoted for a finding's detail, cut to 60 characters.
create or replace macro quoted(x) as
    '''' || case when length(x) > 60 then left(x, 57) || '...' else x end || '''';
