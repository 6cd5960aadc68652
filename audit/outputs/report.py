"""The weekly audit report: one payload (report.json) rendered as HTML and Markdown.

build_report() gathers this week's and last week's numbers (summary() for the headline, so they
equal `capi-audit summary --json` for the same week), decides verdicts with the pure functions of
report_regressions and verdicts, and write_report() renders the same payload three ways.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from audit.errors import StoreError
from audit.outputs import report_data as data
from audit.outputs.report_regressions import (
    ALL_EVENTS,
    Thresholds,
    change_day,
    find_regressions,
    is_regression,
    load_thresholds,
    rules_started,
)
from audit.outputs.report_weeks import Week, default_week, parse_week
from audit.outputs.verdicts import event_verdict
from audit.rules.catalogue import load_rules

HEADLINE = (
    ("conversions", "Conversions (our best estimate of the truth)", "count", None),
    ("counted_by_meta", "Conversions Meta counts", "count", None),
    ("double_counts", "Conversions Meta counts twice", "count", "lower"),
    ("inflation_rate", "Share counted twice", "share", "lower"),
    ("dedup_rate", "Deduplication rate (conversions on both channels)", "share", "higher"),
    ("event_coverage", "Event coverage (browser events with a server copy)", "share", "higher"),
    ("recovered", "Conversions only the server saw (recovered)", "count", None),
    ("repeat_events", "Repeated sends of one event (retries, double fires)", "count", "lower"),
    ("lost_conversions", "Conversions Meta drops (an event ID used twice)", "count", "lower"),
)
DAILY_METRICS = ("dedup_rate", "inflation_rate", "event_coverage", "error_rate")
TOP_FINDINGS = 10


def week_summary(con, week: Week, dataset: str | None) -> dict[str, Any]:
    """summary --json for one week: the single source of the report's headline numbers."""
    from audit.metrics.summary import summary

    return summary(con, dataset=dataset, start=week.start, end=week.end)


def choose_week(
    first: date | None, last: date | None, week: str | None, dataset: str | None
) -> tuple[Week, bool]:
    """The requested week, or the last complete ISO week in the data; and whether it is complete."""
    if week:
        chosen = parse_week(week)
        return chosen, bool(first and last and first <= chosen.start and chosen.end <= last)
    if first is None or last is None:
        where = f" for dataset {dataset}" if dataset else ""
        raise StoreError(f"the database holds no events{where}; load logs with `capi-audit audit` first")
    return default_week(first, last)


def scope_numbers(summary: dict[str, Any], delivery: dict[str | None, dict]) -> dict[str, dict]:
    """Per scope (all events, each event name): the numbers regressions and verdicts compare."""
    scopes = {ALL_EVENTS: {"dedup": summary.get("dedup", {}), "delivery": delivery.get(None, {})}}
    for name, numbers in sorted(summary.get("by_event_name", {}).items()):
        if not (numbers.get("dedup") or {}).get("conversions"):
            continue  # events without any conversion in these days: nothing to judge
        scopes[name] = {
            "dedup": numbers.get("dedup", {}),
            "match_quality": numbers.get("match_quality", {}),
            "coverage": numbers.get("coverage", {}),
            "delivery": delivery.get(name, {}),
        }
    return scopes


