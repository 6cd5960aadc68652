"""The dedup audit against the sample generator's ground truth (several seeds, both sites).

Every planted dedup fault is found on the right event with the right paired event (recall 100 %),
no dedup rule fires on any other event (precision 100 %), and `conversions` equals the true count
of conversions, in total and per dataset and event name.
"""

from __future__ import annotations

from collections import Counter

import pytest

from audit import sample
from audit.db import connect
from audit.ingest import load_files
from audit.metrics.summary import summary
from audit.rules.catalogue import load_rules
from audit.rules.engine import run_audit

DEDUP_RULES = tuple(r.id for r in load_rules() if r.area == "dedup")
SEEDS = (2, 6, 42)


@pytest.fixture(scope="module", params=SEEDS)
def audited(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"sample{request.param}")
    truth = sample.generate(out, events=4000, seed=request.param)
    con = connect(None)
    load_files(con, [out / "capi_requests.jsonl"], "capi")
    load_files(con, [out / "pixel_events.jsonl", out / "pixel_tr.txt", out / "pixel.har"], "pixel")
    run_audit(con, keep_intermediate=True)
    yield con, truth
    con.close()


# Every production event (repeats included) and the conversion it belongs to: the copies straight from the
# conversions, the repeats through the copy they repeat (read from the kept intermediates).
CONVERSION_EVENTS = """
with anchors as (
    select pixel_event_ref as event_ref, conversion_id from stage_dedup_conversions
    where pixel_event_ref is not null
    union all
    select capi_event_ref as event_ref, conversion_id from stage_dedup_conversions
    where capi_event_ref is not null
)
select event_ref, conversion_id from anchors
union all
select r.event_ref, a.conversion_id
from stage_dedup_copies r
join anchors a on a.event_ref = r.copy_ref
where r.is_repeat
"""

def _ref(r: dict | None) -> tuple | None:
    return None if not r else (r["file"], r["line"], r["index"])


def planted(truth: dict) -> set[tuple]:
    """(rule_id, anchored event, paired event) of every planted dedup fault."""
    return {
        (f["rule_id"], _ref(e), _ref(e.get("paired")))
        for f in truth["faults"] if f["rule_id"] in DEDUP_RULES
        for e in f["events"]
    }


def found(con) -> set[tuple]:
    rows = con.execute(
        """
        select f.rule_id, e.source_file, e.source_line, e.source_index,
               p.source_file, p.source_line, p.source_index
        from findings f
        join events e on e.event_ref = f.event_ref
        left join events p on p.event_ref = f.paired_event_ref
        where f.area = 'dedup'
        """
    ).fetchall()
    return {(r[0], (r[1], r[2], r[3]), (r[4], r[5], r[6]) if r[4] is not None else None) for r in rows}


def test_every_planted_dedup_fault_is_found(audited):
    con, truth = audited
    expected, got = planted(truth), found(con)
    assert expected, "the sample plants dedup faults"
    assert {r for r, _, _ in expected} == set(DEDUP_RULES), "every dedup rule is planted"
    missed = expected - got
    assert not missed, f"missed {Counter(r for r, _, _ in missed)}: {sorted(missed)[:5]}"


def test_no_dedup_rule_fires_on_events_planted_clean(audited):
    con, truth = audited
    extra = found(con) - planted(truth)
    assert not extra, f"unexpected {Counter(r for r, _, _ in extra)}: {sorted(extra)[:5]}"


def test_conversions_equal_the_true_count(audited):
    con, truth = audited
    assert summary(con)["dedup"]["conversions"] == truth["true_conversions"]["production"]
    per_dataset = {ds: sum(names.values()) for ds, names in truth["true_conversions"]["by_dataset"].items()}
    rows = con.execute("select dataset_id, sum(conversions) from dedup_daily group by all").fetchall()
    # per dataset only: conversions are filed under the name as sent (a GA4 name stays a GA4 name)
    assert {ds: n for ds, n in rows} == per_dataset


def test_matching_leaves_nothing_matchable_and_pairs_no_event_twice(audited):
    con, _ = audited
    leftover = con.execute(
        """
        select count(*) from stage_dedup_candidates c
        where not exists (select 1 from stage_dedup_matches m where m.pixel_ref = c.pixel_ref)
          and not exists (select 1 from stage_dedup_matches m where m.capi_ref = c.capi_ref)
        """
    ).fetchone()[0]
    assert leftover == 0
    twice = con.execute(
        """
        select count(*) from (
            select ref from (
                select pixel_event_ref as ref from event_pairs where pixel_event_ref is not null
                union all
                select capi_event_ref from event_pairs where capi_event_ref is not null
            ) group by ref having count(*) > 1
        )
        """
    ).fetchone()[0]
    assert twice == 0
    events, covered = con.execute(
        f"select (select count(*) from events where test_event_code is null), (select count(*) from"
        f" ({CONVERSION_EVENTS}))"
    ).fetchone()
    assert events == covered
