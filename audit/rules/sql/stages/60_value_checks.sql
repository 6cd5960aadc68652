-- Match-quality stage 3: every customer-information value checked once. Rules and coverage read this table,
-- so "valid" means the same everywhere (analysts: the value_checks view gives the same rows). Values
-- carrying a decodable builder suffix are judged without it.
-- Checks of the value alone run once per distinct value; only fbc timing and the landing-page click id
-- depend on the event.
-- The per-value checks are done first (their memory freed), then joined to every value sent: in one join
-- when the audit's intermediates fit in memory (variable value_checks_one_join, set by the engine from
-- the same estimate that places them: audit/rules/scratch.py), else in three parts by parameter. One
-- join of all 150 M values of a 20 M-a-side audit ran out of memory under a 4 GB limit
-- (benchmarks/run_stage.py on that workspace); in three parts it passes. One join reads the events once
-- instead of three times. Each part joins the facts of its own parameters only (a hash table of every
-- distinct value's facts ran out of memory at 1 M events a side under a 200 MB limit).
create or replace table stage_mq_value_facts as
with distinct_values as (
    -- the distinct values of each field, read column by column (the same set as the distinct kind,
    -- parameter, part and value of mq_values_sent(), without unnesting every event's 15 fields)
    select 'hashed' as kind, 'em' as parameter, 0 as part, v as value
    from (select distinct unnest(em) as v from events)
    union all
    select 'hashed', 'ph', 0, v from (select distinct unnest(ph) as v from events)
    union all
    select 'hashed', 'fn', 0, v from (select distinct unnest(fn) as v from events)
    union all
    select 'hashed', 'ln', 0, v from (select distinct unnest(ln) as v from events)
    union all
    select 'hashed', 'ge', 0, v from (select distinct unnest(ge) as v from events)
    union all
    select 'hashed', 'db', 0, v from (select distinct unnest(db) as v from events)
    union all
    select 'hashed', 'ct', 0, v from (select distinct unnest(ct) as v from events)
    union all
    select 'hashed', 'st', 0, v from (select distinct unnest(st) as v from events)
    union all
    select 'hashed', 'zp', 0, v from (select distinct unnest(zp) as v from events)
    union all
    select 'hashed', 'country', 0, v from (select distinct unnest(country) as v from events)
    union all
    select 'external_id', 'external_id', 1, v from (select distinct unnest(external_id) as v from events)
    union all
    select 'fbc', 'fbc', 1, fbc from events group by fbc
    union all
    select 'fbp', 'fbp', 1, fbp from events group by fbp
    union all
    select 'ip', 'client_ip_address', 2, client_ip_address from events group by client_ip_address
    union all
    select 'ua', 'client_user_agent', 2, client_user_agent from events group by client_user_agent
),
facts as (
    -- what depends on the value alone, worked out once per distinct value (values repeat across events)
    select
        kind,
        parameter,
        part,
        value,
        strip_appendix(trim(value))                                   as stripped,
        trim(value) = ''                                              as is_empty,
        hash_part(value)                                              as hash,
        is_sha256(value)                                              as sha256_ok
    from distinct_values
    where value is not null
),
value_checks as (
    select
        f.kind,
        f.parameter,
        f.part,
        f.value,
        f.stripped,
        f.is_empty,
        case
            when f.kind <> 'hashed' or f.is_empty or f.sha256_ok then null
            when f.hash is not null then 'upper-case hex (hashed outside Meta''s libraries)'
            when regexp_full_match(f.stripped, '[0-9a-fA-F]{32}') then 'an MD5 hash, not SHA-256'
            when regexp_full_match(f.stripped, '[0-9a-fA-F]+') then
                'a ' || length(f.stripped) || '-character hex value, not a 64-character SHA-256'
            else 'not a SHA-256 hash'
        end                                                           as hash_issue,
        case when f.kind in ('hashed', 'external_id') and not f.is_empty
             then coalesce(p.word, w.word) end                        as placeholder,
        f.kind in ('fbc', 'fbp', 'ip', 'ua') and not f.is_empty and looks_hashed(f.value) as identifier_hashed,
        case when f.kind = 'fbc' then cookie_shape_ok(f.stripped) end as cookie_shape_ok,
        case when f.kind = 'fbc' then fbc_format_ok(f.stripped) end   as fbc_format_ok,
        case when f.kind = 'fbc' then cookie_ts_digits(f.stripped) end as cookie_ts_digits,
        case when f.kind = 'fbc' then cookie_created(f.stripped) end  as cookie_created,
        case when f.kind = 'fbc' then cookie_payload(f.stripped) end  as click_id,
        case when f.kind = 'fbp' then fbp_format_ok(f.stripped) end   as fbp_ok,
        ip.ip_version,
        ip.ip_class,
        ua.family                                                     as ua_family,
        ua.kind                                                       as ua_kind,
        (f.parameter <> 'ge' or f.hash in (select hash from stage_mq_gender_hashes))
            and (f.parameter <> 'country' or f.hash in (select hash from stage_mq_country_hashes))
                                                                      as hash_in_domain
    from facts as f
    left join stage_mq_placeholders as p
        on f.kind in ('hashed', 'external_id') and p.hash = f.hash
    left join stage_mq_placeholders as w
        on f.kind = 'external_id' and w.word <> '' and w.word = lower(f.stripped)
    left join stage_mq_ip_classes as ip
        on f.kind = 'ip' and ip.client_ip_address = f.value
    left join stage_mq_user_agents as ua
        on f.kind = 'ua' and ua.client_user_agent = f.value
)
from value_checks;

-- The value checks of the values sent (value_part NULL: every part, for the value_checks view). A persistent
-- macro: the workspace's value_checks view (audit/rules/sql/value_checks_view.sql) calls it with the
-- audit's fbc settings, which a new connection has no variables for.
create or replace macro mq_value_rows(
    value_part, value_slice := null, clock_skew_minutes := null, fbc_max_age_days := null
) as table
with values_sent as (
    select event_ref, channel, event_time, parameter, kind, value, hashed_on_load, url_click_id
    from mq_values_sent()
    -- one join: part 0's statement takes every value and parts 1 and 2 select nothing
    where (value_part is null or case when coalesce(getvariable('value_checks_one_join'), false)
                                      then value_part = 0 else part = value_part end)
      -- value_slice k: the part's values whose hash (of the value sent) is k modulo the variable
      -- value_check_slices (2 when not set); NULL: all of them. The hash test alone selects nothing past
      -- the last slice; the comparison before it lets the planner see that and read no events at all.
      and (value_slice is null
           or value_slice < coalesce(getvariable('value_check_slices'), 2)
              and hash(event_ref, parameter, value) % coalesce(getvariable('value_check_slices'), 2) = value_slice)
),
facts as (
    -- the facts of the same values (the same condition, on the facts' part), for the audit's narrow
    -- stage_mq_value_checks with value_id, the facts' row, and value_key, the value as the channels' values
    -- are compared (a 64-bit hash of its SHA-256 part, else of its text without a builder suffix); value_ok:
    -- the value alone is usable for matching (what `valid` asks of the value, whoever sent it)
    select
        rowid                                                         as value_id,
        hash(coalesce(hash_part(value), stripped))                    as value_key,
        *,
        not is_empty and not identifier_hashed and placeholder is null and case kind
            when 'hashed' then hash_issue is null and hash_in_domain
            when 'external_id' then true
            when 'fbc' then fbc_format_ok and cookie_ts_digits = 13
            when 'fbp' then fbp_ok
            when 'ip' then ip_class = 'public'
            when 'ua' then ua_kind = 'browser'
        end                                                           as value_ok
    from stage_mq_value_facts
    where (value_part is null or case when coalesce(getvariable('value_checks_one_join'), false)
                                      then value_part = 0 else part = value_part end)
),
checked as (
    select
        c.value_id,
        c.value_key,
        v.event_ref,
        v.channel,
        v.event_time,
        v.parameter,
        v.kind,
        v.value,
        c.stripped,
        c.is_empty,
        v.hashed_on_load,
        case when not v.hashed_on_load then c.hash_issue end          as hash_issue,
        c.placeholder,
        c.identifier_hashed,
        c.cookie_shape_ok,
        c.fbc_format_ok,
        c.cookie_ts_digits,
        c.cookie_created,
        c.click_id,
        v.url_click_id,
        click_id_alteration(c.click_id, v.url_click_id)               as url_click_id_alteration,
        coalesce(
            c.cookie_created > v.event_time
                + to_minutes(cast(coalesce(clock_skew_minutes, getvariable('clock_skew_minutes')) as bigint)),
            false
        )                                                             as fbc_after_event,
        coalesce(
            v.event_time - c.cookie_created
                > to_days(cast(coalesce(fbc_max_age_days, getvariable('fbc_max_age_days')) as integer)),
            false
        )                                                             as fbc_stale,
        c.fbp_ok,
        c.ip_version,
        c.ip_class,
        c.ua_family,
        c.ua_kind,
        c.value_ok
    from values_sent as v
    join facts as c on c.kind = v.kind and c.parameter = v.parameter and c.value = v.value
)
select
    c.* exclude (value_ok),
    -- the value is usable for matching as this event sent it (event-level checks such as a shared IP come
    -- later): usable on its own, not hashed by the loader, and an fbc neither dated after the event, nor
    -- stale, nor with a click id altered from the page address's
    coalesce(c.value_ok and case c.kind
        when 'hashed' then not c.hashed_on_load
        when 'fbc' then not c.fbc_after_event and not c.fbc_stale and c.url_click_id_alteration is null
        else true
    end, false)                                                       as valid
from checked as c;

-- each parameter in the part 55_values.sql gives it, or all in the first statement when one join fits
-- (the same rows either way). Part 2 (IP addresses and user agents, the longest values) in slices, at
-- least two: in one statement it ran out of memory at 1 M events a side under 200 MB, and in two at 50 M a
-- side under 4 GB. The engine sets value_check_slices from the events per GB of memory limit
-- (audit/rules/engine.py, set_join_parts); the statements past the last slice select nothing.
-- An intermediate, one row per value sent (writing its 28 columns to the workspace file was most of this
-- stage's time); the workspace keeps the per-value facts and the value_checks view instead. Its rows keep
-- the 13 columns that depend on the event and leave out what depends on the value alone (its text, cookie
-- parts, IP class, user-agent kind...: the same for every event sending it), which was most of the table's
-- bytes; rules read those from stage_mq_value_facts by value_id (10 M a side: 132 s instead of 157 s).
create or replace temp macro mq_value_check_rows(value_part, value_slice := null) as table
select
    value_id, value_key, event_ref, channel, event_time, parameter, kind, is_empty, hash_issue,
    url_click_id_alteration, fbc_after_event, fbc_stale, valid
from mq_value_rows(value_part, value_slice := value_slice);

create or replace temp table stage_mq_value_checks as from mq_value_check_rows(0);
insert into stage_mq_value_checks from mq_value_check_rows(1);
insert into stage_mq_value_checks from mq_value_check_rows(2, value_slice := 0);
insert into stage_mq_value_checks from mq_value_check_rows(2, value_slice := 1);
insert into stage_mq_value_checks from mq_value_check_rows(2, value_slice := 2);
insert into stage_mq_value_checks from mq_value_check_rows(2, value_slice := 3);
insert into stage_mq_value_checks from mq_value_check_rows(2, value_slice := 4);
insert into stage_mq_value_checks from mq_value_check_rows(2, value_slice := 5);
insert into stage_mq_value_checks from mq_value_check_rows(2, value_slice := 6);
insert into stage_mq_value_checks from mq_value_check_rows(2, value_slice := 7);