def headline(current: dict[str, Any], previous: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The headline numbers with last week's value and the change."""
    rows = []
    for key, label, kind, better in HEADLINE:
        now = current.get("dedup", {}).get(key)
        then = (previous or {}).get("dedup", {}).get(key) if previous else None
        change = now - then if isinstance(now, int | float) and isinstance(then, int | float) else None
        rows.append(
            {"key": key, "label": label, "kind": kind, "better": better,
             "current": now, "previous": then, "change": change}
        )
    return rows


def with_change_days(regressions: list[dict], daily: list[dict], week: Week) -> list[dict]:
    """Attach to each regression the day its daily series shifted, when the series has one."""
    for reg in regressions:
        metric = reg["metric"].split(".", 1)[1]
        reg["changed_on"] = None
        if metric not in DAILY_METRICS:
            continue
        scope = None if reg["scope"] == ALL_EVENTS else reg["scope"]
        points = [
            (date.fromisoformat(r["day"]), r[metric])
            for r in daily
            if (r["event_name"] if not r["all_events"] else None) == scope
        ]
        shift = change_day(points, week.start)
        if shift:
            reg["changed_on"] = shift["day"]
    return regressions


def top_findings(
    counts: dict[str, int], previous: dict[str, int], rows: list[dict], examples: dict[str, list[dict]]
) -> list[dict[str, Any]]:
    """The most severe and most frequent rules of the week, with meaning, fix and examples."""
    catalogue = {r.id: r for r in load_rules()}
    order = {"critical": 0, "warning": 1, "info": 2}
    per_rule: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = per_rule.setdefault(row["rule_id"], {"by_severity": {}, "by_event_name": {}})
        entry["by_severity"][row["severity"]] = entry["by_severity"].get(row["severity"], 0) + row["findings"]
        entry["by_event_name"][row["event_name"]] = (
            entry["by_event_name"].get(row["event_name"], 0) + row["findings"]
        )
    result = []
    for rule_id, n in counts.items():
        if not n:
            continue
        rule = catalogue.get(rule_id)
        detail = per_rule.get(rule_id, {"by_severity": {}, "by_event_name": {}})
        severities = detail["by_severity"] or {rule.severity if rule else "warning": n}
        worst = min(severities, key=lambda s: order.get(s, 3))
        result.append(
            {
                "rule_id": rule_id,
                "severity": worst,
                "title": rule.title if rule else rule_id,
                "meaning": rule.meaning if rule else "",
                "fix": rule.fix if rule else "",
                "findings": n,
                "previous_findings": previous.get(rule_id, 0),
                "by_severity": severities,
                "by_event_name": dict(sorted(detail["by_event_name"].items(), key=lambda kv: -kv[1])),
                "examples": examples.get(rule_id, []),
            }
        )
    result.sort(key=lambda r: (order.get(r["severity"], 3), -r["findings"], r["rule_id"]))
    return result[:TOP_FINDINGS]


def channel_order(by_channel: dict[str, Any]) -> dict[str, Any]:
    """Browser, server, then both combined."""
    order = ("pixel", "capi", "combined")
    return dict(sorted(by_channel.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 9))


def emq_changes(now: dict[str, Any], then: dict[str, Any] | None) -> dict[str, float | None]:
    """Per channel: this week's estimated EMQ minus last week's (None when either is missing)."""
    before = then or {}
    return {ch: (round(score - before[ch], 2) if score is not None and before.get(ch) is not None else None)
            for ch, score in now.items()}


def valid_changes(now: dict[str, Any], then: dict[str, Any] | None) -> dict[str, dict[str, float | None]]:
    """Per channel and parameter: this week's valid share minus last week's (None when either is missing)."""
    before = then or {}
    out: dict[str, dict[str, float | None]] = {}
    for ch, by_param in now.items():
        for param, shares in by_param.items():
            prev = (before.get(ch) or {}).get(param) or {}
            cur, old = shares.get("valid"), prev.get("valid")
            out.setdefault(ch, {})[param] = None if cur is None or old is None else cur - old
    return out


def problems_by_event(rows: list[dict]) -> dict[str, list[dict[str, Any]]]:
    """Per event name: the rules that fired, most severe and most frequent first."""
    titles = {r.id: r.title for r in load_rules()}
    order = {"critical": 0, "warning": 1, "info": 2}
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row["event_name"], []).append(
            {"rule_id": row["rule_id"], "severity": row["severity"],
             "title": titles.get(row["rule_id"], row["rule_id"]), "findings": row["findings"]}
        )
    for problems in out.values():
        problems.sort(key=lambda p: (order.get(p["severity"], 3), -p["findings"], p["rule_id"]))
    return out


