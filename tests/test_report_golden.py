"""Golden files of the weekly report on the generated sample: the JSON payload and the HTML skeleton.

The skeleton is the report's tags, ids, classes and text, without the embedded plotly.js, the
chart data and the style sheet, so a change in what a reader sees shows up as a readable diff.
When a change to the sample, the engine or the report is intended, regenerate the files with

    UPDATE_GOLDEN=1 /work/venv/bin/python -m pytest tests/test_report_golden.py

and review `git diff tests/golden/` before committing them.
"""

from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

from audit.db import connect
from audit.outputs.report import write_report

GOLDEN = Path(__file__).parent / "golden"
SAMPLE_EVENTS = 1500
SAMPLE_SEED = 42
PIXEL_FILES = ("pixel_events.jsonl", "pixel.har", "pixel_tr.txt")
CAPI_FILES = ("capi_requests.jsonl",)


def audited_sample(tmp_path_factory) -> Path:
    """The generated sample, loaded and audited once per test session (also used by the views-doc
    and notebook tests); built in memory, then saved as a DuckDB file."""
    from audit.ingest import load_files
    from audit.rules.incremental import run as run_audit  # as `capi-audit audit` does: records audit_runs
    from audit.sample import generate

    root = tmp_path_factory.getbasetemp() / "report-sample"
    db = root / "sample.duckdb"
    if db.exists():
        return db
    logs = root / "logs"
    generate(logs, events=SAMPLE_EVENTS, seed=SAMPLE_SEED)
    con = connect(None)
    load_files(con, [logs / f for f in PIXEL_FILES], "pixel")
    load_files(con, [logs / f for f in CAPI_FILES], "capi")
    run_audit(con)
    con.execute(f"attach '{db}' as saved; copy from database memory to saved; detach saved")
    con.close()
    return db


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    db = audited_sample(tmp_path_factory)
    out = tmp_path_factory.mktemp("sample-report")
    con = connect(db, read_only=True)
    payload = write_report(con, out)
    con.close()
    return out, payload


def rounded(value):
    """Floats to 9 significant digits so the golden JSON does not hinge on the last bit."""
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v) for v in value]
    return value


class Skeleton(HTMLParser):
    """Tags with id and class, and visible text, one per line and indented by depth."""

    SKIP = {"script", "style"}
    VOID = {"meta", "br", "hr", "img", "input", "link"}

    def __init__(self):
        super().__init__()
        self.lines: list[str] = []
        self.depth = 0
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
            return
        keep = " ".join(f'{k}="{v}"' for k, v in attrs if k in ("id", "class", "colspan"))
        self.lines.append("  " * self.depth + f"<{tag}{' ' + keep if keep else ''}>")
        if tag not in self.VOID:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping -= 1
        elif tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self.skipping:
            self.lines.append("  " * self.depth + text)


def skeleton(html: str) -> str:
    parser = Skeleton()
    parser.feed(html)
    return "\n".join(parser.lines) + "\n"


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path} missing: run UPDATE_GOLDEN=1 pytest {__file__}"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (
        f"{name} differs from the golden file; if the change is intended run "
        f"UPDATE_GOLDEN=1 /work/venv/bin/python -m pytest tests/test_report_golden.py and review the diff"
    )


def test_report_payload_matches_golden(sample_report):
    out, _ = sample_report
    payload = json.loads((out / "report.json").read_text())
    check_golden("report_sample.json", json.dumps(rounded(payload), indent=1, sort_keys=True) + "\n")


def test_report_html_skeleton_matches_golden(sample_report):
    out, _ = sample_report
    check_golden("report_sample.skeleton.txt", skeleton((out / "report.html").read_text()))


def test_sample_report_covers_its_last_complete_week(sample_report):
    """The sample spans two ISO weeks: the report is on the second and compares with the first."""
    _, payload = sample_report
    meta = payload["report"]
    assert meta["complete"] and meta["has_previous"]
    assert meta["end"] <= meta["last_day"] and meta["start"] >= meta["first_day"]
    assert payload["summary"]["dedup"]["conversions"] > 0
    assert payload["top_findings"], "the sample plants faults: the report must show findings"
    assert all(len(e) and e["detail"] is None or "@" not in e["detail"]
               for f in payload["top_findings"] for e in f["examples"])
