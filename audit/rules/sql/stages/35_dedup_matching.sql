-- Dedup stage 3b: one-to-one matching of the candidates, so no copy is paired twice.
-- Each round keeps the mutually best pairs (best tier and strength, then smallest time gap, then
-- arrival order, seen from both the Pixel and the CAPI side) among copies not matched yet; the
-- global best pair is always mutual, so every round makes progress. Six rounds settle the chains
-- met in practice (tests/test_dedup_accuracy.py checks that nothing matchable is left over).
create or replace table stage_dedup_matches (
    pixel_ref  varchar not null,
    capi_ref   varchar not null,
    rank_key   integer not null,
    round      integer not null
);

-- round 1
insert into stage_dedup_matches
with open_candidates as (
    select pixel_ref, capi_ref, rank_key, abs_gap_s, pixel_arrival, capi_arrival
    from stage_dedup_candidates c
    where not exists (select 1 from stage_dedup_matches m where m.pixel_ref = c.pixel_ref)
      and not exists (select 1 from stage_dedup_matches m where m.capi_ref = c.capi_ref)
),
ranked as (
    select
        pixel_ref,
        capi_ref,
        rank_key,
        row_number() over (
            partition by pixel_ref order by rank_key, abs_gap_s, capi_arrival
        )                                                  as pixel_choice,
        row_number() over (
            partition by capi_ref order by rank_key, abs_gap_s, pixel_arrival
        )                                                  as capi_choice
    from open_candidates
)
select pixel_ref, capi_ref, rank_key, 1 as round
from ranked
where pixel_choice = 1 and capi_choice = 1;

-- round 2
insert into stage_dedup_matches
with open_candidates as (
    select pixel_ref, capi_ref, rank_key, abs_gap_s, pixel_arrival, capi_arrival
    from stage_dedup_candidates c
    where not exists (select 1 from stage_dedup_matches m where m.pixel_ref = c.pixel_ref)
      and not exists (select 1 from stage_dedup_matches m where m.capi_ref = c.capi_ref)
),
ranked as (
    select
        pixel_ref,
        capi_ref,
        rank_key,
        row_number() over (
            partition by pixel_ref order by rank_key, abs_gap_s, capi_arrival
        )                                                  as pixel_choice,
        row_number() over (
            partition by capi_ref order by rank_key, abs_gap_s, pixel_arrival
        )                                                  as capi_choice
    from open_candidates
)
select pixel_ref, capi_ref, rank_key, 2 as round
from ranked
where pixel_choice = 1 and capi_choice = 1;

-- round 3
insert into stage_dedup_matches
with open_candidates as (
    select pixel_ref, capi_ref, rank_key, abs_gap_s, pixel_arrival, capi_arrival
    from stage_dedup_candidates c
    where not exists (select 1 from stage_dedup_matches m where m.pixel_ref = c.pixel_ref)
      and not exists (select 1 from stage_dedup_matches m where m.capi_ref = c.capi_ref)
),
ranked as (
    select
        pixel_ref,
        capi_ref,
        rank_key,
        row_number() over (
            partition by pixel_ref order by rank_key, abs_gap_s, capi_arrival
        )                                                  as pixel_choice,
        row_number() over (
            partition by capi_ref order by rank_key, abs_gap_s, pixel_arrival
        )                                                  as capi_choice
    from open_candidates
)
select pixel_ref, capi_ref, rank_key, 3 as round
from ranked
where pixel_choice = 1 and capi_choice = 1;

-- round 4
insert into stage_dedup_matches
with open_candidates as (
    select pixel_ref, capi_ref, rank_key, abs_gap_s, pixel_arrival, capi_arrival
    from stage_dedup_candidates c
    where not exists (select 1 from stage_dedup_matches m where m.pixel_ref = c.pixel_ref)
      and not exists (select 1 from stage_dedup_matches m where m.capi_ref = c.capi_ref)
),
ranked as (
    select
        pixel_ref,
        capi_ref,
        rank_key,
        row_number() over (
            partition by pixel_ref order by rank_key, abs_gap_s, capi_arrival
        )                                                  as pixel_choice,
        row_number() over (
            partition by capi_ref order by rank_key, abs_gap_s, pixel_arrival
        )                                                  as capi_choice
    from open_candidates
)
select pixel_ref, capi_ref, rank_key, 4 as round
from ranked
where pixel_choice = 1 and capi_choice = 1;

-- round 5
insert into stage_dedup_matches
with open_candidates as (
    select pixel_ref, capi_ref, rank_key, abs_gap_s, pixel_arrival, capi_arrival
    from stage_dedup_candidates c
    where not exists (select 1 from stage_dedup_matches m where m.pixel_ref = c.pixel_ref)
      and not exists (select 1 from stage_dedup_matches m where m.capi_ref = c.capi_ref)
),
ranked as (
    select
        pixel_ref,
        capi_ref,
        rank_key,
        row_number() over (
            partition by pixel_ref order by rank_key, abs_gap_s, capi_arrival
        )                                                  as pixel_choice,
        row_number() over (
            partition by capi_ref order by rank_key, abs_gap_s, pixel_arrival
        )                                                  as capi_choice
    from open_candidates
)
select pixel_ref, capi_ref, rank_key, 5 as round
from ranked
where pixel_choice = 1 and capi_choice = 1;

-- round 6
insert into stage_dedup_matches
with open_candidates as (
    select pixel_ref, capi_ref, rank_key, abs_gap_s, pixel_arrival, capi_arrival
    from stage_dedup_candidates c
    where not exists (select 1 from stage_dedup_matches m where m.pixel_ref = c.pixel_ref)
      and not exists (select 1 from stage_dedup_matches m where m.capi_ref = c.capi_ref)
),
ranked as (
    select
        pixel_ref,
        capi_ref,
        rank_key,
        row_number() over (
            partition by pixel_ref order by rank_key, abs_gap_s, capi_arrival
        )                                                  as pixel_choice,
        row_number() over (
            partition by capi_ref order by rank_key, abs_gap_s, pixel_arrival
        )                                                  as capi_choice
    from open_candidates
)
select pixel_ref, capi_ref, rank_key, 6 as round
from ranked
where pixel_choice = 1 and capi_choice = 1;