def build_report(
    con, week: str | None = None, dataset: str | None = None, thresholds: Thresholds | None = None
) -> dict[str, Any]:
    """Everything the weekly report shows, as one JSON-ready payload."""
    data.check_audited(con)
    thresholds = thresholds or load_thresholds()
    first, last = data.data_days(con, dataset)
    chosen, complete = choose_week(first, last, week, dataset)
    prev = chosen.previous()
    current = week_summary(con, chosen, dataset)
    previous = week_summary(con, prev, dataset)
    has_previous = bool(sum((previous.get("events") or {}).values()))
    delivery_now = data.delivery(con, chosen, dataset)
    delivery_then = data.delivery(con, prev, dataset)
    scopes_now = scope_numbers(current, delivery_now)
    scopes_then = scope_numbers(previous, delivery_then) if has_previous else {}
    daily = data.daily_series(con, chosen, dataset)
    regressions = with_change_days(find_regressions(scopes_now, scopes_then, thresholds), daily, chosen)
    severity_of = {r.id: r.severity for r in load_rules()}
    finding_rows = data.findings_by_rule(con, chosen, dataset)
    first_day = {}
    for row in finding_rows:
        first_day[row["rule_id"]] = min(filter(None, (first_day.get(row["rule_id"]), row["first_day"])))
        severity_of[row["rule_id"]] = min(
            (severity_of.get(row["rule_id"], "info"), row["severity"]),
            key=("critical", "warning", "info").index,
        )
    started = rules_started(current.get("findings", {}), previous.get("findings", {}), severity_of) \
        if has_previous else []
    catalogue = {r.id: r for r in load_rules()}
    for rule in started:
        rule["title"] = catalogue[rule["rule_id"]].title if rule["rule_id"] in catalogue else rule["rule_id"]
        rule["first_day"] = first_day.get(rule["rule_id"])
    problems = problems_by_event(finding_rows)
    verdicts = []
    for name, numbers in scopes_now.items():
        if name == ALL_EVENTS:
            continue
        regressed = [r["label"] for r in regressions if r["scope"] == name]
        verdict = event_verdict(numbers, problems.get(name, []), regressed)
        verdicts.append({"event_name": name, "conversions": numbers["dedup"].get("conversions"), **verdict})
    by_event = []
    for name, numbers in sorted(current.get("by_event_name", {}).items()):
        then = (previous.get("by_event_name") or {}).get(name, {}) if has_previous else {}
        match_quality = channel_order(numbers.get("match_quality") or {})
        coverage = channel_order(numbers.get("coverage") or {})
        by_event.append(
            {
                "event_name": name,
                "in_week": name in scopes_now,
                "dedup": numbers.get("dedup", {}),
                "previous_dedup": then.get("dedup") if then else None,
                "coverage": coverage,
                "match_quality": match_quality,
                "previous_match_quality": then.get("match_quality") if then else None,
                "match_quality_change": emq_changes(match_quality, then.get("match_quality")),
                "valid_change": valid_changes(coverage, then.get("coverage")),
                "delivery": delivery_now.get(name, {}),
            }
        )
    return {
        "report": {
            "week": chosen.label,
            "start": chosen.start.isoformat(),
            "end": chosen.end.isoformat(),
            "complete": complete,
            "previous_week": prev.label,
            "has_previous": has_previous,
            "dataset": dataset,
            "first_day": first.isoformat() if first else None,
            "last_day": last.isoformat() if last else None,
            "emq_note": ("Match quality is our estimate from the parameters sent this week, "
                         "not Meta's own score."),
        },
        "headline": headline(current, previous if has_previous else None),
        "events": {
            "current": current.get("events", {}),
            "previous": previous.get("events", {}) if has_previous else None,
        },
        "inflated_value": {
            "current": current.get("dedup", {}).get("inflated_value", {}),
            "previous": previous.get("dedup", {}).get("inflated_value", {}) if has_previous else None,
        },
        "verdicts": verdicts,
        "what_broke": {
            "regressions": regressions,
            "rules_started": started,
            "failing": is_regression(regressions, started, thresholds),
        },
        "top_findings": top_findings(
            current.get("findings", {}), previous.get("findings", {}), finding_rows,
            data.finding_examples(con, chosen, dataset),
        ),
        "by_event_name": by_event,
        "delivery": {
            "totals": delivery_now.get(None, {}),
            "outcomes": data.delivery_errors(con, chosen, dataset),
        },
        "daily": daily,
        "summary": current,
        "previous_summary": previous if has_previous else None,
    }


def write_report(con, out_dir: str | Path, week: str | None = None, dataset: str | None = None,
                 thresholds: Thresholds | None = None) -> dict[str, Any]:
    """Write report.json, report.html and report.md into out_dir; returns the payload."""
    from audit.outputs.report_render import render_html, render_markdown

    payload = build_report(con, week=week, dataset=dataset, thresholds=thresholds)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    (out / "report.html").write_text(render_html(payload), encoding="utf-8")
    (out / "report.md").write_text(render_markdown(payload), encoding="utf-8")
    return payload
