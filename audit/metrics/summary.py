"""The headline numbers as one JSON-ready dict: `capi-audit summary`, the dashboard and the report.

Reads only the audit outputs (dedup_daily, inflated_value_daily, findings, parameter_coverage_daily,
emq_inputs_daily through audit.metrics.period) plus plain event counts per channel; every number honours
the filters, the date range included; shares are fractions in [0, 1] (None when the
denominator is zero).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import duckdb

from audit.db import sql_text
from audit.errors import AuditError
from audit.metrics.emq import has_inputs
from audit.metrics.period import match_quality, pooled_emq
from audit.rules.catalogue import SEVERITIES, load_rules

SQL_PACKAGE = "audit.metrics.summary_sql"
CHANNELS = ("pixel", "capi")
NO_NAME = "(no event name)"
COUNT_KEYS = (
    "conversions", "counted_by_meta", "deduplicated_pairs", "both_channels", "double_counts",
    "recovered", "pixel_with_dedup_key", "pixel_unique_events", "repeat_events", "lost_conversions",
)


def share(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, or None when there is nothing to divide by."""
    if not denominator or numerator is None:
        return None
    return float(numerator) / float(denominator)


def dedup_numbers(counts: dict[str, int], inflated: dict[str, float]) -> dict[str, Any]:
    """The `dedup` block: counts as stored plus the three shares derived from them."""
    numbers: dict[str, Any] = {key: int(counts.get(key) or 0) for key in COUNT_KEYS}
    numbers["dedup_rate"] = share(numbers["deduplicated_pairs"], numbers["both_channels"])
    numbers["inflation_rate"] = share(numbers["double_counts"], numbers["conversions"])
    numbers["event_coverage"] = share(numbers["pixel_with_dedup_key"], numbers["pixel_unique_events"])
    numbers["inflated_value"] = {cur: round(float(v), 2) for cur, v in sorted(inflated.items())}
    return numbers


def _rows(con, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Run one summary query with the filters it uses; rows as dicts."""
    text = sql_text(SQL_PACKAGE, name)
    used = {k: v for k, v in params.items() if f"${k}" in text}
    try:
        cur = con.execute(text, used)
    except duckdb.CatalogException as exc:
        raise AuditError(
            f"this database has no audit results yet; run `capi-audit audit` first ({exc})"
        ) from exc
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def _as_day(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise AuditError(f"{value!r} is not a day; use YYYY-MM-DD") from exc


def _match_quality(con, params: dict[str, Any]) -> dict[tuple[str | None, str], tuple[int, float | None]]:
    """Estimated EMQ per event name x channel over the chosen days (datasets pooled, weighted by events)."""
    if not has_inputs(con):
        raise AuditError("this database has no audit results yet; run `capi-audit audit` first")
    qualities = match_quality(con, dataset=params["dataset"], start=params["start"], end=params["end"],
                              event_names=params["names"])
    return {key: v for key, v in pooled_emq(qualities).items()
            if params["channel"] is None or key[1] == params["channel"]}


def _mq_order(item: tuple) -> tuple:
    (event_name, channel), _ = item
    return (event_name or "", channel)


def _name(value: str | None) -> str:
    return NO_NAME if value is None else value


def summary(
    con,
    dataset: str | None = None,
    start: date | str | None = None,
    end: date | str | None = None,
    event_names: Iterable[str] | None = None,
    channel: str | None = None,
    names: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Headline numbers for the selection: days start..end inclusive, one dataset, some event names.

    `channel` ('pixel' or 'capi') narrows the event counts, findings, coverage and match quality;
    the dedup numbers always describe both channels. `names` is an alias of `event_names`.
    """
    if channel not in (None, *CHANNELS):
        raise AuditError(f"channel must be one of {CHANNELS}, not {channel!r}")
    chosen = event_names if event_names is not None else names
    params: dict[str, Any] = {
        "dataset": dataset,
        "start": _as_day(start),
        "end": _as_day(end),
        "names": list(chosen) if chosen else None,
        "channel": channel,
    }

    events = {c: 0 for c in CHANNELS if channel in (None, c)}
    test_events = 0
    for row in _rows(con, "events.sql", params):
        if row["channel"] in events:
            events[row["channel"]] = int(row["events"])
        test_events += int(row["test_events"])

    inflated_total: dict[str, float] = {}
    inflated_by_name: dict[str, dict[str, float]] = {}
    for row in _rows(con, "inflated_value.sql", params):
        if row["is_total"]:
            target = inflated_total
        else:
            target = inflated_by_name.setdefault(_name(row["event_name"]), {})
        target[row["currency"]] = float(row["inflated_value"] or 0)

    total: dict[str, Any] = dedup_numbers({}, {})
    by_event_name: dict[str, dict[str, Any]] = {}
    for row in _rows(con, "dedup.sql", params):
        if row["is_total"]:
            total = dedup_numbers(row, inflated_total)
        else:
            name = _name(row["event_name"])
            entry = by_event_name.setdefault(name, {"coverage": {}, "match_quality": {}})
            entry["dedup"] = dedup_numbers(row, inflated_by_name.get(name, {}))

    for row in _rows(con, "coverage.sql", params):
        entry = by_event_name.setdefault(_name(row["event_name"]), {"coverage": {}, "match_quality": {}})
        entry["coverage"].setdefault(row["channel"], {})[row["parameter"]] = {
            "present": row["present"],
            "valid": row["valid"],
        }
    for (event_name, ch), (_events, emq) in sorted(_match_quality(con, params).items(), key=_mq_order):
        entry = by_event_name.setdefault(_name(event_name), {"coverage": {}, "match_quality": {}})
        entry["match_quality"][ch] = None if emq is None else round(float(emq), 2)
    for entry in by_event_name.values():
        entry.setdefault("dedup", dedup_numbers({}, {}))

    findings = {r.id: 0 for r in load_rules()}
    by_severity = {s: 0 for s in SEVERITIES}
    for row in _rows(con, "findings.sql", params):
        findings[row["rule_id"]] = findings.get(row["rule_id"], 0) + int(row["findings"])
        by_severity[row["severity"]] = by_severity.get(row["severity"], 0) + int(row["findings"])

    return {
        "filters": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in params.items()},
        "events": events,
        "test_events": test_events,
        "dedup": total,
        "findings": findings,
        "findings_by_severity": by_severity,
        "by_event_name": dict(sorted(by_event_name.items())),
    }
