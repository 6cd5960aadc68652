"""Estimated Event Match Quality: a transparent weighted model over valid parameter coverage.

Meta publishes no formula, so this is our estimate, never Meta's score. Each parameter has a weight
(emq_weights.toml); points = sum(weight x valid coverage); estimate = 10 x (points / max points) ^ exponent,
scaled by the share of events that pass Meta's minimum-key rule (events that fail it contribute nothing).
Coverage shares are counted among the events that pass that rule. See docs/match_quality.md.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
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
from stage_mq_emq_inputs
where ($event_name is null or event_name = $event_name)
  and ($dataset is null or dataset_id = $dataset)
group by all
"""


def read_inputs(con, event_name: str | None = None, dataset: str | None = None, pooled: bool = False):
    """Inputs per (dataset, event name, channel) from stage_mq_emq_inputs; pooled=True sums datasets."""
    rows = con.execute(INPUTS_SQL, {"event_name": event_name, "dataset": dataset}).fetchall()
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


def write_match_quality(con) -> None:
    """Fill match_quality per dataset x event name x channel (pixel, capi, combined) from the inputs."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = 'stage_mq_emq_inputs'"
    ).fetchone()[0]
    if not exists:
        return
    rows = []
    for (dataset_id, event_name, channel), inp in sorted(
        read_inputs(con).items(), key=lambda kv: (kv[0][0] or "", kv[0][1] or "", CHANNELS.index(kv[0][2]))
    ):
        drivers = explain(inp.valid_coverage, inp.insufficient_share)
        score = round(sum(drivers.values()), 2)
        rows.append(
            (
                dataset_id,
                event_name,
                channel,
                inp.events,
                score,
                json.dumps({k: round(v, 3) for k, v in drivers.items()}),
            )
        )
    if rows:
        con.executemany("insert into match_quality values (?, ?, ?, ?, ?, ?)", rows)
