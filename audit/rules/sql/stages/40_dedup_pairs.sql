-- Dedup stage 4: conversions (event_pairs), what Meta would drop, and ids reused across conversions.

-- Copies Meta drops under its rule: another channel's event with the identical dataset, event_name and
-- event_id within the window wins (the browser copy when it arrived no later than
-- browser_preference_minutes after the server copy, else the one received first). So a CAPI copy is
-- dropped when a Pixel event with its keys arrived between `window` before it and `preference` after
-- it; a Pixel copy when a CAPI event arrived between `window` and more than `preference` before it.
-- Computed with running maxima over each key's events in time order (no pairwise join).
create or replace table stage_dedup_meta_dropped as
with keyed as (
    select event_ref, channel, dataset_id, event_name, event_id, window_epoch
    from stage_dedup_events
    where has_id and window_epoch is not null
),
reach as (
    select
        event_ref,
        channel,
        window_epoch,
        max(case when channel = 'pixel' then window_epoch end) over (
            partition by dataset_id, event_name, event_id order by window_epoch
            range between unbounded preceding and getvariable('browser_preference_minutes') * 60 following
        )                                                  as last_pixel_in_reach,
        max(case when channel = 'capi' then window_epoch end) over (
            partition by dataset_id, event_name, event_id order by window_epoch
            range between unbounded preceding
                and (getvariable('browser_preference_minutes') * 60 + 0.001) preceding
        )                                                  as last_capi_before_preference
    from keyed
)
select r.event_ref
from reach r
join stage_dedup_anchors a on a.event_ref = r.event_ref
where (r.channel = 'capi'
       and r.last_pixel_in_reach >= r.window_epoch - getvariable('window_hours') * 3600)
   or (r.channel = 'pixel'
       and r.last_capi_before_preference >= r.window_epoch - getvariable('window_hours') * 3600);

-- One row per conversion: matched copies and single-channel copies.
create or replace table stage_dedup_conversions as
with matched as (
    select pixel_ref, capi_ref, rank_key // 10 as tier, rank_key % 10 as strength
    from stage_dedup_matches
),
singles as (
    select
        case when a.channel = 'pixel' then a.event_ref end as pixel_ref,
        case when a.channel = 'capi' then a.event_ref end  as capi_ref,
        0                                                  as tier,
        0                                                  as strength
    from stage_dedup_anchors a
    where not exists (select 1 from stage_dedup_matches m where m.pixel_ref = a.event_ref)
      and not exists (select 1 from stage_dedup_matches m where m.capi_ref = a.event_ref)
),
conversions as (
    select pixel_ref, capi_ref, tier, strength from matched
    union all
    select pixel_ref, capi_ref, tier, strength from singles
)
select
    case
        when c.event_ref is null then p.event_ref
        when p.event_ref is null then c.event_ref
        when p.arrival <= c.arrival then p.event_ref
        else c.event_ref
    end                                                    as conversion_id,
    coalesce(p.dataset_id, c.dataset_id)                   as dataset_id,
    coalesce(p.event_name, c.event_name)                   as event_name,
    case
        when v.tier = 0 and p.event_ref is not null then 'pixel_only'
        when v.tier = 0 then 'capi_only'
        when v.tier = 1 then 'deduplicated'
        when v.tier = 2 and p.event_name <> c.event_name then 'event_name_case_mismatch'
        when v.tier = 2 then 'event_id_whitespace'
        when v.tier = 3 then 'pair_outside_window'
        when v.tier in (4, 5) and p.has_id and c.has_id then 'event_id_mismatch'
        when v.tier in (4, 5) then 'event_id_missing'
        else 'dataset_mismatch'
    end                                                    as pairing,
    case
        when v.tier = 0 then null
        when v.tier = 4 then 'order_id'
        when v.tier = 5 and v.strength = 1 then 'external_id'
        when v.tier = 5 and v.strength = 2 then 'em'
        when v.tier = 5 then 'fbp'
        else 'event_id'
    end                                                    as matched_by,
    p.event_ref                                            as pixel_event_ref,
    c.event_ref                                            as capi_event_ref,
    p.event_name                                           as pixel_event_name,
    c.event_name                                           as capi_event_name,
    p.event_id                                             as pixel_event_id,
    c.event_id                                             as capi_event_id,
    p.window_time                                          as pixel_time,
    c.window_time                                          as capi_time,
    c.window_epoch - p.window_epoch                        as time_gap_seconds,
    p.event_ref is not null and pd.event_ref is null       as pixel_counted,
    c.event_ref is not null and cd.event_ref is null       as capi_counted,
    coalesce(p.repeats, 0)                                 as pixel_repeats,
    coalesce(c.repeats, 0)                                 as capi_repeats,
    least(p.event_time, c.event_time)                      as conversion_time,
    case when c.value is not null then c.value else p.value end       as value,
    case when c.value is not null then c.currency else p.currency end as currency,
    p.has_id                                               as pixel_has_id,
    c.has_id                                               as capi_has_id,
    p.dataset_id                                           as pixel_dataset_id,
    c.dataset_id                                           as capi_dataset_id
from conversions v
left join stage_dedup_anchors p on p.event_ref = v.pixel_ref
left join stage_dedup_anchors c on c.event_ref = v.capi_ref
left join stage_dedup_meta_dropped pd on pd.event_ref = v.pixel_ref
left join stage_dedup_meta_dropped cd on cd.event_ref = v.capi_ref;

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

-- Every production event (repeats included) and the conversion it belongs to.
create or replace table stage_dedup_conversion_events as
with copies as (
    select conversion_id, pixel_event_ref as copy_ref from stage_dedup_conversions
    where pixel_event_ref is not null
    union all
    select conversion_id, capi_event_ref as copy_ref from stage_dedup_conversions
    where capi_event_ref is not null
)
select s.event_ref, s.copy_ref, s.is_repeat, k.conversion_id
from stage_dedup_copies s
join copies k on k.copy_ref = s.copy_ref;

-- Ids reused by different conversions: per key, conversions in arrival order; every send of the second
-- and later conversions is reported against the first conversion's copy (same channel when it has one).
create or replace table stage_dedup_reused as
with keyed_copies as (
    select k.conversion_id, a.event_ref as copy_ref, a.channel, a.dataset_id, a.event_name, a.event_id,
           a.arrival
    from stage_dedup_conversion_events k
    join stage_dedup_anchors a on a.event_ref = k.event_ref
    where a.has_id
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
