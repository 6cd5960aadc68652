"""Recall and precision of the events and parameters rules on the seeded sample and its ground truth.

Every planted events/parameters fault must be found on exactly the event the ground truth names, and no
events/parameters rule may fire on an event the ground truth calls clean.
"""

from __future__ import annotations

import pytest

from audit.db import connect
from audit.ingest import load_files
from audit.rules.catalogue import load_rules
from audit.rules.engine import run_audit
from audit.sample import generate

MINE = {r.id for r in load_rules() if r.area in ("events", "parameters")}
PIXEL_FILES = ("pixel_events.jsonl", "pixel.har", "pixel_tr.txt")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample (1,500 events, seed 7) loaded and audited, with the ground truth as table `truth`."""
    out = tmp_path_factory.mktemp("mq-sample")
    truth = generate(out, events=1500, seed=7)
    con = connect(None)
    load_files(con, [out / "capi_requests.jsonl"], "capi")
    load_files(con, [out / f for f in PIXEL_FILES], "pixel")
    run_audit(con)
    con.execute(
        "create table truth (rule_id varchar, kind varchar, file varchar, line integer, idx integer)"
    )
    rows = [(f["rule_id"], e.get("kind"), e["file"], e["line"], e["index"])
            for f in truth["faults"] for e in f["events"]]
    con.executemany("insert into truth values (?, ?, ?, ?, ?)", rows)
    con.execute(
        "create table found as select f.rule_id, f.event_ref, e.source_file as file, e.source_line as line,"
        " e.source_index as idx from findings as f join events as e using (event_ref)"
    )
    return con


def test_every_rule_of_the_area_is_planted(sample):
    planted = {r[0] for r in sample.execute("select distinct rule_id from truth").fetchall()}
    assert MINE - planted == set(), "the generator plants no case for these rules"


def test_every_planted_fault_is_found(sample):
    missed = sample.execute(
        """
        select t.rule_id, t.kind, t.file, t.line, t.idx
        from truth as t
        left join found as f
            on f.rule_id = t.rule_id and f.file = t.file and f.line = t.line and f.idx = t.idx
        where f.rule_id is null and list_contains(?, t.rule_id)
        order by all
        """,
        [sorted(MINE)],
    ).fetchall()
    assert missed == []


def test_no_finding_on_clean_events(sample):
    wrong = sample.execute(
        """
        select f.rule_id, f.file, f.line, f.idx
        from found as f
        where list_contains(?, f.rule_id)
          and not exists (
              select 1 from truth as t where t.file = f.file and t.line = f.line and t.idx = f.idx
          )
        order by all
        """,
        [sorted(MINE)],
    ).fetchall()
    assert wrong == []


def test_no_finding_beyond_the_ground_truth(sample):
    """On planted events too, each rule fires only where the ground truth lists that very rule."""
    extra = sample.execute(
        """
        select f.rule_id, f.file, f.line, f.idx
        from found as f
        where list_contains(?, f.rule_id)
          and not exists (
              select 1 from truth as t
              where t.rule_id = f.rule_id and t.file = f.file and t.line = f.line and t.idx = f.idx
          )
        order by all
        """,
        [sorted(MINE)],
    ).fetchall()
    assert extra == []
