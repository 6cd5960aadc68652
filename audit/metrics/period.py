"""Coverage and estimated EMQ for any selection of days: the per-day counts summed, then the pure model.

match_quality() with no filter is exactly what the audit stores in the `match_quality` table; with a date
range it is the same estimate over those days only (the dashboard's date filter, the weekly report).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from audit.db import sql_text
from audit.metrics.emq import CHANNELS, explain, read_inputs

SQL_PACKAGE = "audit.metrics.summary_sql"


@dataclass(frozen=True)
class Quality:
    """Estimated EMQ of one dataset x event name x channel over the chosen days, and what it is made of."""

    dataset_id: str | None
    event_name: str | None
    channel: str
    events: int
    estimated_emq: float                # 0-10, rounded to 2 decimals as stored in match_quality
    drivers: dict[str, float]           # parameter -> points (rounded to 3 decimals)
    valid_coverage: dict[str, float]    # parameter -> valid share among events passing the minimum-key rule
    insufficient_share: float           # share of events failing Meta's minimum-key rule


def _order(q: Quality) -> tuple:
    return (q.dataset_id or "", q.event_name or "", CHANNELS.index(q.channel))


def match_quality(
    con,
    dataset: str | None = None,
    start: date | None = None,
    end: date | None = None,
    event_names: Iterable[str] | None = None,
    pooled: bool = False,
) -> list[Quality]:
    """Estimated EMQ per dataset x event name x channel (pixel, capi, combined) over days start..end
    (inclusive; None = no limit); pooled=True adds the datasets' counts together (dataset_id None)."""
    inputs = read_inputs(con, dataset=dataset, start=start, end=end, event_names=event_names, pooled=pooled)
    result = []
    for (dataset_id, event_name, channel), inp in inputs.items():
        drivers = explain(inp.valid_coverage, inp.insufficient_share)
        result.append(
            Quality(
                dataset_id=dataset_id,
                event_name=event_name,
                channel=channel,
                events=inp.events,
                estimated_emq=round(sum(drivers.values()), 2),
                drivers={k: round(v, 3) for k, v in drivers.items()},
                valid_coverage=inp.valid_coverage,
                insufficient_share=inp.insufficient_share,
            )
        )
    return sorted(result, key=_order)


def pooled_emq(qualities: Iterable[Quality]) -> dict[tuple[str | None, str], tuple[int, float | None]]:
    """Per (event name, channel): events and the events-weighted mean of the datasets' estimates."""
    sums: dict[tuple[str | None, str], list[float]] = {}
    for q in qualities:
        acc = sums.setdefault((q.event_name, q.channel), [0, 0.0])
        acc[0] += q.events
        acc[1] += q.estimated_emq * q.events
    return {key: (int(n), (total / n if n else None)) for key, (n, total) in sums.items()}


def pooled_drivers(qualities: Iterable[Quality]) -> dict[str, float]:
    """Points per parameter, events-weighted across the given estimates (one event name and channel)."""
    chosen = [q for q in qualities if q.events > 0]
    events = sum(q.events for q in chosen)
    if not events:
        return {}
    keys = dict.fromkeys(k for q in chosen for k in q.drivers)
    return {k: sum(q.drivers.get(k, 0.0) * q.events for q in chosen) / events for k in keys}


def coverage(
    con,
    dataset: str | None = None,
    start: date | None = None,
    end: date | None = None,
    event_names: Iterable[str] | None = None,
    channel: str | None = None,
) -> list[dict[str, Any]]:
    """Present and valid shares per event name x channel x parameter over days start..end (datasets pooled
    by event counts), from parameter_coverage_daily."""
    params = {"dataset": dataset, "start": start, "end": end,
              "names": list(event_names) if event_names else None, "channel": channel}
    cur = con.execute(sql_text(SQL_PACKAGE, "coverage.sql"), params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
