-- Dedup stage 3: every plausible (Pixel copy, CAPI copy) pairing, ranked by how strong it is.
-- tier 1  identical dataset, event_name and event_id within the window: Meta deduplicates
-- tier 2  keys equal only after case-folding the name or trimming the id, within the window
-- tier 3  identical keys more than the window apart, value and customer ids not in conflict
-- tier 4  ids differ or one is missing, same order_id and case-folded name within the window
-- tier 5  ids differ or one is missing, same external_id / em / fbp and case-folded name, within
--         the evidence tolerance (strength: external_id, then em, then fbp)
-- tier 6  identical event_name and event_id within the window, but different datasets
-- Copies whose order_ids differ are never paired by keys: they are different conversions.
-- An id or order_id carried by more than 50 copies (a constant such as 'undefined') only pairs copies
-- within the evidence tolerance of each other: the join stays linear instead of quadratic.

-- Customer keys usable as evidence (placeholder hashes of '', 'null', 'undefined' are not evidence).
-- One row per anchor and distinct key: anchors are unique by event_ref and their lists are made
-- distinct first, so no DISTINCT over all rows is needed (it ran out of memory at 10 M events a side).
create or replace temp table stage_dedup_user_keys as
with placeholders as (
    select unnest(['', sha256(''), sha256('null'), sha256('undefined')]) as key_value
),
exploded as (
    select event_ref, channel, dataset_id, folded_name, window_epoch, 'external_id' as kind,
           unnest(list_distinct(external_id)) as key_value
    from stage_dedup_anchors
    union all
    select event_ref, channel, dataset_id, folded_name, window_epoch, 'em' as kind,
           unnest(list_distinct(em)) as key_value
    from stage_dedup_anchors
    union all
    select event_ref, channel, dataset_id, folded_name, window_epoch, 'fbp' as kind,
           fbp as key_value
    from stage_dedup_anchors
)
select event_ref, channel, dataset_id, folded_name, window_epoch, kind, key_value
from exploded
where key_value is not null
  and window_epoch is not null
  and key_value not in (select key_value from placeholders);

