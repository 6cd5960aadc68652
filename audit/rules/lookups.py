"""Lookup tables the parameter rules join to, built once per audit over DISTINCT values.

IP addresses are classified with `ipaddress` and user agents with `ua-parser`, one Python call per
distinct value (never per event); the send-timing thresholds come from defs/send_timing.toml.
The engine runs `write_lookups` before the SQL stages.
"""

from __future__ import annotations

import ipaddress
import tomllib
from functools import cache
from importlib import resources

from audit.db import sql_text

# Documentation ranges (RFC 5737 / 3849) appear in examples and test data; they are not a sender's fault.
DOCUMENTATION_NETS = tuple(
    ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)
# ua-parser families that are programs, not browsers.
HEADLESS_FAMILIES = {"HeadlessChrome", "PhantomJS", "Puppeteer", "Playwright", "Electron"}


@cache
def send_timing() -> dict:
    """The parsed send_timing.toml."""
    text = resources.files("audit.rules.defs").joinpath("send_timing.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def ip_class(text: str) -> tuple[int | None, str]:
    """(IP version, class): public, private, loopback, link_local, multicast, reserved or invalid."""
    try:
        ip = ipaddress.ip_address(text.strip())
    except ValueError:
        return None, "invalid"
    version = ip.version
    if version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in net for net in DOCUMENTATION_NETS if net.version == ip.version):
        return version, "public"
    if ip.is_loopback:
        return version, "loopback"
    if ip.is_link_local:
        return version, "link_local"
    if ip.is_multicast:
        return version, "multicast"
    if ip.is_unspecified or ip.is_reserved:
        return version, "reserved"
    if ip.is_private:
        return version, "private"
    if not ip.is_global:
        return version, "reserved"  # shared address space (carrier NAT) and other special ranges
    return version, "public"


def user_agent_class(text: str) -> tuple[str | None, str]:
    """(family, kind) of a user agent: kind is browser, http_library, bot, headless or unknown."""
    from ua_parser import parse

    result = parse(text)
    family = result.user_agent.family if result.user_agent else None
    device = result.device.family if result.device else None
    has_os = result.os is not None
    if device == "Spider":
        return family, ("http_library" if not has_os and family and "bot" not in family.lower() else "bot")
    if family in HEADLESS_FAMILIES:
        return family, "headless"
    if family is None:
        return None, "unknown"
    if not has_os:
        return family, "http_library"
    return family, "browser"


def write_table(con, name: str, columns: dict[str, tuple[str, list]]) -> None:
    """Replace table `name` with columns given as name -> (SQL type, values); typed even when empty."""
    selects = ", ".join(f"unnest(?::{sql_type}[]) as {col}" for col, (sql_type, _v) in columns.items())
    con.execute(f"create or replace table {name} as select {selects}", [v for _t, v in columns.values()])


def write_send_timing(con) -> None:
    """Set the [limits] variables and write stage_mq_send_timing (action_source -> max delay)."""
    conf = send_timing()
    for name, value in conf.get("limits", {}).items():
        con.execute(f"set variable {name} = {float(value)!r}")
    con.execute(
        "create or replace table stage_mq_send_timing (action_source varchar, kind varchar,"
        " label varchar, max_delay_minutes double)"
    )
    rows = [
        (source, k["kind"], k["label"], float(k["max_delay_minutes"]))
        for k in conf.get("kind", [])
        for source in k["action_sources"]
    ]
    if rows:
        con.executemany("insert into stage_mq_send_timing values (?, ?, ?, ?)", rows)


def write_ip_classes(con, known: str | None = None) -> None:
    """stage_mq_ip_classes: one row per distinct IP as sent (after the builder suffix is stripped).
    `known`: a database whose table of the same name this code filled; its rows are reused."""
    values = con.execute(
        "select distinct client_ip_address, strip_appendix(trim(client_ip_address)) from events"
        " where coalesce(trim(client_ip_address), '') <> ''"
        + _unknown("stage_mq_ip_classes", "client_ip_address", known)
    ).fetchall()
    classes = [ip_class(ip) for _raw, ip in values]
    columns = {
        "client_ip_address": ("varchar", [raw for raw, _ip in values]),
        "ip": ("varchar", [ip for _raw, ip in values]),
        "ip_version": ("integer", [v for v, _c in classes]),
        "ip_class": ("varchar", [c for _v, c in classes]),
    }
    write_table(con, "stage_mq_ip_classes", columns)
    _add_known(con, "stage_mq_ip_classes", "client_ip_address", known)


def write_user_agents(con, known: str | None = None) -> None:
    """stage_mq_user_agents: one row per distinct user agent with its family and kind (`known`: as for
    write_ip_classes)."""
    values = con.execute(
        "select distinct client_user_agent from events where coalesce(trim(client_user_agent), '') <> ''"
        + _unknown("stage_mq_user_agents", "client_user_agent", known)
    ).fetchall()
    classes = [user_agent_class(ua) for (ua,) in values]
    columns = {
        "client_user_agent": ("varchar", [ua for (ua,) in values]),
        "family": ("varchar", [f for f, _k in classes]),
        "kind": ("varchar", [k for _f, k in classes]),
    }
    write_table(con, "stage_mq_user_agents", columns)
    _add_known(con, "stage_mq_user_agents", "client_user_agent", known)


def _unknown(table: str, key: str, known: str | None) -> str:
    """SQL condition: the value is not in `known`'s table yet (nothing when there is no such database)."""
    if not known:
        return ""
    return f' and {key} not in (select {key} from "{known}".main.{table} where {key} is not null)'


def _add_known(con, table: str, key: str, known: str | None) -> None:
    """Add `known`'s rows for the values the events carry (classified by the same code: same results)."""
    if known:
        con.execute(f'insert into {table} select * from "{known}".main.{table}'
                    f" where {key} in (select {key} from events)")


def write_lookups(con, known: str | None = None) -> None:
    """Define the shared SQL macros, then write every lookup table the stages and rules read. `known`: the
    workspace database when an incremental audit re-audits part of it (its lookups came from this code,
    the audit's fingerprint says so): the classes of values it has already seen are reused."""
    con.execute(sql_text("audit.rules.sql.stages", "50_macros.sql"))
    write_send_timing(con)
    write_ip_classes(con, known)
    write_user_agents(con, known)
