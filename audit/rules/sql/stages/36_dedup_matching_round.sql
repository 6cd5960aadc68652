-- repeat: stage_dedup_matches max 100
-- One matching round (see 35_dedup_matching.sql): the engine runs this file again while it adds rows.
insert into stage_dedup_matches
with open_candidates as (
    select pixel_ref, capi_ref, rank_key, abs_gap_s, pixel_arrival, capi_arrival
    from stage_dedup_candidates c
    where not exists (select 1 from stage_dedup_matches m where m.pixel_arrival = c.pixel_arrival)
      and not exists (select 1 from stage_dedup_matches m where m.capi_arrival = c.capi_arrival)
),
ranked as (
    select
        pixel_ref,
        capi_ref,
        rank_key,
        pixel_arrival,
        capi_arrival,
        row_number() over (
            partition by pixel_arrival order by rank_key, abs_gap_s, capi_arrival
        )                                                  as pixel_choice,
        row_number() over (
            partition by capi_arrival order by rank_key, abs_gap_s, pixel_arrival
        )                                                  as capi_choice
    from open_candidates
)
select pixel_ref, capi_ref, rank_key, cast(getvariable('repeat_round') as integer) as round,
       pixel_arrival, capi_arrival
from ranked
where pixel_choice = 1 and capi_choice = 1;
