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
