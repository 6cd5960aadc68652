"""ISO weeks: parse `YYYY-Www`, its date range, the previous week and the last complete week."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from audit.errors import ConfigError

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class Week:
    """One ISO week, Monday to Sunday (UTC days)."""

    year: int
    number: int

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def start(self) -> date:
        """Monday of the week."""
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def end(self) -> date:
        """Sunday of the week (inclusive)."""
        return self.start + timedelta(days=6)

    def days(self) -> list[date]:
        """The seven days of the week."""
        return [self.start + timedelta(days=i) for i in range(7)]

    def previous(self) -> Week:
        """The week before."""
        return week_of(self.start - timedelta(days=7))

    def __str__(self) -> str:
        return self.label


def week_of(day: date) -> Week:
    """The ISO week a day belongs to."""
    year, number, _ = day.isocalendar()
    return Week(year, number)


def parse_week(text: str) -> Week:
    """Parse `YYYY-Www` (e.g. 2026-W45); raises ConfigError naming the expected form."""
    match = WEEK_PATTERN.match(text.strip())
    if not match:
        raise ConfigError(f"--week {text!r}: expected an ISO week like 2026-W45")
    year, number = int(match.group(1)), int(match.group(2))
    try:
        date.fromisocalendar(year, number, 1)
    except ValueError as exc:
        raise ConfigError(f"--week {text!r}: {year} has no week {number}") from exc
    return Week(year, number)


def last_complete_week(last_day: date) -> Week:
    """The latest ISO week whose Sunday is on or before the last day with data."""
    week = week_of(last_day)
    return week if week.end <= last_day else week.previous()


def default_week(first_day: date, last_day: date) -> tuple[Week, bool]:
    """The week to report on by default and whether it is complete.

    The last complete ISO week in the data; when the data does not cover one whole week,
    the week of the last day (reported as partial).
    """
    week = last_complete_week(last_day)
    if week.end < first_day:
        return week_of(last_day), False
    return week, week.start >= first_day
