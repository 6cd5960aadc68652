"""Traffic-light verdicts on headline numbers, for the dashboard and the weekly report alike: pure functions,
thresholds in one place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

GREEN, AMBER, RED, GREY = "green", "amber", "red", "grey"
LIGHTS = {GREEN: "🟢", AMBER: "🟠", RED: "🔴", GREY: "⚪"}

DEDUP_RATE_GOOD = 0.95          # Meta's dedup should be close to 100 % of conversions on both channels
DEDUP_RATE_FAIR = 0.80
INFLATION_GOOD = 0.01           # double counts as a share of conversions
INFLATION_FAIR = 0.05
EVENT_COVERAGE_GOAL = 0.75      # Meta's event coverage goal
EVENT_COVERAGE_FAIR = 0.50
EMQ_GOAL = 6.0                  # Meta's recommended Event Match Quality
EMQ_FAIR = 4.0


@dataclass(frozen=True)
class Verdict:
    """One light: its colour and the plain-words reason."""

    light: str
    text: str

    @property
    def icon(self) -> str:
        return LIGHTS[self.light]


def _pct(share: float) -> str:
    return f"{share:.0%}" if share < 0.995 or share >= 1 else f"{share:.1%}"


def dedup_verdict(dedup_rate: float | None) -> Verdict:
    """Share of conversions seen on both channels that Meta deduplicates."""
    if dedup_rate is None:
        return Verdict(GREY, "not on both channels")
    if dedup_rate >= DEDUP_RATE_GOOD:
        return Verdict(GREEN, f"{_pct(dedup_rate)} deduplicated")
    return Verdict(AMBER if dedup_rate >= DEDUP_RATE_FAIR else RED, f"only {_pct(dedup_rate)}")


def double_count_verdict(double_counts: int | None, inflation_rate: float | None,
                         conversions: int | None = None) -> Verdict:
    """Conversions Meta counts twice, judged by their share of all conversions."""
    if double_counts is None or conversions == 0:
        return Verdict(GREY, "no conversions")
    if double_counts <= 0:
        return Verdict(GREEN, "none counted twice")
    rate = inflation_rate or 0.0
    text = f"{double_counts:,} twice ({_pct(rate)})"
    if rate < INFLATION_GOOD:
        return Verdict(GREEN, text)
    return Verdict(AMBER if rate < INFLATION_FAIR else RED, text)


def coverage_verdict(event_coverage: float | None) -> Verdict:
    """Event coverage against Meta's 75 % goal."""
    if event_coverage is None:
        return Verdict(GREY, "no browser events")
    text = f"{_pct(event_coverage)} (goal 75%)"
    if event_coverage >= EVENT_COVERAGE_GOAL:
        return Verdict(GREEN, text)
    return Verdict(AMBER if event_coverage >= EVENT_COVERAGE_FAIR else RED, text)


def emq_verdict(estimated_emq: float | None) -> Verdict:
    """Estimated Event Match Quality against Meta's recommended 6.0."""
    if estimated_emq is None:
        return Verdict(GREY, "no server events to estimate")
    text = f"{estimated_emq:.1f} of 10 (goal 6.0)"
    if estimated_emq >= EMQ_GOAL:
        return Verdict(GREEN, text)
    return Verdict(AMBER if estimated_emq >= EMQ_FAIR else RED, text)


def overall(verdicts: list[Verdict]) -> str:
    """The worst light among several (grey ignored)."""
    order = [RED, AMBER, GREEN]
    lights = [v.light for v in verdicts if v.light != GREY]
    for light in order:
        if light in lights:
            return light
    return GREY

EMQ_CHANNELS = (("capi", "server events"), ("combined", "browser and server events"),
                ("pixel", "browser events"))


def emq_judged(match_quality: dict[str, Any] | None) -> tuple[str | None, float | None]:
    """The estimated EMQ to judge an event name by, with the events it describes in words: the server's,
    else the combined one, else the browser's."""
    mq = match_quality or {}
    for ch, words in EMQ_CHANNELS:
        if mq.get(ch) is not None:
            return words, float(mq[ch])
    return None, None


def emq_of(match_quality: dict[str, Any] | None) -> float | None:
    """The estimated EMQ to judge an event name by (see emq_judged)."""
    return emq_judged(match_quality)[1]


def event_checks(dedup: dict[str, Any], match_quality: dict[str, Any] | None) -> list[Verdict]:
    """The four lights of one event name (dashboard board and weekly report): deduplication, counted twice,
    event coverage, estimated match quality."""
    return [
        dedup_verdict(dedup.get("dedup_rate")),
        double_count_verdict(dedup.get("double_counts"), dedup.get("inflation_rate"),
                             dedup.get("conversions")),
        coverage_verdict(dedup.get("event_coverage")),
        emq_verdict(emq_of(match_quality)),
    ]


def pct(share: float | None) -> str:
    """A share as a whole percentage for sentences ('12 %')."""
    return "–" if share is None else f"{share * 100:.0f} %"


LEVELS = {
    RED: ("fix", "Needs fixing"),
    AMBER: ("attention", "Needs attention"),
    GREEN: ("ok", "Healthy"),
    GREY: ("no_data", "Not enough data"),
}


def event_verdict(
    numbers: dict[str, Any], problems: list[dict[str, Any]], regressed: list[str]
) -> dict[str, Any]:
    """The verdict for one event name this week, with its reasons in plain words.

    The traffic lights are the dashboard's (`event_checks`). `problems` are the event's rules that fired
    ({severity, title, findings}); a critical or warning rule, or a tracked metric that got worse than
    last week, makes the verdict at least "needs attention".
    """
    dedup = numbers.get("dedup") or {}
    rate, inflation = dedup.get("dedup_rate"), dedup.get("inflation_rate")
    coverage = dedup.get("event_coverage")
    emq_events, emq = emq_judged(numbers.get("match_quality"))
    reasons_of = [
        lambda: f"only {pct(rate)} of conversions sent by both browser and server are deduplicated",
        lambda: f"Meta counts {dedup.get('double_counts'):,} conversions twice ({pct(inflation)})",
        lambda: f"{pct(coverage)} of browser events have a server copy (Meta's goal: 75 %)",
        lambda: f"estimated match quality of {emq_events} is {emq:.1f} out of 10 (Meta recommends 6+)",
    ]
    checks = list(zip(event_checks(dedup, numbers.get("match_quality")), reasons_of, strict=True))
    reasons = [say() for verdict, say in checks if verdict.light in (RED, AMBER)]
    extra = [f"{label} got worse than last week" for label in regressed]
    serious = [p for p in problems if p["severity"] in ("critical", "warning")]
    for p in serious[:3]:
        extra.append(f"{p['title']} ({p['findings']:,} event{'' if p['findings'] == 1 else 's'})")
    if len(serious) > 3:
        extra.append(f"and {len(serious) - 3} more problems")
    light = overall([v for v, _ in checks] + [Verdict(AMBER, r) for r in extra])
    level, label = LEVELS[light]
    return {"level": level, "label": label, "light": light, "reasons": reasons + extra}
