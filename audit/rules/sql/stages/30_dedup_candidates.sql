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

-- Only the columns each join needs are read: the anchors are a table, so every step below scans just
-- its columns (no CTE holding every anchor with every column is materialized: at 1 M events a side
-- under 400 MB that alone spilled 1.7 GB), and the wide columns are joined back late, onto the pairs.
-- Pairs are carried, grouped and joined back by the copies' arrival numbers (one per event, like the
-- ref, but a number hashes and compares faster than the ref's text); the refs come with the join back.

-- Customer keys usable as evidence (placeholder hashes of '', 'null', 'undefined' are not evidence).
-- One row per anchor and distinct key: anchors are unique by event_ref and their lists are made
-- distinct first, so no DISTINCT over all rows is needed (it ran out of memory at 10 M events a side).
-- strength: 1 external_id, 2 em, 3 fbp (kinds differ exactly when strengths do).
create or replace temp table stage_dedup_user_keys as
with placeholders as (
    select unnest(['', sha256(''), sha256('null'), sha256('undefined')]) as key_value
),
exploded as (
    select event_ref, arrival, channel, dataset_id, folded_name, window_epoch, 1 as strength,
           unnest(list_distinct(external_id)) as key_value
    from stage_dedup_anchors
    union all
    select event_ref, arrival, channel, dataset_id, folded_name, window_epoch, 2 as strength,
           unnest(list_distinct(em)) as key_value
    from stage_dedup_anchors
    union all
    select event_ref, arrival, channel, dataset_id, folded_name, window_epoch, 3 as strength,
           fbp as key_value
    from stage_dedup_anchors
)
select event_ref, channel, dataset_id, folded_name, window_epoch, cast(strength as utinyint) as strength,
       key_value, arrival
from exploded
where key_value is not null
  and window_epoch is not null
  and key_value not in (select key_value from placeholders);

-- Every pair the keys relate, with its tier * 10 + strength (one row per way the pair is related).
create or replace temp table stage_dedup_pair_ranks as
with settings as (
    select
        getvariable('window_hours') * 3600                             as window_s,
        greatest(getvariable('evidence_tolerance_minutes') * 60, 1)    as band_s
),
-- ids carried by more than 50 copies: counted by a hash of the id first (a number groups faster than
-- text), then exactly among the ids of the hashes counted that often (a collision only lets one through)
hot_hashes as (
    select hash(trimmed_id) as id_hash
    from stage_dedup_anchors
    where trimmed_id is not null
    group by id_hash
    having count(*) > 50
),
hot_ids as (
    select trimmed_id
    from stage_dedup_anchors
    where trimmed_id is not null
      and hash(trimmed_id) in (select id_hash from hot_hashes)
    group by trimmed_id
    having count(*) > 50
),
copies as not materialized (
    select
        a.arrival, a.channel, a.trimmed_id, a.window_epoch,
        coalesce(a.trimmed_id in (select trimmed_id from hot_ids), false) as id_hot,
        floor(a.window_epoch / s.band_s)                               as bucket
    from stage_dedup_anchors a
    cross join settings s
    where a.trimmed_id is not null
),
pixel as not materialized (
    select arrival, trimmed_id, window_epoch, id_hot, bucket from copies where channel = 'pixel'
),
capi as not materialized (
    select arrival, trimmed_id, window_epoch, bucket from copies where channel = 'capi'
),
-- pairs whose ids are equal after trimming (any dataset, any name)
id_pairs as (
    select p.arrival as pixel_arrival, c.arrival as capi_arrival
    from pixel p
    join capi c on c.trimmed_id = p.trimmed_id
    where not p.id_hot
    union all
    select p.arrival as pixel_arrival, c.arrival as capi_arrival
    from pixel p
    join (select arrival, trimmed_id, window_epoch, unnest([bucket - 1, bucket, bucket + 1]) as near_bucket
          from capi) c
        on c.trimmed_id = p.trimmed_id and c.near_bucket = p.bucket
    cross join settings s
    where p.id_hot
      and abs(c.window_epoch - p.window_epoch) <= s.band_s
),
-- the wide columns, joined back onto the pairs only
id_pair_facts as (
    select
        p.event_ref                                                    as pixel_ref,
        c.event_ref                                                    as capi_ref,
        k.pixel_arrival,
        k.capi_arrival,
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
    join stage_dedup_anchors p on p.arrival = k.pixel_arrival
    join stage_dedup_anchors c on c.arrival = k.capi_arrival
    cross join settings s
)
select
    pixel_ref,
    capi_ref,
    case
        when same_dataset and same_keys and in_window then 1
        when same_dataset and same_folded_name and not same_keys and in_window then 2
        when same_dataset and same_keys and not other_conflict then 3
        when not same_dataset and same_keys and in_window then 6
    end * 10                                                           as rank_key,
    pixel_arrival,
    capi_arrival
from id_pair_facts
where not order_conflict
  and rank_key is not null;

