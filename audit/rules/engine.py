"""Run the audit over everything in a workspace: stages, every rule's SQL, then the metrics.

Order: outputs.sql (fresh output tables) -> Python lookups (audit/rules/lookups.py) ->
rules/sql/stages/*.sql (pairing and helper tables, by file name) -> one rules/sql/<area>/<rule_id>.sql
per catalogue rule (a SELECT of the rows that break it) -> metrics/sql/*.sql (daily tables) ->
metrics/period_sql/*.sql (all-period tables, summed from the daily ones) -> Python post steps (estimated EMQ)
-> output_views.sql.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from audit.db import catalog, sql_files, sql_text, table_names
from audit.rules.catalogue import load_rules
from audit.rules.scratch import Intermediates, memory_limit_bytes


@dataclass(frozen=True)
class AuditSettings:
    """Knobs of the audit; each becomes a DuckDB variable the SQL reads with getvariable()."""

    window_hours: float = 48.0            # Meta's dedup window
    browser_preference_minutes: float = 5.0  # Meta prefers the browser copy within this gap
    evidence_tolerance_minutes: float = 10.0  # same conversion by evidence: max time apart
    shared_ip_min_users: int = 20         # client_ip_shared: distinct users on one IP
    extra: dict[str, float] = field(default_factory=dict)

    def variables(self) -> dict[str, float]:
        base = {
            "window_hours": self.window_hours,
            "browser_preference_minutes": self.browser_preference_minutes,
            "evidence_tolerance_minutes": self.evidence_tolerance_minutes,
            "shared_ip_min_users": self.shared_ip_min_users,
        }
        return {**base, **self.extra}


FINDING_INSERT = """
insert into findings
select
    '{rule_id}' as rule_id,
    coalesce(r.severity, '{severity}') as severity,
    '{area}' as area,
    r.event_ref,
    r.paired_event_ref,
    e.channel,
    e.dataset_id,
    e.event_name,
    e.event_id,
    e.event_time,
    cast(timezone('UTC', e.event_time) as date) as day,
    r.field,
    r.detail
