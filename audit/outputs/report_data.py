"""Read the numbers of one report week from an audited workspace (SQL in report_sql/, summary())."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

from audit.db import sql_text
from audit.errors import StoreError
from audit.outputs.report_weeks import Week

REQUIRED_TABLES = ("events", "findings", "dedup_daily", "timing_daily", "delivery_outcomes", "rules")
HASH = re.compile(r"\b([0-9a-fA-F]{8})[0-9a-fA-F]{56}\b")
EMAIL = re.compile(r"[^\s@'\"]+@[^\s@'\"]+\.[A-Za-z]{2,}")


def check_audited(con) -> None:
    """Raise StoreError when the workspace holds no audit outputs yet."""
    names = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    missing = [t for t in REQUIRED_TABLES if t not in names]
    if missing:
        raise StoreError(
            f"the database has no audit results ({', '.join(missing)} missing); run `capi-audit audit` first"
        )


def query(con, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run report_sql/<name>.sql with the named parameters it uses; rows as dicts."""
    text = sql_text("audit.outputs.report_sql", f"{name}.sql")
    used = {k: v for k, v in params.items() if f"${k}" in text}
    cur = con.execute(text, used)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, (clean(v) for v in row), strict=True)) for row in cur.fetchall()]


def clean(value: Any) -> Any:
    """JSON-friendly scalar: dates as ISO text, NaN as None."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def data_days(con, dataset: str | None) -> tuple[date | None, date | None]:
    """First and last UTC day with production events."""
    text = sql_text("audit.outputs.report_sql", "data_days.sql")
    first, last = con.execute(text, {"dataset": dataset}).fetchall()[0]
    return first, last


def week_params(week: Week, dataset: str | None) -> dict[str, Any]:
    """Named SQL parameters for one week."""
    return {"start": week.start, "end": week.end, "dataset": dataset}


def daily_series(con, week: Week, dataset: str | None) -> list[dict[str, Any]]:
    """Daily numbers per scope over the previous and the reported week."""
    return query(con, "daily_series", start=week.previous().start, end=week.end, dataset=dataset)


def delivery(con, week: Week, dataset: str | None) -> dict[str | None, dict[str, Any]]:
    """Meta's answers and send latency per scope (None = all events) for one week."""
    rows = query(con, "week_delivery", **week_params(week, dataset))
    return {None if r.pop("all_events") else r["event_name"]: r for r in rows}


def delivery_errors(con, week: Week, dataset: str | None) -> list[dict[str, Any]]:
    """Meta's answers by outcome and error code for one week."""
    return query(con, "week_delivery_errors", **week_params(week, dataset))


def findings_by_rule(con, week: Week, dataset: str | None) -> list[dict[str, Any]]:
    """Findings per rule, severity and event name for one week."""
    return query(con, "week_findings", **week_params(week, dataset))


def finding_examples(con, week: Week, dataset: str | None) -> dict[str, list[dict[str, Any]]]:
    """Up to three example events per rule, with hashes shortened and nothing that looks like an e-mail."""
    examples: dict[str, list[dict[str, Any]]] = {}
    for row in query(con, "finding_examples", **week_params(week, dataset)):
        row["detail"] = redact(row["detail"])
        row["event_id"] = redact(row["event_id"])
        examples.setdefault(row.pop("rule_id"), []).append(row)
    return examples


def redact(text: str | None) -> str | None:
    """Shorten SHA-256 hashes to 8 characters and hide anything shaped like an e-mail address."""
    if text is None:
        return None
    return EMAIL.sub("[e-mail hidden]", HASH.sub(r"\1…", text))
