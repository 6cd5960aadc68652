"""What-if on the estimated EMQ: "send ph on 80 % of Lead events and the estimate moves from X to Y".

The dashboard sliders and `capi-audit whatif` call `project`. An override sets a parameter's valid coverage
(0..1) among the events that pass Meta's minimum-key rule; everything else stays as measured.
"""

from __future__ import annotations

from datetime import date

from audit.errors import AuditError, ConfigError
from audit.metrics.emq import CHANNELS, estimate, has_inputs, parameters, read_inputs

# Short names people type for the long parameter names.
ALIASES = {"ip": "client_ip_address", "ua": "client_user_agent", "user_agent": "client_user_agent"}


def normalize_overrides(overrides: dict[str, float]) -> dict[str, float]:
    """Resolve aliases and check names and shares; raises ConfigError naming what is allowed."""
    known = parameters()
    clean: dict[str, float] = {}
    for name, share in overrides.items():
        key = ALIASES.get(name.strip().lower(), name.strip().lower())
        if key not in known:
            raise ConfigError(f"unknown parameter {name!r}; choose from: {', '.join(known)}")
        if not 0.0 <= float(share) <= 1.0:
            raise ConfigError(f"{name}: share {share} must be between 0 and 1 (0.8 means 80 % of events)")
        clean[key] = float(share)
    return clean


def audited(con) -> bool:
    """True when the workspace holds the inputs of an audit run."""
    return has_inputs(con)


def project(
    con,
    event_name: str,
    overrides: dict[str, float],
    dataset: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[dict]:
    """Current and projected estimated EMQ per channel (pixel, capi, combined) for one event name, over the
    days start..end (inclusive; None = no limit), datasets pooled unless one is chosen."""
    clean = normalize_overrides(overrides)
    if not audited(con):
        raise AuditError("this workspace has not been audited yet; run `capi-audit audit` first")
    inputs = read_inputs(con, event_name=event_name, dataset=dataset, pooled=True, start=start, end=end)
    if not inputs:
        names = [r[0] for r in con.execute(
            "select distinct event_name from emq_inputs_daily where event_name is not null order by 1"
        ).fetchall()]
        where = f" in dataset {dataset}" if dataset else ""
        if start or end:
            where += f" between {start or 'the first day'} and {end or 'the last day'}"
        raise AuditError(
            f"no production events named {event_name!r}{where}; event names: {', '.join(names) or 'none'}"
        )
    result = []
    for (_dataset, _name, channel), inp in sorted(inputs.items(), key=lambda kv: CHANNELS.index(kv[0][2])):
        projected_coverage = {**inp.valid_coverage, **clean}
        result.append(
            {
                "channel": channel,
                "events": inp.events,
                "current": round(estimate(inp.valid_coverage, inp.insufficient_share), 2),
                "projected": round(estimate(projected_coverage, inp.insufficient_share), 2),
            }
        )
    return result