from ({rule_sql}) as r(event_ref, paired_event_ref, field, detail, severity)
join events as e on e.event_ref = r.event_ref
"""

PostStep = Callable[[object], None]
PreStep = Callable[[object, str | None], None]  # (connection, database whose lookups may be reused)
REPEAT = re.compile(r"^-- repeat: (?P<table>\w+) max (?P<rounds>\d+)")
STAGE_NAME = re.compile(r"\bstage_\w+")
DAILY_METRICS, PERIOD_METRICS = "sql", "period_sql"  # folders of audit/metrics: per UTC day, whole period
METRICS = (DAILY_METRICS, PERIOD_METRICS)
# The value checks' part 2 (IP addresses and user agents) runs in slices of at most this many events per
# byte of memory limit: in two slices it ran out of memory at 96.7 M events under 4 GB (12 M events per GB
# a slice) and passed in five; at 1.9 M events under 200 MB (4.8 M per GB a slice) two pass.
VALUE_CHECK_EVENTS_PER_BYTE = 5e6 / 1e9
MAX_VALUE_CHECK_SLICES = 8  # the statements 60_value_checks.sql holds
# Stage tables an audit keeps in the workspace: the per-value facts (the value_checks view reads them) and
# lookups docs/match_quality.md shows analysts, the shared IPs the next incremental audit compares with,
# plus whatever the metrics read.
DOCUMENTED_STAGES = frozenset({"stage_mq_value_facts", "stage_mq_ip_classes", "stage_mq_user_agents",
                               "stage_mq_shared_ips"})


def run_stage(con, text: str) -> int:
    """Run one stage file; a repeating stage runs until a round adds no rows. Returns rounds run."""
    repeat = REPEAT.match(text)
    if repeat is None:
        con.execute(text)
        return 1
    count = f"select count(*) from {repeat['table']}"
    before = con.execute(count).fetchall()[0][0]
    for round_no in range(1, int(repeat["rounds"]) + 1):
        con.execute(f"set variable repeat_round = {round_no}")
        con.execute(text)
        after = con.execute(count).fetchall()[0][0]
        if after == before:
            return round_no
        before = after
    raise RuntimeError(f"stage on {repeat['table']} still adding rows after {repeat['rounds']} rounds")


def rule_sql(area: str, rule_id: str) -> str | None:
    """The SELECT for a rule, or None when the rule has no SQL yet."""
    try:
        text = sql_text(f"audit.rules.sql.{area}", f"{rule_id}.sql")
    except (FileNotFoundError, ModuleNotFoundError):
        return None
    return text.strip().rstrip(";")


def pre_steps() -> list[PreStep]:
    """Python steps before the stages: lookup tables over distinct values (IP and user-agent classes)."""
    from audit.rules.lookups import write_lookups

    return [write_lookups]


def post_steps() -> list[PostStep]:
    """Python steps after the SQL metrics (pure functions over stored metrics)."""
    steps: list[PostStep] = []
    try:
        from audit.metrics.emq import write_match_quality
    except ImportError:
        return steps
    steps.append(write_match_quality)
    return steps


@functools.cache
def kept_stages() -> frozenset[str]:
    """Stage tables an audit leaves in the workspace; every other stage table is an intermediate."""
    read = {name for folder in METRICS for _, text in sql_files("audit.metrics", folder)
            for name in STAGE_NAME.findall(text)}
    return DOCUMENTED_STAGES | read


def audit_steps() -> list[tuple[str, str]]:
    """The per-event steps in order: (label, SQL) of every stage, then of every rule with SQL."""
    steps = [(f"stage {name}", text) for name, text in sql_files("audit.rules.sql", "stages")]
    for r in load_rules():
        text = rule_sql(r.area, r.id)
        if text is not None:
            steps.append((f"rule {r.id}", FINDING_INSERT.format(
                rule_id=r.id, severity=r.severity, area=r.area, rule_sql=text)))
    return steps


def last_readers(steps: list[tuple[str, str]]) -> dict[int, list[str]]:
    """Intermediate stage tables by the index of the last step that names them (dropped after it).

    Intermediates never reach the workspace file (temp tables, or a scratch file when they would not fit
    in memory: audit/rules/scratch.py); dropping each as soon as nothing later reads it frees its memory
    or disk for the steps that follow."""
    last: dict[str, int] = {}
    for i, (_label, text) in enumerate(steps):
        for name in STAGE_NAME.findall(text):
            last[name] = i
    out: dict[int, list[str]] = {}
    for name, i in sorted(last.items()):
        if name not in kept_stages():
            out.setdefault(i, []).append(name)
    return out


def define_all_events(con, workspace: str | None = None) -> None:
    """`all_events`: every event of the workspace (database `workspace`, by default the current one), for
    the few stages that look beyond the audited events."""
    database = workspace or catalog(con)
    con.execute(f'create or replace temp view all_events as select * from "{database}".main.events')


def run_audit(
    con, settings: AuditSettings | None = None, progress: Callable[[str], None] | None = None,
    keep_intermediate: bool = False,
) -> dict:
    """Rebuild every audit output from the events in `con`; returns counts per step.

    keep_intermediate leaves the temp stage tables in place (tests and profiling look into them)."""
    note = progress or (lambda _msg: None)
    drop_intermediate(con)
    audit_events(con, settings, note, keep_intermediate)
    run_metrics(con, note)
    return rule_counts(con)


def drop_intermediate(con) -> None:
    """Drop the intermediate stage tables older versions kept in the file, before the stages run: one
    left in main would be read instead of the scratch file's table of the same name (searched after main).
    This version never writes one there (every intermediate is a temp table or in the scratch file)."""
    for table in table_names(con, "main"):
        if table.startswith("stage_") and table not in kept_stages():
            con.execute(f"drop table main.{table}")


def rule_counts(con) -> dict[str, int]:
    """Findings per rule (0 for a rule that found nothing), for every rule with SQL."""
    found = dict(con.execute("select rule_id, count(*) from findings group by rule_id").fetchall())
    return {r.id: found.get(r.id, 0) for r in load_rules() if rule_sql(r.area, r.id) is not None}


def audit_events(
    con, settings: AuditSettings | None, note: Callable[[str], None], keep_intermediate: bool = False,
    known: dict[str, str] | None = None, workspace: str | None = None,
) -> None:
    """The per-event part of the audit: fresh output tables, lookups, stages, every rule's findings.

    Reads `events` as the search path resolves it: the workspace's table, or the subset an incremental
    audit puts in a database of its own (see audit/rules/incremental.py). That run names the workspace
    (`workspace`, the database holding every event): `all_events` stays the workspace's, and the lookups
    reuse the classes the workspace already holds. `known` maps a step's label to SQL that runs instead
    of it, for a result the caller has already worked out."""
    set_variables(con, settings or AuditSettings())
    con.execute(sql_text("audit.schema", "outputs.sql"))
    define_all_events(con, workspace)
    for step in pre_steps():  # an incremental audit's scope reuses the workspace's lookups
        step(con, workspace)
    known = known or {}
    steps = [(label, known.get(label, text)) for label, text in audit_steps()]
    if unknown := set(known) - {label for label, _ in steps}:
        raise ValueError(f"no audit step named {sorted(unknown)}")
    done_with = {} if keep_intermediate else last_readers(steps)
    events = con.execute("select count(*) from events").fetchone()[0]
    with Intermediates(con, events, keep=keep_intermediate) as place:
        set_join_parts(con, place, events)
        for i, (label, text) in enumerate(steps):
            note(label)
            run_stage(con, place.sql(text))
            for table in done_with.get(i, []):
                place.drop(table)


def define_value_checks_view(con) -> None:
    """The value_checks view (value_checks_view.sql) with this audit's fbc settings written into it."""
    skew, age = con.execute(
        "select getvariable('clock_skew_minutes'), getvariable('fbc_max_age_days')").fetchone()
    con.execute(sql_text("audit.rules.sql", "value_checks_view.sql",
                         clock_skew_minutes=float(skew), fbc_max_age_days=float(age)))


