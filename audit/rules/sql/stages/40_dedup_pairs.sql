-- Dedup stage 4: conversions (event_pairs), what Meta would drop, and ids reused across conversions.

-- Copies Meta drops under its rule: another channel's event with the identical dataset, event_name and
-- event_id within the window wins (the browser copy when it arrived no later than
-- browser_preference_minutes after the server copy, else the one received first). So a CAPI copy is
-- dropped when a Pixel event with its keys arrived between `window` before it and `preference` after
-- it; a Pixel copy when a CAPI event arrived between `window` and more than `preference` before it.
-- Computed with running maxima over each key's events in time order (no pairwise join). The key is
-- partitioned by a hash of it first: keys then sort by a number, their text is compared only on a tie.
create or replace temp table stage_dedup_meta_dropped as
with keyed as (
    select event_ref, arrival, channel, hash(dataset_id, event_name, event_id) as key_hash, dataset_id,
           event_name, event_id, window_epoch
    from stage_dedup_events
    where has_id and window_epoch is not null
),
reach as (
    select
        event_ref,
        arrival,
        channel,
        window_epoch,
        max(case when channel = 'pixel' then window_epoch end) over (
            partition by key_hash, dataset_id, event_name, event_id order by window_epoch
            range between unbounded preceding and getvariable('browser_preference_minutes') * 60 following
        )                                                  as last_pixel_in_reach,
        max(case when channel = 'capi' then window_epoch end) over (
            partition by key_hash, dataset_id, event_name, event_id order by window_epoch
            range between unbounded preceding
                and (getvariable('browser_preference_minutes') * 60 + 0.001) preceding
        )                                                  as last_capi_before_preference
    from keyed
)
-- (repeats are listed too: only the anchors' rows are ever looked up, by their arrival number, one per
-- event like the ref)
select event_ref, arrival
from reach
where (channel = 'capi'
       and last_pixel_in_reach >= window_epoch - getvariable('window_hours') * 3600)
   or (channel = 'pixel'
       and last_capi_before_preference >= window_epoch - getvariable('window_hours') * 3600);

