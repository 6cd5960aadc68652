-- Dedup stage 3: every plausible (Pixel copy, CAPI copy) pairing, ranked by how strong it is.
-- tier 1  identical dataset, event_name and event_id within the window: Meta deduplicates
-- tier 2  keys equal only after case-folding the name or trimming the id, within the window
-- tier 3  identical keys more than the window apart, value and customer ids not in conflict
-- tier 4  ids differ or one is missing, same order_id and case-folded name within the window
-- tier 5  ids differ or one is missing, same external_id / em / fbp and case-folded name, within
--         the evidence tolerance (strength: external_id, then em, then fbp)
-- tier 6  identical event_name and event_id within the window, but different datasets
-- Copies whose order_ids differ are never paired by keys: they are different conversions.

-- Customer keys usable as evidence (placeholder hashes of '', 'null', 'undefined' are not evidence).
create or replace table stage_dedup_user_keys as
with placeholders as (
    select unnest(['', sha256(''), sha256('null'), sha256('undefined')]) as key_value
),
exploded as (
    select event_ref, channel, dataset_id, folded_name, window_epoch, 'external_id' as kind,
           unnest(external_id) as key_value
    from stage_dedup_anchors
    union all
    select event_ref, channel, dataset_id, folded_name, window_epoch, 'em' as kind,
           unnest(em) as key_value
    from stage_dedup_anchors
    union all
    select event_ref, channel, dataset_id, folded_name, window_epoch, 'fbp' as kind,
           fbp as key_value
    from stage_dedup_anchors
)
select distinct event_ref, channel, dataset_id, folded_name, window_epoch, kind, key_value
from exploded
where key_value is not null
  and key_value not in (select key_value from placeholders);

create or replace table stage_dedup_candidates as
with pixel as (
    select event_ref, dataset_id, event_name, event_id, folded_name, trimmed_id, has_id, order_id,
           value, currency, external_id, em, fbp, window_epoch, arrival
    from stage_dedup_anchors
    where channel = 'pixel'
),
capi as (
    select event_ref, dataset_id, event_name, event_id, folded_name, trimmed_id, has_id, order_id,
           value, currency, external_id, em, fbp, window_epoch, arrival
    from stage_dedup_anchors
    where channel = 'capi'
),
same_keys as (
    select
        p.event_ref                                        as pixel_ref,
        c.event_ref                                        as capi_ref,
        case
            when coalesce(abs(c.window_epoch - p.window_epoch), 0) <= getvariable('window_hours') * 3600
                then 1
            else 3
        end                                                as tier,
        0                                                  as strength,
        -- beyond the window, the same keys are one conversion unless value or customer disagree
        coalesce(p.value <> c.value, false)
            or coalesce(p.currency <> c.currency, false)
            or coalesce(not list_has_any(p.external_id, c.external_id) and len(p.external_id) > 0
                        and len(c.external_id) > 0, false)
            or coalesce(p.fbp <> c.fbp, false)             as conflicts
    from pixel p
    join capi c
        on c.dataset_id = p.dataset_id and c.event_name = p.event_name and c.event_id = p.event_id
    where p.has_id
      and not coalesce(p.order_id <> c.order_id, false)
),
near_keys as (
    select
        p.event_ref                                        as pixel_ref,
        c.event_ref                                        as capi_ref,
        2                                                  as tier,
        0                                                  as strength
    from pixel p
    join capi c
        on c.dataset_id = p.dataset_id and c.folded_name = p.folded_name and c.trimmed_id = p.trimmed_id
    where not (c.event_name = p.event_name and c.event_id = p.event_id)
      and coalesce(abs(c.window_epoch - p.window_epoch), 0) <= getvariable('window_hours') * 3600
      and not coalesce(p.order_id <> c.order_id, false)
),
same_order as (
    select
        p.event_ref                                        as pixel_ref,
        c.event_ref                                        as capi_ref,
        4                                                  as tier,
        0                                                  as strength
    from pixel p
    join capi c
        on c.dataset_id = p.dataset_id and c.folded_name = p.folded_name and c.order_id = p.order_id
    where not coalesce(c.trimmed_id = p.trimmed_id, false)
      and coalesce(abs(c.window_epoch - p.window_epoch), 0) <= getvariable('window_hours') * 3600
),
same_customer as (
    select
        p.event_ref                                        as pixel_ref,
        c.event_ref                                        as capi_ref,
        5                                                  as tier,
        min(case pk.kind when 'external_id' then 1 when 'em' then 2 else 3 end) as strength
    from stage_dedup_user_keys pk
    join stage_dedup_user_keys ck
        on ck.dataset_id = pk.dataset_id and ck.folded_name = pk.folded_name
        and ck.kind = pk.kind and ck.key_value = pk.key_value
    join pixel p on p.event_ref = pk.event_ref
    join capi c on c.event_ref = ck.event_ref
    where pk.channel = 'pixel'
      and ck.channel = 'capi'
      and abs(ck.window_epoch - pk.window_epoch) <= getvariable('evidence_tolerance_minutes') * 60
      and not coalesce(c.trimmed_id = p.trimmed_id, false)
      and not coalesce(p.order_id <> c.order_id, false)
    group by p.event_ref, c.event_ref
),
other_dataset as (
    select
        p.event_ref                                        as pixel_ref,
        c.event_ref                                        as capi_ref,
        6                                                  as tier,
        0                                                  as strength
    from pixel p
    join capi c
        on c.event_name = p.event_name and c.event_id = p.event_id and c.dataset_id <> p.dataset_id
    where p.has_id
      and coalesce(abs(c.window_epoch - p.window_epoch), 0) <= getvariable('window_hours') * 3600
      and not coalesce(p.order_id <> c.order_id, false)
),
all_candidates as (
    select pixel_ref, capi_ref, tier, strength from same_keys where tier = 1 or not conflicts
    union all
    select pixel_ref, capi_ref, tier, strength from near_keys
    union all
    select pixel_ref, capi_ref, tier, strength from same_order
    union all
    select pixel_ref, capi_ref, tier, strength from same_customer
    union all
    select pixel_ref, capi_ref, tier, strength from other_dataset
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
    abs(coalesce(c.window_epoch - p.window_epoch, 0))     as abs_gap_s,
    p.arrival                                             as pixel_arrival,
    c.arrival                                             as capi_arrival
from strongest s
join stage_dedup_anchors p on p.event_ref = s.pixel_ref
join stage_dedup_anchors c on c.event_ref = s.capi_ref;
