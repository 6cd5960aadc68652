"""Week-over-week checks of the weekly report: regressions, rules that started firing, the day a metric
changed.

SQL computes the numbers; these functions only compare them with the thresholds in
regressions.toml, so they are unit-tested without a database.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from audit.errors import ConfigError

ALL_EVENTS = "All events"
METRIC_KEYS = (
    "dedup.dedup_rate",
    "dedup.inflation_rate",
    "dedup.event_coverage",
    "delivery.error_rate",
    "match_quality.capi",
    "match_quality.pixel",
    "match_quality.combined",
)
# Valid or present coverage of one parameter on one channel: coverage.<pixel|capi>.<parameter>.<valid|present>
COVERAGE_PARAMETERS = ("em", "ph", "fn", "ln", "ge", "db", "ct", "st", "zp", "country", "external_id", "fbc",
                       "fbp", "client_ip_address", "client_user_agent")
COVERAGE_KEY = re.compile(
    r"^coverage\.(pixel|capi)\.(" + "|".join(COVERAGE_PARAMETERS) + r")\.(valid|present)$"
)


def tracked(key: object) -> bool:
    """True for a metric key the report can compare week over week."""
    return key in METRIC_KEYS or (isinstance(key, str) and COVERAGE_KEY.match(key) is not None)


@dataclass(frozen=True)
class TrackedMetric:
    """A metric compared week over week: worse by more than `threshold` in its bad direction regresses."""

    key: str
    label: str
    better: str  # higher | lower
    threshold: float

    def worsening(self, previous: float, current: float) -> float:
        """How much worse the metric got (negative when it improved)."""
        return previous - current if self.better == "higher" else current - previous


@dataclass(frozen=True)
class Thresholds:
    """The editable thresholds of regressions.toml."""

    metrics: tuple[TrackedMetric, ...]
    min_conversions: int = 20
    new_rule_severities: tuple[str, ...] = ("critical",)


def load_thresholds(text: str | None = None, source: str = "regressions.toml") -> Thresholds:
    """Parse regressions.toml (the packaged one when `text` is None); errors name the file and key."""
    if text is None:
        text = resources.files("audit.outputs").joinpath("regressions.toml").read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: {exc}") from exc
    metrics = []
    for i, entry in enumerate(data.get("metric", []), start=1):
        where = f"{source}: [[metric]] #{i}"
        key = entry.get("key")
        if not tracked(key):
            raise ConfigError(
                f"{where}: key {key!r} is not tracked; allowed: {', '.join(METRIC_KEYS)}, "
                "coverage.<pixel|capi>.<parameter>.<valid|present> (e.g. coverage.capi.em.valid)"
            )
        if entry.get("better") not in ("higher", "lower"):
            raise ConfigError(f"{where} ({key}): better must be 'higher' or 'lower'")
        threshold = entry.get("threshold")
        if not isinstance(threshold, int | float) or threshold < 0:
            raise ConfigError(f"{where} ({key}): threshold must be a number >= 0")
        metrics.append(TrackedMetric(key, str(entry.get("label", key)), entry["better"], float(threshold)))
    settings = data.get("settings", {})
    return Thresholds(
        metrics=tuple(metrics),
        min_conversions=int(settings.get("min_conversions", 20)),
        new_rule_severities=tuple(settings.get("new_rule_severities", ["critical"])),
    )


def metric_value(scope: dict[str, Any] | None, key: str) -> float | None:
    """Look up a dotted key ('dedup.dedup_rate') in a scope's numbers; None when absent."""
    node: Any = scope or {}
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return float(node) if isinstance(node, int | float) and not isinstance(node, bool) else None


def find_regressions(
    current: dict[str, dict], previous: dict[str, dict], thresholds: Thresholds
) -> list[dict[str, Any]]:
    """Tracked metrics that got worse than their threshold, per scope (all events, then each event name)."""
    found = []
    for scope, numbers in current.items():
        before = previous.get(scope)
        if before is None or not big_enough(numbers, before, thresholds.min_conversions):
            continue
        for metric in thresholds.metrics:
            now, then = metric_value(numbers, metric.key), metric_value(before, metric.key)
            if now is None or then is None:
                continue
            worse = metric.worsening(then, now)
            if worse > metric.threshold + 1e-12:
                found.append(
                    {
                        "scope": scope,
                        "metric": metric.key,
                        "label": metric.label,
                        "better": metric.better,
                        "previous": then,
                        "current": now,
                        "change": now - then,
                        "threshold": metric.threshold,
                    }
                )
    for scope, before in previous.items():
        then = metric_value(before, "dedup.conversions") or 0
        if scope not in current and then >= thresholds.min_conversions:
            found.append(
                {
                    "scope": scope,
                    "metric": "dedup.conversions",
                    "label": "Conversions received",
                    "better": "higher",
                    "previous": then,
                    "current": 0.0,
                    "change": -then,
                    "threshold": 0.0,
                }
            )
    return found


def big_enough(current: dict, previous: dict, min_conversions: int) -> bool:
    """Both weeks hold enough conversions for a comparison to mean something."""
    counts = [metric_value(s, "dedup.conversions") or 0 for s in (current, previous)]
    return min(counts) >= min_conversions


def rules_started(
    current: dict[str, int], previous: dict[str, int], severities: dict[str, str]
) -> list[dict[str, Any]]:
    """Rules with findings this week and none the week before, most severe first."""
    order = {"critical": 0, "warning": 1, "info": 2}
    started = [
        {"rule_id": rule_id, "severity": severities.get(rule_id, "warning"), "findings": n}
        for rule_id, n in current.items()
        if n > 0 and not previous.get(rule_id)
    ]
    return sorted(started, key=lambda r: (order.get(r["severity"], 3), -r["findings"], r["rule_id"]))


def is_regression(regressions: list[dict], started: list[dict], thresholds: Thresholds) -> bool:
    """True when --fail-on-regression should exit 1."""
    return bool(regressions) or any(r["severity"] in thresholds.new_rule_severities for r in started)


def change_day(points: list[tuple[date, float | None]], week_start: date) -> dict[str, Any] | None:
    """The day in the reported week where a daily series shifts most (least squares, one step).

    `points` cover the previous and the reported week; days without a value are skipped.
    Returns the first day of the new level with the mean before and after, or None.
    """
    series = sorted((d, v) for d, v in points if v is not None)
    best: tuple[float, date, float, float] | None = None
    for split, (day, _) in enumerate(series):
        if day < week_start or split == 0:
            continue
        before = [v for _, v in series[:split]]
        after = [v for _, v in series[split:]]
        mean_b, mean_a = sum(before) / len(before), sum(after) / len(after)
        sse = sum((v - mean_b) ** 2 for v in before) + sum((v - mean_a) ** 2 for v in after)
        if best is None or sse < best[0] - 1e-12:
            best = (sse, day, mean_b, mean_a)
    if best is None:
        return None
    return {"day": best[1].isoformat(), "before": best[2], "after": best[3]}
