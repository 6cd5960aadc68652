"""docs/views.md documents every analyst view with exactly its real columns (on an audited sample),
and the README lists the same views, so the docs cannot drift from the database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_report_golden import audited_sample

from audit.db import connect

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "views.md"
# The views design.md promises analysts, and value_checks (every customer value and its checks).
VIEWS = ("events", "pixel_events", "capi_events", "event_pairs", "findings", "parameter_coverage",
         "parameter_coverage_daily", "dedup_key_coverage_daily", "match_quality", "emq_inputs_daily",
         "daily_metrics", "value_checks", "loads", "quarantine", "rules", "audit_runs")
FIX = "update docs/views.md to match (column names in the database's order)"


def documented() -> dict[str, list[str]]:
    """View -> documented columns; 'Same columns as `x`.' copies x's list."""
    sections = re.split(r"^## `(\w+)`\s*$", DOC.read_text(encoding="utf-8"), flags=re.M)
    views: dict[str, list[str]] = {}
    for name, body in zip(sections[1::2], sections[2::2], strict=True):
        same = re.search(r"Same columns as `(\w+)`", body)
        views[name] = list(views[same.group(1)]) if same else re.findall(r"^\| `(\w+)` \|", body, flags=re.M)
    return views


@pytest.fixture(scope="module")
def sample_con(tmp_path_factory):
    con = connect(audited_sample(tmp_path_factory), read_only=True)
    yield con
    con.close()


def test_every_promised_view_is_documented():
    assert set(documented()) == set(VIEWS)


@pytest.mark.parametrize("view", VIEWS)
def test_documented_columns_are_the_real_ones(sample_con, view):
    real = [row[0] for row in sample_con.execute(f"describe {view}").fetchall()]
    assert documented()[view] == real, f"{view}: {FIX}"


def test_readme_lists_the_views():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## SQL views for analysts", 1)[1].split("\n## ", 1)[0]
    missing = [v for v in VIEWS if f"`{v}`" not in section]
    assert not missing, f"README 'SQL views for analysts' does not list {missing}"
    assert "docs/views.md" in section


def test_every_sql_example_in_the_docs_runs_on_the_sample(sample_con):
    """The SQL examples of docs/views.md run as written (the findings example also returns rows)."""
    blocks = re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 4
    for sql in blocks:
        sample_con.execute(sql)
    picked = next(b for b in blocks if "with picked as" in b)
    busiest = "select rule_id from findings group by 1 order by count(*) desc, 1 limit 1"
    rule = sample_con.execute(busiest).fetchall()
    rows = sample_con.execute(picked.replace("'event_id_mismatch'", f"'{rule[0][0]}'")).fetchall()
    assert len(rows) == 20 and all(r[-1] is not None for r in rows)