-- tier 4: same order_id (only the few anchors with one are read)
insert into stage_dedup_pair_ranks
with settings as (
    select
        getvariable('window_hours') * 3600                             as window_s,
        greatest(getvariable('evidence_tolerance_minutes') * 60, 1)    as band_s
),
ordered as (
    select event_ref, arrival, channel, dataset_id, folded_name, trimmed_id, order_id, window_epoch
    from stage_dedup_anchors
    where order_id is not null
),
hot_orders as (
    select order_id
    from ordered
    group by order_id
    having count(*) > 50
),
copies as (
    select
        o.event_ref, o.arrival, o.channel, o.dataset_id, o.folded_name, o.trimmed_id, o.order_id,
        o.window_epoch,
        coalesce(o.order_id in (select order_id from hot_orders), false) as order_hot,
        floor(o.window_epoch / s.band_s)                               as bucket
    from ordered o
    cross join settings s
),
pixel as (
    select * exclude (channel) from copies where channel = 'pixel'
),
capi as (
    select * exclude (channel) from copies where channel = 'capi'
),
capi_banded as (
    select event_ref, arrival, dataset_id, folded_name, trimmed_id, order_id, window_epoch,
           unnest([bucket - 1, bucket, bucket + 1])                    as near_bucket
    from capi
)
select p.event_ref as pixel_ref, c.event_ref as capi_ref, 40 as rank_key, p.arrival as pixel_arrival,
       c.arrival as capi_arrival
from pixel p
join capi c
    on c.dataset_id = p.dataset_id and c.folded_name = p.folded_name and c.order_id = p.order_id
cross join settings s
where not p.order_hot
  and not coalesce(c.trimmed_id = p.trimmed_id, false)
  and coalesce(abs(c.window_epoch - p.window_epoch), 0) <= s.window_s
union all
select p.event_ref as pixel_ref, c.event_ref as capi_ref, 40 as rank_key, p.arrival as pixel_arrival,
       c.arrival as capi_arrival
from pixel p
join capi_banded c
    on c.dataset_id = p.dataset_id and c.folded_name = p.folded_name and c.order_id = p.order_id
    and c.near_bucket = p.bucket
cross join settings s
where p.order_hot
  and not coalesce(c.trimmed_id = p.trimmed_id, false)
  and abs(c.window_epoch - p.window_epoch) <= s.band_s;

-- tier 5: a customer key in common within the evidence tolerance, one kind of key at a time (three
-- joins a third the size each; the strongest kind per pair is taken when the candidates are ranked).
-- The pair's ids and order ids (the same whatever the key) are joined back and checked last.
create or replace temp macro dedup_shared_customer(key_strength) as table
with settings as (
    select greatest(getvariable('evidence_tolerance_minutes') * 60, 1) as band_s
),
keys as (
    select arrival, channel, dataset_id, folded_name, key_value, window_epoch
    from stage_dedup_user_keys
    where strength = key_strength
),
capi_banded as (
    select arrival, dataset_id, folded_name, key_value, window_epoch,
           unnest([floor(window_epoch / s.band_s) - 1, floor(window_epoch / s.band_s),
                   floor(window_epoch / s.band_s) + 1])                as near_bucket
    from keys
    cross join settings s
    where channel = 'capi'
),
shared as (
    select distinct pk.arrival as pixel_arrival, ck.arrival as capi_arrival
    from keys pk
    cross join settings s
    join capi_banded ck
        on ck.dataset_id = pk.dataset_id and ck.folded_name = pk.folded_name
        and ck.key_value = pk.key_value
        and ck.near_bucket = floor(pk.window_epoch / s.band_s)
    where pk.channel = 'pixel'
      and abs(ck.window_epoch - pk.window_epoch) <= getvariable('evidence_tolerance_minutes') * 60
)
select p.event_ref as pixel_ref, c.event_ref as capi_ref, 50 + key_strength as rank_key, k.pixel_arrival,
       k.capi_arrival
from shared k
join stage_dedup_anchors p on p.arrival = k.pixel_arrival
join stage_dedup_anchors c on c.arrival = k.capi_arrival
where not coalesce(c.trimmed_id = p.trimmed_id, false)
  and not coalesce(p.order_id <> c.order_id, false);

insert into stage_dedup_pair_ranks
select pixel_ref, capi_ref, rank_key, pixel_arrival, capi_arrival from dedup_shared_customer(1);
insert into stage_dedup_pair_ranks
select pixel_ref, capi_ref, rank_key, pixel_arrival, capi_arrival from dedup_shared_customer(2);
insert into stage_dedup_pair_ranks
select pixel_ref, capi_ref, rank_key, pixel_arrival, capi_arrival from dedup_shared_customer(3);

create or replace temp table stage_dedup_candidates as
with strongest as (
    select pixel_arrival, capi_arrival, min(rank_key) as rank_key
    from stage_dedup_pair_ranks
    group by pixel_arrival, capi_arrival
)
select
    p.event_ref                                                        as pixel_ref,
    c.event_ref                                                        as capi_ref,
    s.rank_key,
    abs(coalesce(c.window_epoch - p.window_epoch, 0))                  as abs_gap_s,
    s.pixel_arrival,
    s.capi_arrival
from strongest s
join stage_dedup_anchors p on p.arrival = s.pixel_arrival
join stage_dedup_anchors c on c.arrival = s.capi_arrival;
