"""Traffic-light verdicts on headline numbers: pure functions, thresholds in one place."""

from __future__ import annotations

from dataclasses import dataclass

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
