-- Dedup stage 3b: one-to-one matching of the candidates, so no copy is paired twice.
-- Each round keeps the mutually best pairs (best tier and strength, then smallest time gap, then
-- arrival order, seen from both the Pixel and the CAPI side) among copies not matched yet; the
-- global best pair is always mutual, so every round makes progress. The rounds are
-- 36_dedup_matching_round.sql, which the engine repeats until a round adds nothing
-- (tests/test_dedup_accuracy.py checks that nothing matchable is left over).
-- The copies' arrival numbers (one per event, like its ref) are what the rounds look matches up by:
-- numbers hash, sort and compare faster than the refs' text.
create or replace temp table stage_dedup_matches (
    pixel_ref      varchar not null,
    capi_ref       varchar not null,
    rank_key       integer not null,
    round          integer not null,
    pixel_arrival  hugeint not null,
    capi_arrival   hugeint not null
);