create or replace temp table stage_dedup_candidates as
with settings as (
    select
        getvariable('window_hours') * 3600                             as window_s,
        greatest(getvariable('evidence_tolerance_minutes') * 60, 1)    as band_s
),
id_load as (
    select trimmed_id, count(*) > 50 as hot
    from stage_dedup_anchors
    where trimmed_id is not null
    group by trimmed_id
),
order_load as (
    select order_id, count(*) > 50 as hot
    from stage_dedup_anchors
    where order_id is not null
    group by order_id
),
copies as (
    select
        a.event_ref, a.channel, a.dataset_id, a.event_name, a.event_id, a.folded_name, a.trimmed_id,
        a.has_id, a.order_id, a.value, a.currency, a.external_id, a.fbp, a.window_epoch, a.arrival,
        coalesce(i.hot, false)                                         as id_hot,
        coalesce(o.hot, false)                                         as order_hot,
        floor(a.window_epoch / s.band_s)                               as bucket
    from stage_dedup_anchors a
    cross join settings s
    left join id_load i on i.trimmed_id = a.trimmed_id
    left join order_load o on o.order_id = a.order_id
),
pixel as (
    select * exclude (channel) from copies where channel = 'pixel'
),
capi as (
    select * exclude (channel) from copies where channel = 'capi'
),
-- CAPI copies under each neighbouring time bucket, for the banded joins
capi_banded as (
    select event_ref, dataset_id, folded_name, trimmed_id, order_id, window_epoch,
           unnest([bucket - 1, bucket, bucket + 1])                    as near_bucket
    from capi
),
-- pairs whose ids are equal after trimming (any dataset, any name)
id_pairs as (
    select p.event_ref as pixel_ref, c.event_ref as capi_ref
    from pixel p
    join capi c on c.trimmed_id = p.trimmed_id
    where not p.id_hot
    union all
    select p.event_ref as pixel_ref, c.event_ref as capi_ref
    from pixel p
    join capi_banded c on c.trimmed_id = p.trimmed_id and c.near_bucket = p.bucket
    cross join settings s
    where p.id_hot
      and abs(c.window_epoch - p.window_epoch) <= s.band_s
),
id_pair_facts as (
    select
        k.pixel_ref,
        k.capi_ref,
        p.dataset_id = c.dataset_id                                    as same_dataset,
        p.event_name = c.event_name and p.event_id = c.event_id        as same_keys,
        p.folded_name = c.folded_name                                  as same_folded_name,
        coalesce(abs(c.window_epoch - p.window_epoch), 0) <= s.window_s as in_window,
        coalesce(p.order_id <> c.order_id, false)                      as order_conflict,
        coalesce(p.value <> c.value, false)
            or coalesce(p.currency <> c.currency, false)
            or coalesce(not list_has_any(p.external_id, c.external_id)
                        and len(p.external_id) > 0 and len(c.external_id) > 0, false)
            or coalesce(p.fbp <> c.fbp, false)                         as other_conflict
    from id_pairs k
    join pixel p on p.event_ref = k.pixel_ref
    join capi c on c.event_ref = k.capi_ref
    cross join settings s
),
key_tiers as (
    select
        pixel_ref,
        capi_ref,
        case
            when same_dataset and same_keys and in_window then 1
            when same_dataset and same_folded_name and not same_keys and in_window then 2
            when same_dataset and same_keys and not other_conflict then 3
            when not same_dataset and same_keys and in_window then 6
        end                                                            as tier
    from id_pair_facts
    where not order_conflict
),
same_order as (
    select p.event_ref as pixel_ref, c.event_ref as capi_ref
    from pixel p
    join capi c
        on c.dataset_id = p.dataset_id and c.folded_name = p.folded_name and c.order_id = p.order_id
    cross join settings s
    where not p.order_hot
      and not coalesce(c.trimmed_id = p.trimmed_id, false)
      and coalesce(abs(c.window_epoch - p.window_epoch), 0) <= s.window_s
    union all
    select p.event_ref as pixel_ref, c.event_ref as capi_ref
    from pixel p
    join capi_banded c
        on c.dataset_id = p.dataset_id and c.folded_name = p.folded_name and c.order_id = p.order_id
        and c.near_bucket = p.bucket
    cross join settings s
    where p.order_hot
      and not coalesce(c.trimmed_id = p.trimmed_id, false)
      and abs(c.window_epoch - p.window_epoch) <= s.band_s
),
user_keys_banded as (
    select event_ref, dataset_id, folded_name, kind, key_value, window_epoch,
           unnest([floor(window_epoch / s.band_s) - 1, floor(window_epoch / s.band_s),
                   floor(window_epoch / s.band_s) + 1])                as near_bucket
    from stage_dedup_user_keys
    cross join settings s
    where channel = 'capi'
),
same_customer as (
    select
        p.event_ref                                                    as pixel_ref,
        c.event_ref                                                    as capi_ref,
        min(case pk.kind when 'external_id' then 1 when 'em' then 2 else 3 end) as strength
    from stage_dedup_user_keys pk
    cross join settings s
    join user_keys_banded ck
        on ck.dataset_id = pk.dataset_id and ck.folded_name = pk.folded_name
        and ck.kind = pk.kind and ck.key_value = pk.key_value
        and ck.near_bucket = floor(pk.window_epoch / s.band_s)
    join pixel p on p.event_ref = pk.event_ref
    join capi c on c.event_ref = ck.event_ref
    where pk.channel = 'pixel'
      and abs(ck.window_epoch - pk.window_epoch) <= getvariable('evidence_tolerance_minutes') * 60
      and not coalesce(c.trimmed_id = p.trimmed_id, false)
      and not coalesce(p.order_id <> c.order_id, false)
    group by p.event_ref, c.event_ref
),
all_candidates as (
    select pixel_ref, capi_ref, tier, 0 as strength from key_tiers where tier is not null
    union all
    select pixel_ref, capi_ref, 4 as tier, 0 as strength from same_order
    union all
    select pixel_ref, capi_ref, 5 as tier, strength from same_customer
),
strongest as (
    select pixel_ref, capi_ref, min(tier * 10 + strength) as rank_key
    from all_candidates
    group by pixel_ref, capi_ref
)
select
    s.pixel_ref,
    s.capi_ref,
    s.rank_key,
    abs(coalesce(c.window_epoch - p.window_epoch, 0))                  as abs_gap_s,
    p.arrival                                                          as pixel_arrival,
    c.arrival                                                          as capi_arrival
from strongest s
join stage_dedup_anchors p on p.event_ref = s.pixel_ref
join stage_dedup_anchors c on c.event_ref = s.capi_ref;