def set_join_parts(con, place: Intermediates, events: int) -> None:
    """Variables of 60_value_checks.sql: value_checks_one_join, the value checks join every value sent at
    once when the intermediates fit in memory, else in three parts by parameter; value_check_slices, how
    many statements part 2 takes (value_check_slices())."""
    one_join = "true" if place.place == "memory" else "false"
    con.execute(f"set variable value_checks_one_join = {one_join}")
    con.execute(f"set variable value_check_slices = {value_check_slices(events, memory_limit_bytes(con))}")


def value_check_slices(events: int, memory_limit: int) -> int:
    """Slices of the value checks' part 2: enough to keep each under VALUE_CHECK_EVENTS_PER_BYTE of the
    memory limit, at least 2, at most MAX_VALUE_CHECK_SLICES."""
    wanted = -(-events // max(1, int(memory_limit * VALUE_CHECK_EVENTS_PER_BYTE)))
    return min(MAX_VALUE_CHECK_SLICES, max(2, wanted))


def set_variables(con, settings: AuditSettings) -> None:
    """The audit's settings as DuckDB variables the SQL reads with getvariable()."""
    for name, value in settings.variables().items():
        con.execute(f"set variable {name} = {float(value)!r}")


def run_metrics(con, note: Callable[[str], None]) -> None:
    """The aggregates over every event: metrics SQL, Python post steps, output views, the rules table."""
    run_daily_metrics(con, note)
    run_period_metrics(con, note)


def run_daily_metrics(con, note: Callable[[str], None]) -> None:
    """The daily tables (per UTC day), from the per-event tables as the search path resolves them: the
    workspace's, or an incremental audit's views of the days it recomputes (audit/rules/incremental.py)."""
    for name, text in sql_files("audit.metrics", DAILY_METRICS):
        note(f"metrics {name}")
        con.execute(text)


def run_period_metrics(con, note: Callable[[str], None]) -> None:
    """The all-period tables (summed from the daily ones), Python post steps, the analysts' views, `rules`."""
    for name, text in sql_files("audit.metrics", PERIOD_METRICS):
        note(f"metrics {name}")
        con.execute(text)
    note("match-quality estimates, analysts' views and the rules table")
    for step in post_steps():
        step(con)
    con.execute(sql_text("audit.schema", "output_views.sql"))
    define_value_checks_view(con)
    write_rules_table(con)


def write_rules_table(con) -> None:
    """The `rules` table analysts join findings to (id, area, severity, title, meaning, fix)."""
    con.execute(
        "create or replace table rules (rule_id varchar, area varchar, severity varchar,"
        " title varchar, meaning varchar, fix varchar)"
    )
    rows = [(r.id, r.area, r.severity, r.title, r.meaning, r.fix) for r in load_rules()]
    if rows:
        con.executemany("insert into rules values (?, ?, ?, ?, ?, ?)", rows)
