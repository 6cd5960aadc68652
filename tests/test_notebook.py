"""notebooks/audit_walkthrough.ipynb runs end to end on an audited sample database."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from test_report_golden import audited_sample

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "audit_walkthrough.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The notebook executed with the sample database, with outputs."""
    import os

    db = audited_sample(tmp_path_factory)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import sys; print(sys.prefix)"))
    env_before = os.environ.get("CAPI_AUDIT_DB")
    os.environ["CAPI_AUDIT_DB"] = str(db)
    try:
        client = NotebookClient(
            nb, timeout=120, kernel_name="python3",
            resources={"metadata": {"path": str(tmp_path_factory.mktemp("nb"))}},
        )
        client.execute()  # raises CellExecutionError on the first failing cell
    finally:
        if env_before is None:
            os.environ.pop("CAPI_AUDIT_DB", None)
        else:
            os.environ["CAPI_AUDIT_DB"] = env_before
    return nb


def outputs(cell) -> str:
    return "\n".join(str(o.get("data", {}).get("text/plain", o.get("text", ""))) for o in cell.outputs)


def test_notebook_runs_without_errors_in_this_environment(executed):
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert outputs(code[-1]).strip() == sys.prefix, "the python3 kernel must run this interpreter"


def test_notebook_reads_the_audited_sample(executed):
    code = [c for c in executed.cells if c.cell_type == "code"]
    first = outputs(code[0])
    assert "pixel" in first and "capi" in first, first
    assert any("double_counts" in outputs(c) for c in code)


def test_notebook_is_committed_without_large_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    size = sum(len(outputs(c)) for c in nb.cells if c.cell_type == "code")
    assert size < 20_000, "clear the notebook's outputs before committing (jupyter nbconvert --clear-output)"


def test_notebook_findings_queries_equal_joining_every_finding_to_its_event(tmp_path_factory):
    """The notebook picks findings before joining events and reads channel and event name from findings:
    the same rows as the plain join of every finding to its event."""
    import re

    import duckdb

    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    sql = [s for source in code for s in re.findall(r'q\("""(.*?)"""', source, re.S)]
    examples = next(s for s in sql if "first_findings" in s)
    per_rule = next(s for s in sql if "group by f.rule_id, f.severity, f.channel" in s)
    con = duckdb.connect(str(audited_sample(tmp_path_factory)), read_only=True)
    try:
        rule_id = con.execute("select rule_id from findings where severity = 'critical' "
                              "group by rule_id order by count(*) desc, rule_id limit 1").fetchall()[0][0]
        plain_examples = """
            select f.rule_id, r.title, e.channel, e.event_name, e.event_id, e.event_time, e.source_file,
                e.source_line, f.field, f.detail
            from findings as f
            join rules as r on r.rule_id = f.rule_id
            join events as e on e.event_ref = f.event_ref
            where f.rule_id = $rule_id
            order by e.event_time, e.event_ref
            limit 10
        """
        plain_per_rule = """
            select f.rule_id, f.severity, e.channel, count(*) as findings,
                count(distinct e.event_name) as event_names
            from findings as f
            join events as e on e.event_ref = f.event_ref
            group by f.rule_id, f.severity, e.channel
            order by all
        """
        shown = con.execute(examples, {"rule_id": rule_id}).fetchall()
        assert len(shown) == 10 and shown == con.execute(plain_examples, {"rule_id": rule_id}).fetchall()
        counted = con.execute(f"select rule_id, severity, channel, findings, event_names from ({per_rule}) "
                              "order by all").fetchall()
        assert counted == con.execute(plain_per_rule).fetchall()
    finally:
        con.close()
