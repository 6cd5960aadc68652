"""The rule catalogue: every audit rule declared once, in audit/rules/defs/<area>.toml.

The engine, `capi-audit rules`, the dashboard and the report all read `RULES`.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources

AREAS = ("dedup", "events", "parameters")
SEVERITIES = ("critical", "warning", "info")


@dataclass(frozen=True)
class Rule:
    """One audit rule: what is wrong, how bad, what it means for the advertiser and how to fix it."""

    id: str
    area: str
    severity: str
    title: str
    meaning: str
    fix: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@cache
def load_rules() -> tuple[Rule, ...]:
    """Read every area file in a fixed order; ids must be unique and severities known."""
    rules: list[Rule] = []
    for area in AREAS:
        path = resources.files("audit.rules.defs").joinpath(f"{area}.toml")
        if not path.is_file():
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for entry in data.get("rule", []):
            rule = Rule(area=area, **entry)
            if rule.severity not in SEVERITIES:
                raise ValueError(f"{area}.toml: rule {rule.id}: severity must be one of {SEVERITIES}")
            rules.append(rule)
    ids = [r.id for r in rules]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ValueError(f"rule ids declared twice: {sorted(dupes)}")
    return tuple(rules)


def rule(rule_id: str) -> Rule:
    """Look up one rule by id."""
    for r in load_rules():
        if r.id == rule_id:
            return r
    raise KeyError(rule_id)


def severity_rank(severity: str) -> int:
    """0 for critical, 1 for warning, 2 for info."""
    return SEVERITIES.index(severity)
