"""Packaging and layering contracts: SQL ships inside the package, the library stays headless."""

import subprocess
import sys

import pytest

from audit.db import connect, sql_files, sql_text


def test_schema_sql_loads_through_importlib_resources():
    assert "create table if not exists events" in sql_text("audit.schema", "events.sql")
    names = [n for n, _ in sql_files("audit.schema")]
    assert {"events.sql", "views.sql", "outputs.sql", "output_views.sql"} <= set(names)


def test_sql_text_fills_in_named_values_and_leaves_the_sqls_braces_alone():
    text = sql_text("audit.ingest.sql", "capi_graph_fast.sql", path="'/data/capi.jsonl'")
    assert "read_json(\n    '/data/capi.jsonl'," in text and "{path}" not in text
    assert "columns = {" in text  # the struct literal's braces are not a placeholder
    with pytest.raises(KeyError, match="no {catalog}"):
        sql_text("audit.ingest.sql", "capi_graph_fast.sql", catalog="main")


def test_store_has_canonical_tables_and_views():
    con = connect(None)
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    assert {"events", "loads", "quarantine", "pixel_events", "capi_events"} <= tables


def test_cli_does_not_import_streamlit_or_plotly():
    code = (
        "import audit, audit.cli, sys; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly')))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "[]", res.stdout
