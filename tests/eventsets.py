"""Hand-written event sets for golden tests: compact dicts in, canonical `events` rows out.

    con = store([
        pixel("Purchase", "abc-1", "2026-11-02T10:00:00Z", value=10, currency="EUR"),
        capi("Purchase", "abc-1", "2026-11-02T10:00:05Z", value=10, currency="EUR"),
    ])

Any canonical column (see audit/schema/events.sql) may be passed as a keyword; list columns
(em, ph, external_id, ...) take a string or a list. Defaults make a clean, matchable event.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from itertools import count

from audit.db import connect
from audit.rules import incremental
from audit.rules.compare import differences

LIST_COLUMNS = ("em", "ph", "fn", "ln", "ge", "db", "ct", "st", "zp", "country", "external_id", "content_ids")
_seq = count(1)


def sha(text: str) -> str:
    """SHA-256 hex of a normalized value, as Meta wants it."""
    return hashlib.sha256(text.encode()).hexdigest()


def _ts(value: str | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def event(channel: str, event_name: str | None, event_id: str | None, event_time: str, **cols) -> dict:
    """One canonical event row; unspecified columns get clean defaults."""
    n = next(_seq)
    t = _ts(event_time)
    row = {
        "event_ref": cols.pop("event_ref", f"t:{n}:0"),
        "load_id": "test",
        "source_file": cols.pop("source_file", f"{channel}.jsonl"),
        "source_line": cols.pop("source_line", n),
        "source_index": cols.pop("source_index", 0),
        "channel": channel,
        "dataset_id": "111",
        "event_name": event_name,
        "event_id": event_id,
        "event_time": t,
        "event_time_raw": str(int(t.timestamp() * (1000 if channel == "pixel" else 1))),
        "sent_at": None,
        "action_source": "website",
        "event_source_url": "https://shop.example.com/checkout",
        "em": sha(f"user{n}@example.com"),
        "external_id": f"cust-{n}",
        "fbp": f"fb.1.1762000000000.{1000000 + n}",
        "client_ip_address": f"203.0.113.{n % 250 + 1}",
        "client_user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
    }
    row.update(cols)
    if "sent_at" in row:
        row["sent_at"] = _ts(row["sent_at"])
    if row.get("value") is not None and row.get("value_raw") is None:
        row["value_raw"] = str(row["value"])
    for col in LIST_COLUMNS:
        if isinstance(row.get(col), str):
            row[col] = [row[col]]
    return row


def pixel(event_name, event_id, event_time, **cols) -> dict:
    return event("pixel", event_name, event_id, event_time, **cols)


def capi(event_name, event_id, event_time, **cols) -> dict:
    return event("capi", event_name, event_id, event_time, **cols)


def store(rows: list[dict], con=None):
    """An in-memory workspace holding exactly these events."""
    con = con or connect(None)
    cols = [r[1] for r in con.execute("pragma table_info('events')").fetchall()]
    unknown = {k for r in rows for k in r} - set(cols)
    if unknown:
        raise KeyError(f"not canonical columns: {sorted(unknown)}")
    if not rows:
        return con
    placeholders = ", ".join("?" for _ in cols)
    con.executemany(
        f"insert into events ({', '.join(cols)}) values ({placeholders})",
        [[r.get(c) for c in cols] for r in rows],
    )
    return con


def refs(con, rule_id: str) -> set[str]:
    """event_refs the rule flagged."""
    rows = con.execute("select event_ref from findings where rule_id = ?", [rule_id]).fetchall()
    return {r[0] for r in rows}


def check_fires_only_on_planted(con, rule_id: str, cases: list[dict]) -> None:
    """Golden-case contract: the rule flags every ':fires:' event and none of the ':clean:' twins."""
    found = refs(con, rule_id)
    fires = {r["event_ref"] for r in cases if ":fires:" in r["event_ref"]}
    clean = {r["event_ref"] for r in cases if ":clean:" in r["event_ref"]}
    assert fires <= found, f"{rule_id} missed {sorted(fires - found)}"
    assert not clean & found, f"{rule_id} fired on clean twins {sorted(clean & found)}"


def audit_in_two_steps(tmp_path, old: list[dict], new: list[dict]):
    """Audit `old`, add `new` and audit incrementally; also audit both in full, check both give the same
    outputs and return the incremental run."""
    inc, full = tmp_path / "inc.duckdb", tmp_path / "full.duckdb"
    con = store(old, connect(inc))
    incremental.run(con)
    store(new, con)
    run = incremental.run(con)
    con.close()
    con = store(old + new, connect(full))
    incremental.run(con)
    con.close()
    assert differences(full, inc) == {}
    return run