-- Each anchor with its matched copy on the other channel (if any) and whether Meta counts it: only
-- narrow tables (the matches, Meta's drops) are joined onto the anchors, which stream through. One
-- channel at a time, each looking its matches up by its own side's ref: the hash table of both
-- channels' matches at once ran out of memory at 1 M events a side under a 200 MB limit. The joins are
-- on arrival numbers (one per event, like the ref, but faster to hash and compare than text).
create or replace temp macro dedup_sides_of(side) as table
select
    a.event_ref,
    a.channel,
    case side when 'pixel' then m.capi_ref else m.pixel_ref end as partner_ref,
    m.rank_key // 10                                       as tier,
    m.rank_key % 10                                        as strength,
    a.dataset_id,
    a.event_name,
    a.event_id,
    a.event_time,
    a.window_time,
    a.window_epoch,
    a.has_id,
    a.value,
    a.currency,
    a.repeats,
    a.arrival,
    d.event_ref is null                                    as counted,
    -- the dedup keys Meta's event coverage compares, kept for matched copies only
    case when partner_ref is not null then a.fbp end       as fbp,
    case when partner_ref is not null then a.external_id end as external_id
from stage_dedup_anchors a
left join stage_dedup_matches m
    on (case side when 'pixel' then m.pixel_arrival else m.capi_arrival end) = a.arrival
left join stage_dedup_meta_dropped d on d.arrival = a.arrival
where a.channel = side;

create or replace temp table stage_dedup_sides as from dedup_sides_of('pixel');
insert into stage_dedup_sides from dedup_sides_of('capi');

-- One row per conversion: matched copies (one join of the two channels' sides) and single-channel copies.
-- Each channel's sides are read straight from the table (not materialized: a CTE of every side with
-- every column spilled 0.4 GB at 1 M events a side under 400 MB).
create or replace temp table stage_dedup_conversions as
with sides as not materialized (
    select
        channel, event_ref, partner_ref, tier, strength, dataset_id, event_name, event_id, event_time,
        window_time, window_epoch, has_id, value, currency, repeats, arrival, counted, fbp, external_id
    from stage_dedup_sides
),
pixel as not materialized (
    select * exclude (channel) from sides where channel = 'pixel'
),
capi as not materialized (
    select * exclude (channel) from sides where channel = 'capi'
),
conversions as (
    select
        p.event_ref                                        as pixel_ref,
        c.event_ref                                        as capi_ref,
        coalesce(p.tier, c.tier, 0)                        as tier,
        coalesce(p.strength, c.strength, 0)                as strength,
        p.dataset_id                                       as p_dataset_id,
        c.dataset_id                                       as c_dataset_id,
        p.event_name                                       as p_event_name,
        c.event_name                                       as c_event_name,
        p.event_id                                         as p_event_id,
        c.event_id                                         as c_event_id,
        p.event_time                                       as p_event_time,
        c.event_time                                       as c_event_time,
        p.window_time                                      as p_window_time,
        c.window_time                                      as c_window_time,
        p.window_epoch                                     as p_window_epoch,
        c.window_epoch                                     as c_window_epoch,
        p.has_id                                           as p_has_id,
        c.has_id                                           as c_has_id,
        p.value                                            as p_value,
        c.value                                            as c_value,
        p.currency                                         as p_currency,
        c.currency                                         as c_currency,
        p.repeats                                          as p_repeats,
        c.repeats                                          as c_repeats,
        p.arrival                                          as p_arrival,
        c.arrival                                          as c_arrival,
        p.counted                                          as p_counted,
        c.counted                                          as c_counted,
        p.dataset_id = c.dataset_id and p.event_name = c.event_name
            and (p.event_id <> '' and p.event_id = c.event_id
                 or p.fbp = c.fbp
                 or list_has_any(p.external_id, c.external_id)) as shares_dedup_key
    from pixel p
    full join capi c on c.event_ref = p.partner_ref
)
select
    case
        when capi_ref is null then pixel_ref
        when pixel_ref is null then capi_ref
        when p_arrival <= c_arrival then pixel_ref
        else capi_ref
    end                                                    as conversion_id,
    coalesce(p_dataset_id, c_dataset_id)                   as dataset_id,
    coalesce(p_event_name, c_event_name)                   as event_name,
    case
        when tier = 0 and pixel_ref is not null then 'pixel_only'
        when tier = 0 then 'capi_only'
        when tier = 1 then 'deduplicated'
        when tier = 2 and p_event_name <> c_event_name then 'event_name_case_mismatch'
        when tier = 2 then 'event_id_whitespace'
        when tier = 3 then 'pair_outside_window'
        when tier in (4, 5) and p_has_id and c_has_id then 'event_id_mismatch'
        when tier in (4, 5) then 'event_id_missing'
        else 'dataset_mismatch'
    end                                                    as pairing,
    case
        when tier = 0 then null
        when tier = 4 then 'order_id'
        when tier = 5 and strength = 1 then 'external_id'
        when tier = 5 and strength = 2 then 'em'
        when tier = 5 then 'fbp'
        else 'event_id'
    end                                                    as matched_by,
    pixel_ref                                              as pixel_event_ref,
    capi_ref                                               as capi_event_ref,
    p_event_name                                           as pixel_event_name,
    c_event_name                                           as capi_event_name,
    p_event_id                                             as pixel_event_id,
    c_event_id                                             as capi_event_id,
    p_window_time                                          as pixel_time,
    c_window_time                                          as capi_time,
    c_window_epoch - p_window_epoch                        as time_gap_seconds,
    pixel_ref is not null and p_counted                    as pixel_counted,
    capi_ref is not null and c_counted                     as capi_counted,
    coalesce(p_repeats, 0)                                 as pixel_repeats,
    coalesce(c_repeats, 0)                                 as capi_repeats,
    least(p_event_time, c_event_time)                      as conversion_time,
    case when c_value is not null then c_value else p_value end       as value,
    case when c_value is not null then c_currency else p_currency end as currency,
    p_has_id                                               as pixel_has_id,
    c_has_id                                               as capi_has_id,
    p_dataset_id                                           as pixel_dataset_id,
    c_dataset_id                                           as capi_dataset_id,
    p_arrival                                              as pixel_arrival,
    c_arrival                                              as capi_arrival,
    coalesce(shares_dedup_key, false)                      as shares_dedup_key
from conversions;

insert into event_pairs (
    conversion_id, dataset_id, event_name, pairing, matched_by, pixel_event_ref, capi_event_ref,
    pixel_event_name, capi_event_name, pixel_event_id, capi_event_id, pixel_time, capi_time,
    time_gap_seconds, meta_dedups, kept_channel, counted_by_meta, pixel_repeats, capi_repeats,
    conversion_time, day, value, currency
)
select
    conversion_id,
    dataset_id,
    event_name,
    pairing,
    matched_by,
    pixel_event_ref,
    capi_event_ref,
    pixel_event_name,
    capi_event_name,
    pixel_event_id,
    capi_event_id,
    pixel_time,
    capi_time,
    time_gap_seconds,
    cast(pixel_counted as integer) + cast(capi_counted as integer) = 1     as meta_dedups,
    case
        when pairing = 'deduplicated' and pixel_counted then 'pixel'
        when pairing = 'deduplicated' and capi_counted then 'capi'
    end                                                    as kept_channel,
    cast(pixel_counted as integer) + cast(capi_counted as integer)         as counted_by_meta,
    pixel_repeats,
    capi_repeats,
    conversion_time,
    cast(timezone('UTC', conversion_time) as date)         as day,
    value,
    currency
from stage_dedup_conversions;

-- Conversions whose Pixel copy shares a dedup key with its CAPI copy (identical dataset and event_name,
-- and the same event_id, fbp or external_id: what Meta's event coverage counts), for dedup_daily. The
-- audit keeps only this narrow list; the wide stage_dedup_conversions above is an intermediate
-- (event_pairs has everything else the metrics read).
create or replace table stage_dedup_key_shared as
select conversion_id
from stage_dedup_conversions
where shares_dedup_key;

-- Ids reused by different conversions: per key, conversions in arrival order; every send of the second
-- and later conversions is reported against the first conversion's copy (same channel when it has one).
-- Keys carried by one conversion only are set aside first, grouping on a hash of the key (a collision
-- only lets an extra key through to the exact steps below) and telling conversions apart by the arrival
-- number of their first copy (one per conversion, like its id, but a number compares faster than text).
create or replace temp table stage_dedup_reused as
with keyed_anchors as not materialized (
    select conversion_id, pixel_event_ref as copy_ref, 'pixel' as channel, pixel_dataset_id as dataset_id,
           pixel_event_name as event_name, pixel_event_id as event_id, pixel_arrival as arrival,
           least(pixel_arrival, capi_arrival) as conversion_arrival
    from stage_dedup_conversions
    where pixel_has_id
    union all
    select conversion_id, capi_event_ref as copy_ref, 'capi' as channel, capi_dataset_id as dataset_id,
           capi_event_name as event_name, capi_event_id as event_id, capi_arrival as arrival,
           least(pixel_arrival, capi_arrival) as conversion_arrival
    from stage_dedup_conversions
    where capi_has_id
),
hashed as (
    select conversion_arrival, hash(dataset_id, event_name, event_id) as key_hash
    from keyed_anchors
),
shared_keys as (
    select key_hash
    from hashed
    group by key_hash
    having min(conversion_arrival) <> max(conversion_arrival)
),
keyed_copies as (
    select conversion_id, copy_ref, channel, dataset_id, event_name, event_id, arrival
    from keyed_anchors
    where hash(dataset_id, event_name, event_id) in (select key_hash from shared_keys)
),
per_conversion as (
    select dataset_id, event_name, event_id, conversion_id, min(arrival) as first_arrival
    from keyed_copies
    group by dataset_id, event_name, event_id, conversion_id
),
ranked as (
    select dataset_id, event_name, event_id, conversion_id,
           row_number() over (
               partition by dataset_id, event_name, event_id order by first_arrival
           )                                               as conversion_rank
    from per_conversion
),
first_copies as (
    select kc.dataset_id, kc.event_name, kc.event_id, kc.channel, kc.copy_ref, kc.arrival
    from keyed_copies kc
    join ranked r
        on r.conversion_id = kc.conversion_id and r.dataset_id = kc.dataset_id
        and r.event_name = kc.event_name and r.event_id = kc.event_id
    where r.conversion_rank = 1
),
later_copies as (
    select kc.dataset_id, kc.event_name, kc.event_id, kc.channel, kc.copy_ref, r.conversion_rank
    from keyed_copies kc
    join ranked r
        on r.conversion_id = kc.conversion_id and r.dataset_id = kc.dataset_id
        and r.event_name = kc.event_name and r.event_id = kc.event_id
    where r.conversion_rank > 1
),
paired as (
    select
        l.copy_ref,
        l.channel,
        l.event_id,
        l.conversion_rank,
        coalesce(
            max(case when f.channel = l.channel then f.copy_ref end),
            min(f.copy_ref)
        )                                                  as first_ref
    from later_copies l
    join first_copies f
        on f.dataset_id = l.dataset_id and f.event_name = l.event_name and f.event_id = l.event_id
    group by l.copy_ref, l.channel, l.event_id, l.conversion_rank
)
select s.event_ref, p.first_ref, p.event_id, p.conversion_rank
from paired p
join stage_dedup_copies s on s.copy_ref = p.copy_ref;
