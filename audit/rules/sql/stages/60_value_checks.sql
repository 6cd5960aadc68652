-- Match-quality stage 3: every customer-information value checked once. Rules and coverage read this table,
-- so "valid" means the same everywhere. Values carrying a decodable builder suffix are judged without it.
create or replace table stage_mq_value_checks as
with base as (
    select
        v.value_id,
        v.event_ref,
        e.channel,
        e.event_time,
        e.event_source_url,
        v.parameter,
        v.kind,
        v.value,
        strip_appendix(trim(v.value))                                 as stripped,
        trim(v.value) = ''                                            as is_empty,
        coalesce(list_contains(e.pii_hashed_on_load, v.parameter), false) as hashed_on_load
    from stage_mq_values as v
    join events as e on e.event_ref = v.event_ref
),
placeholders as (
    select
        b.value_id,
        coalesce(p.word, w.word)                                      as placeholder
    from base as b
    left join stage_mq_placeholders as p
        on p.hash = hash_part(b.value)
    left join stage_mq_placeholders as w
        on b.kind = 'external_id' and w.word <> '' and w.word = lower(b.stripped)
    where b.kind in ('hashed', 'external_id') and not b.is_empty
),
checked as (
    select
        b.value_id,
        b.event_ref,
        b.channel,
        b.event_time,
        b.parameter,
        b.kind,
        b.value,
        b.stripped,
        b.is_empty,
        b.hashed_on_load,
        case
            when b.kind <> 'hashed' or b.is_empty or b.hashed_on_load or is_sha256(b.value) then null
            when hash_part(b.value) is not null then 'upper-case hex (hashed outside Meta''s libraries)'
            when regexp_full_match(b.stripped, '[0-9a-fA-F]{32}') then 'an MD5 hash, not SHA-256'
            when regexp_full_match(b.stripped, '[0-9a-fA-F]+') then
                'a ' || length(b.stripped) || '-character hex value, not a 64-character SHA-256'
            else 'not a SHA-256 hash'
        end                                                           as hash_issue,
        p.placeholder,
        b.kind in ('fbc', 'fbp', 'ip', 'ua') and not b.is_empty and looks_hashed(b.value) as identifier_hashed,
        case when b.kind = 'fbc' then cookie_shape_ok(b.stripped) end as cookie_shape_ok,
        case when b.kind = 'fbc' then fbc_format_ok(b.stripped) end   as fbc_format_ok,
        case when b.kind = 'fbc' then cookie_ts_digits(b.stripped) end as cookie_ts_digits,
        case when b.kind = 'fbc' then cookie_created(b.stripped) end  as cookie_created,
        case when b.kind = 'fbc' then cookie_payload(b.stripped) end  as click_id,
        case when b.kind = 'fbc' then url_fbclid(b.event_source_url) end as url_click_id,
        case when b.kind = 'fbp' then fbp_format_ok(b.stripped) end   as fbp_ok,
        ip.ip_version,
        ip.ip_class,
        ua.family                                                     as ua_family,
        ua.kind                                                       as ua_kind
    from base as b
    left join placeholders as p on p.value_id = b.value_id
    left join stage_mq_ip_classes as ip
        on b.kind = 'ip' and ip.client_ip_address = b.value
    left join stage_mq_user_agents as ua
        on b.kind = 'ua' and ua.client_user_agent = b.value
),
fbc_times as (
    select
        value_id,
        click_id_alteration(click_id, url_click_id)                   as url_click_id_alteration,
        coalesce(
            cookie_created > event_time + to_minutes(cast(getvariable('clock_skew_minutes') as bigint)),
            false
        )                                                             as fbc_after_event,
        coalesce(
            event_time - cookie_created > to_days(cast(getvariable('fbc_max_age_days') as integer)),
            false
        )                                                             as fbc_stale
    from checked
)
select
    c.value_id,
    c.event_ref,
    c.channel,
    c.event_time,
    c.parameter,
    c.kind,
    c.value,
    c.stripped,
    c.is_empty,
    c.hashed_on_load,
    c.hash_issue,
    c.placeholder,
    c.identifier_hashed,
    c.cookie_shape_ok,
    c.fbc_format_ok,
    c.cookie_ts_digits,
    c.cookie_created,
    c.click_id,
    c.url_click_id,
    t.url_click_id_alteration,
    t.fbc_after_event,
    t.fbc_stale,
    c.fbp_ok,
    c.ip_version,
    c.ip_class,
    c.ua_family,
    c.ua_kind,
    -- the value on its own is usable for matching (event-level checks such as a shared IP come later)
    coalesce(not c.is_empty and not c.identifier_hashed and c.placeholder is null and case c.kind
        when 'hashed' then not c.hashed_on_load and c.hash_issue is null
            and (c.parameter <> 'ge' or hash_part(c.value) in (select hash from stage_mq_gender_hashes))
            and (c.parameter <> 'country' or hash_part(c.value) in (select hash from stage_mq_country_hashes))
        when 'external_id' then true
        when 'fbc' then c.fbc_format_ok and c.cookie_ts_digits = 13
            and not t.fbc_after_event and not t.fbc_stale and t.url_click_id_alteration is null
        when 'fbp' then c.fbp_ok
        when 'ip' then c.ip_class = 'public'
        when 'ua' then c.ua_kind = 'browser'
    end, false)                                                       as valid
from checked as c
join fbc_times as t on t.value_id = c.value_id;
