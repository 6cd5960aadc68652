"""The engine's stage runner: plain stages run once, repeating stages run until a round adds nothing."""

import pytest

from audit.db import connect
from audit.rules.engine import run_stage

STEP = """-- repeat: t max {max}
insert into t select max(n) + 1, cast(getvariable('repeat_round') as integer) from t having max(n) < {stop}
"""


def test_repeating_stage_runs_until_a_round_adds_nothing():
    con = connect(None)
    con.execute("create table t (n integer, round integer); insert into t values (0, 0)")
    assert run_stage(con, STEP.format(max=10, stop=3)) == 4  # rounds 1-3 add a row, round 4 adds none
    assert con.execute("select list(round order by n) from t").fetchall()[0][0] == [0, 1, 2, 3]


def test_repeating_stage_that_never_settles_is_an_error():
    con = connect(None)
    con.execute("create table t (n integer, round integer); insert into t values (0, 0)")
    with pytest.raises(RuntimeError, match="still adding rows after 5 rounds"):
        run_stage(con, STEP.format(max=5, stop=100))


def test_plain_stage_runs_once():
    con = connect(None)
    con.execute("create table t (n integer)")
    assert run_stage(con, "insert into t values (1)") == 1
    assert con.execute("select count(*) from t").fetchall()[0][0] == 1
