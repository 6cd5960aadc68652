"""The rule catalogue and every rule's SQL: loads, ids unique and documented, runs on any event set.

If the README check fails, refresh the table with:
    python -c "from audit.cli.rules import rules_markdown; print(rules_markdown())"
(or `capi-audit rules --format markdown`) and paste it between the rules markers in README.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from eventsets import capi, pixel, sha, store

from audit.cli.rules import rules_markdown
from audit.db import connect, sql_files, sql_text
from audit.rules.catalogue import AREAS, SEVERITIES, load_rules
from audit.rules.engine import AuditSettings, rule_sql, run_audit

README = Path(__file__).resolve().parents[1] / "README.md"
RULE_COLUMNS = ["event_ref", "paired_event_ref", "field", "detail", "severity"]
DEDUP_IDS = {
    "event_name_case_mismatch": "critical", "event_id_whitespace": "critical", "event_id_missing": "critical",
    "event_id_mismatch": "critical", "pair_outside_window": "critical", "duplicate_within_channel": "warning",
    "event_id_reused": "critical", "dataset_mismatch": "critical", "test_event_code_present": "warning",
}


def test_catalogue_loads_with_unique_documented_ids():
    rules = load_rules()
    ids = [r.id for r in rules]
    assert len(ids) == len(set(ids))
    for r in rules:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", r.id), r.id
        assert r.area in AREAS and r.severity in SEVERITIES
        assert r.title.strip() and len(r.meaning.strip()) > 40 and len(r.fix.strip()) > 20, r.id


def test_dedup_rules_are_exactly_the_design_ids_and_severities():
    dedup = {r.id: r.severity for r in load_rules() if r.area == "dedup"}
    assert dedup == DEDUP_IDS


def test_every_rule_sql_file_belongs_to_a_catalogue_rule():
    ids = {(r.area, r.id) for r in load_rules()}
    for area in AREAS:
        for name, _ in sql_files(f"audit.rules.sql.{area}"):
            assert (area, name.removesuffix(".sql")) in ids, f"sql/{area}/{name} has no catalogue entry"


def test_every_dedup_rule_has_sql_shipped_in_the_package():
    for rule_id in DEDUP_IDS:
        assert sql_text("audit.rules.sql.dedup", f"{rule_id}.sql").strip()


def small_event_set() -> list[dict]:
    u = {"em": sha("c@example.com"), "external_id": "c-1", "fbp": "fb.1.1762000000000.1"}
    return [
        pixel("Purchase", "k-1", "2026-11-02T10:00:00Z", value=10, currency="EUR", **u),
        capi("purchase", "k-1", "2026-11-02T10:00:05Z", value=10, currency="EUR", **u),
        capi("Purchase", "k-1", "2026-11-02T10:01:05Z", value=10, currency="EUR", **u),
        pixel("Lead", None, "2026-11-02T11:00:00Z"),
        capi("Lead", "", "2026-11-02T11:00:00Z", test_event_code="T1"),
        pixel(None, "x", "2026-11-02T12:00:00Z", dataset_id=None),
    ]


@pytest.mark.parametrize("events", ["empty", "small"])
def test_every_rule_runs_and_returns_the_five_columns(events):
    con = connect(None) if events == "empty" else store(small_event_set())
    ran = run_audit(con, AuditSettings(), keep_intermediate=True)
    for r in load_rules():
        text = rule_sql(r.area, r.id)
        if text is None:
            continue
        assert r.id in ran
        cur = con.execute(f"select * from ({text}) as rule_rows limit 0")
        assert [d[0] for d in cur.description] == RULE_COLUMNS, r.id
    bad = con.execute(
        "select count(*) from findings where severity not in ('critical', 'warning', 'info')"
    ).fetchone()[0]
    assert bad == 0
    if events == "empty":
        assert con.execute("select count(*) from findings").fetchone()[0] == 0
        assert con.execute("select count(*) from event_pairs").fetchone()[0] == 0
    else:
        assert con.execute("select count(*) from event_pairs").fetchone()[0] > 0
        assert con.execute("select count(*) from dedup_daily where dataset_id is null").fetchone()[0] == 0


def test_readme_rule_table_matches_the_catalogue():
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- rules:start -->\n(.*?)\n<!-- rules:end -->", text, re.S)
    assert match, "README.md needs a rule table between <!-- rules:start --> and <!-- rules:end -->"
    assert match.group(1).strip() == rules_markdown().strip(), (
        "README rule table is stale: run `capi-audit rules --format markdown` and paste it "
        "between the markers"
    )
