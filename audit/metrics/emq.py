"""Estimated Event Match Quality: a transparent weighted model over valid parameter coverage.

Meta publishes no formula, so this is our estimate, never Meta's score. Each parameter has a weight
(emq_weights.toml); points = sum(weight x valid coverage); estimate = 10 x (points / max points) ^ exponent,
scaled by the share of events that pass Meta's minimum-key rule (events that fail it contribute nothing).
Coverage shares are counted among the events that pass that rule. See docs/match_quality.md.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

CHANNELS = ("pixel", "capi", "combined")


@dataclass(frozen=True)
class Model:
    """The weights and curve read from emq_weights.toml."""

    weights: dict[str, float]
    curve_exponent: float

    @property
    def max_points(self) -> float:
        return sum(self.weights.values())


@cache
def model() -> Model:
    """The model as configured in emq_weights.toml."""
    text = resources.files("audit.metrics").joinpath("emq_weights.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    weights = {k: float(v) for k, v in data["weights"].items()}
    exponent = float(data.get("curve_exponent", 1.0))
    if any(w < 0 for w in weights.values()) or not 0 < exponent <= 1:
        raise ValueError("emq_weights.toml: weights must be >= 0 and curve_exponent in (0, 1]")
    return Model(weights=weights, curve_exponent=exponent)


def parameters() -> tuple[str, ...]:
    """The parameters the model weighs, in the file's order."""
    return tuple(model().weights)


def _check(valid_coverage: dict[str, float], insufficient_share: float) -> None:
    unknown = set(valid_coverage) - set(model().weights)
    if unknown:
        raise ValueError(f"unknown parameters {sorted(unknown)}; known: {', '.join(parameters())}")
    for key, share in valid_coverage.items():
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"{key}: coverage {share} is outside 0..1")
    if not 0.0 <= insufficient_share <= 1.0:
        raise ValueError(f"insufficient share {insufficient_share} is outside 0..1")


def explain(valid_coverage: dict[str, float], insufficient_share: float = 0.0) -> dict[str, float]:
    """Points each parameter contributes to the estimate; they add up to `estimate(...)`."""
    _check(valid_coverage, insufficient_share)
    m = model()
    raw = {k: w * valid_coverage.get(k, 0.0) for k, w in m.weights.items()}
    points = sum(raw.values())
    if points <= 0 or m.max_points <= 0:
        return {k: 0.0 for k in m.weights}
    score = 10.0 * (points / m.max_points) ** m.curve_exponent * (1.0 - insufficient_share)
    return {k: score * r / points for k, r in raw.items()}


def estimate(valid_coverage: dict[str, float], insufficient_share: float = 0.0) -> float:
    """Estimated EMQ (0-10) from valid coverage per parameter (0..1, among events passing Meta's minimum-key
    rule) and the share of events failing that rule."""
    return min(10.0, max(0.0, sum(explain(valid_coverage, insufficient_share).values())))


@dataclass(frozen=True)
class Inputs:
    """What one estimate is computed from: coverage among sufficient events and the insufficient share."""

    events: int
    valid_coverage: dict[str, float]
    insufficient_share: float


INPUTS_SQL = """
select
    dataset_id,
    event_name,
    channel,
    parameter,
    sum(events)            as events,
    sum(sufficient_events) as sufficient_events,
    sum(valid_sufficient)  as valid_sufficient
from emq_inputs_daily
where ($dataset is null or dataset_id = $dataset)
  and ($start is null or day >= $start)
  and ($end is null or day <= $end)
  and ($names is null or list_contains($names, event_name))
group by all
"""


def read_inputs(
    con,
    event_name: str | None = None,
    dataset: str | None = None,
    pooled: bool = False,
    start: date | None = None,
    end: date | None = None,
    event_names: Iterable[str] | None = None,
) -> dict[tuple, Inputs]:
    """Inputs per (dataset, event name, channel) summed over the days start..end (inclusive, None = no
    limit) from emq_inputs_daily; pooled=True sums datasets (the dataset in the key is then None)."""
    names = [event_name] if event_name is not None else (list(event_names) if event_names else None)
    params = {"dataset": dataset, "start": start, "end": end, "names": names}
    rows = con.execute(INPUTS_SQL, params).fetchall()
    grouped: dict[tuple, dict] = {}
    for dataset_id, name, channel, parameter, events, sufficient, valid in rows:
        key = (None if pooled else dataset_id, name, channel)
        g = grouped.setdefault(key, {"events": 0, "sufficient": 0, "valid": {}})
        if parameter == "em":  # every parameter row carries the same event counts: count them once
            g["events"] += int(events)
            g["sufficient"] += int(sufficient)
        g["valid"][parameter] = g["valid"].get(parameter, 0) + int(valid)
    result: dict[tuple, Inputs] = {}
    for key, g in grouped.items():
        events, sufficient = g["events"], g["sufficient"]
        if events == 0:
            continue
        coverage = {
            p: (v / sufficient if sufficient else 0.0) for p, v in g["valid"].items() if p in model().weights
        }
        result[key] = Inputs(events, coverage, insufficient_share=1 - sufficient / events)
    return result


def has_inputs(con) -> bool:
    """True when the workspace holds the per-day inputs of an audit run."""
    return bool(con.execute(
        "select count(*) from information_schema.tables where table_name = 'emq_inputs_daily'"
    ).fetchone()[0])


def write_match_quality(con) -> None:
    """Fill match_quality per dataset x event name x channel: the period estimate over every day."""
    from audit.metrics.period import match_quality

    if not has_inputs(con):
        return
    rows = [
        (q.dataset_id, q.event_name, q.channel, q.events, q.estimated_emq, json.dumps(q.drivers))
        for q in match_quality(con)
    ]
    if rows:
        con.executemany("insert into match_quality values (?, ?, ?, ?, ?, ?)", rows)
