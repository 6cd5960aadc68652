"""The committed sample loads completely: nothing quarantined except the junk lines planted on purpose."""

from __future__ import annotations

import json
from pathlib import Path

from audit.db import connect
from audit.ingest import load_files

SAMPLE_DATA = Path(__file__).resolve().parents[1] / "sample_data"


def test_sample_loads_with_only_planted_junk_quarantined():
    truth = json.loads((SAMPLE_DATA / "ground_truth.json").read_text(encoding="utf-8"))
    con = connect(None)
    results = []
    for channel in ("capi", "pixel"):
        paths = [SAMPLE_DATA / name for name, info in sorted(truth["files"].items())
                 if info["channel"] == channel]
        results += load_files(con, paths, channel)
    loaded = {Path(r.file).name: r.rows_loaded for r in results}
    assert loaded == {name: info["events"] for name, info in truth["files"].items()}
    quarantined = con.execute("select source_file, source_line from quarantine order by all").fetchall()
    assert quarantined == sorted((q["file"], q["line"]) for q in truth["quarantine"])
    assert con.execute("select count(*) from events").fetchone()[0] == truth["events"]
    by_channel = dict(con.execute("select channel, count(*) from events group by channel").fetchall())
    assert by_channel == truth["events_by_channel"]
    planted_raw = truth["counts"]["pii_unhashed"]
    hashed = con.execute(
        "select count(*) from events where list_contains(pii_hashed_on_load, 'em')").fetchone()[0]
    assert hashed == planted_raw, "only the planted raw e-mails should need hashing on load"
