"""Flat tables: which source column feeds which staging column, as SQL expressions."""

from __future__ import annotations

from dataclasses import dataclass

TEXT_TARGETS = (
    "channel", "dataset_id", "event_name", "event_id", "event_time_raw", "sent_at_raw", "action_source",
    "event_source_url", "referrer_url", "test_event_code", "partner_agent", "fbc", "fbp",
    "client_ip_address", "client_user_agent", "value_raw", "currency", "order_id", "request_id",
    "response_status", "error_message", "fbtrace_id",
)
INT_TARGETS = ("request_event_count", "events_received", "error_code", "error_subcode")
LIST_TARGETS = ("em", "ph", "fn", "ln", "ge", "db", "ct", "st", "zp", "country", "external_id", "content_ids")
JSON_TARGETS = ("other_user_data", "custom_data")
USER_FIELDS = ("em", "ph", "fn", "ln", "ge", "db", "ct", "st", "zp", "country", "external_id",
               "fbc", "fbp", "client_ip_address", "client_user_agent")
CUSTOM_FIELDS = {
    "value": "value_raw", "currency": "currency", "order_id": "order_id", "content_ids": "content_ids",
}
# Other names a column may carry for a staging column; the first present wins.
ALIASES = {
    "event_time_raw": ("event_time_raw", "event_time"),
    "sent_at_raw": ("sent_at_raw", "sent_at"),
    "value_raw": ("value_raw", "value"),
    "dataset_id": ("dataset_id", "pixel_id"),
}
IGNORED = {"event_ref", "load_id", "source_file", "source_line", "source_index", "pii_hashed_on_load"}
# Text times and the staging columns of their parsed value: parsed once when rows are staged, or taken
# as they are from a typed timestamp column.
TYPED_TIMES = {"event_time_raw": "event_time_parsed", "sent_at_raw": "sent_at_parsed"}
TIMESTAMP_KINDS = ("TIMESTAMP WITH TIME ZONE", "TIMESTAMP")


def sql_str(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def sql_ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Source:
    """One source column and how to read it: 'json' (a JSONL key), 'text' (CSV) or a DuckDB type."""

    name: str
    kind: str
    column: bool = False  # a JSONL key already extracted into its own JSON column (parsed once per row)
    whole: bool = False  # that column equals the key's whole value as json_extract reads it (no JSON null)

    def extract(self) -> str:
        """The key's JSON value read from the row object `j` (a JSON null stays 'null')."""
        return f"json_extract(j, {sql_str('$.' + chr(34) + self.name + chr(34))})"

    def ref(self) -> str:
        if self.kind == "json" and not self.column:
            return self.extract()
        return sql_ident(self.name)

    def typed_list(self) -> bool:
        return self.kind.endswith("[]") or self.kind.startswith(("LIST", "VARCHAR["))

    def typed_nested(self) -> bool:
        return self.kind.startswith(("STRUCT", "MAP"))

    def as_text(self) -> str:
        if self.kind == "json":
            return f"ing_text({self.ref()})"
        if self.kind == "text" or self.kind == "VARCHAR":
            return self.ref()
        if self.typed_list() or self.typed_nested():
            return f"to_json({self.ref()})::varchar"
        return f"cast({self.ref()} as varchar)"

    def as_list(self) -> str:
        if self.kind == "json":
            return f"ing_list({self.ref()})"
        if self.typed_list():
            return f"cast({self.ref()} as varchar[])"
        return f"ing_text_list({self.as_text()})"

    def as_json(self) -> str:
        if self.kind == "json" and self.whole:
            return sql_ident(self.name)
        if self.kind == "json":
            return self.extract()
        if self.kind in ("text", "VARCHAR"):
            return f"ing_text_json({self.ref()})"
        return f"to_json({self.ref()})"


def whole_json_sources(names: list[str], mapping: dict[str, str]) -> set[str]:
    """The source columns select_list reads as whole JSON values (custom_data, dotted custom/user keys)."""
    whole = set()
    for name in names:
        target = mapping.get(name, name)
        group, _, key = target.partition(".")
        if target in JSON_TARGETS or (group == "custom_data" and key) or (
            group == "user_data" and key and key not in USER_FIELDS and key != "access_token"
        ):
            whole.add(name)
    return whole


def text_column(name: str, mapping: dict[str, str]) -> str | None:
    """The text staging column a source column feeds as text alone (by its name or an alias), else None."""
    target = mapping.get(name, name)
    for col in TEXT_TARGETS:
        if target in ALIASES.get(col, (col,)):
            return col
    return None


def order_matters(names: list[str], mapping: dict[str, str]) -> bool:
    """True when the source columns' order shows in the result: two feed one staging column or one object."""
    targets = [mapping.get(n, n) for n in names]
    custom = sum(t.startswith("custom_data.") for t in targets)
    other = sum(t.startswith("user_data.") and t.split(".", 1)[1] not in USER_FIELDS for t in targets)
    return custom > 1 or other > 1 or len(set(targets)) < len(targets)


def _coalesce(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"


def select_list(sources: list[Source], mapping: dict[str, str]) -> list[str]:
    """`<expr> as <staging column>` for every staging column some source column feeds.

    Several source columns may feed one staging column (`em` and `user_data.em`, `value` and
    `custom_data.value`): the first non-null wins, canonical names before dotted ones.
    """
    candidates: dict[str, list[Source]] = {}
    custom_parts: dict[str, str] = {}
    other_parts: dict[str, str] = {}
    nested_user: Source | None = None
    dotted: list[tuple[str, Source]] = []
    for src in sources:
        target = mapping.get(src.name, src.name)
        if target in IGNORED:
            continue
        if target == "user_data":
            nested_user = src
        elif target.startswith(("user_data.", "custom_data.")):
            dotted.append((target, src))
        else:
            candidates.setdefault(target, []).append(src)
    for target, src in dotted:
        group, key = target.split(".", 1)
        if group == "user_data":
            if key in USER_FIELDS:
                candidates.setdefault(key, []).append(src)
            elif key != "access_token":
                other_parts[key] = src.as_json()
        else:
            custom_parts[key] = src.as_json()
            if key in CUSTOM_FIELDS:
                candidates.setdefault(CUSTOM_FIELDS[key], []).append(src)
    exprs: dict[str, list[str]] = {}
    for col in TEXT_TARGETS + INT_TARGETS + LIST_TARGETS + JSON_TARGETS:
        srcs = [s for name in ALIASES.get(col, (col,)) for s in candidates.get(name, [])]
        if col in TEXT_TARGETS:
            exprs[col] = [s.as_text() for s in srcs]
        elif col in INT_TARGETS:
            exprs[col] = [f"try_cast({s.as_text()} as integer)" for s in srcs]
        elif col in LIST_TARGETS:
            exprs[col] = [s.as_list() for s in srcs]
        else:
            exprs[col] = [s.as_json() for s in srcs]
    if nested_user is not None and nested_user.kind == "json":
        for key in USER_FIELDS:
            exprs[key].append(_json_field(nested_user.ref(), key, key in LIST_TARGETS))
    if custom_parts:
        exprs["custom_data"].append(_object(custom_parts))
    if exprs["custom_data"]:
        cd = _coalesce(exprs["custom_data"])
        for key, target in CUSTOM_FIELDS.items():
            exprs[target].append(_json_field(cd, key, target in LIST_TARGETS))
    if other_parts:
        exprs["other_user_data"].append(_object(other_parts))
    selected = [f"{_coalesce(parts)} as {col}" for col, parts in exprs.items() if parts]
    for col, parsed in TYPED_TIMES.items():
        srcs = [s for name in ALIASES.get(col, (col,)) for s in candidates.get(name, [])]
        if len(srcs) == 1 and srcs[0].kind in TIMESTAMP_KINDS:
            selected.append(f"{_typed_time(srcs[0].ref())} as {parsed}")
        elif exprs[col]:
            selected.append(f"ing_time({_coalesce(exprs[col])}) as {parsed}")
    return selected


def _json_field(obj: str, key: str, listed: bool) -> str:
    """One key of a JSON object as a list of strings or as text (a JSON null is NULL).

    Text is read with ->> in one call (the same text ing_text gives from json_extract), so the optimizer
    has no repeated subexpression to compute ahead for every row, and coalesce reads it only when needed.
    """
    path = sql_str("$." + key)
    return f"ing_list(json_extract({obj}, {path}))" if listed else f"(({obj}) ->> {path})"


def _typed_time(ref: str) -> str:
    """A timestamp column as the instant its text form parses to (session time zone UTC), within the years
    1 to 9999; NULL outside them, where the text is parsed instead."""
    ts = f"cast({ref} as timestamptz)"
    return (f"case when {ts} between timestamptz '0001-01-01 00:00:00+00' "
            f"and timestamptz '9999-12-31 23:59:59.999999+00' then {ts} end")


def _object(parts: dict[str, str]) -> str:
    """A JSON object of the non-null parts, NULL when all are null."""
    entries = ", ".join(f"struct_pack(k := {sql_str(k)}, v := ({v})::json)" for k, v in parts.items())
    packed = f"to_json(map_from_entries(list_filter([{entries}], lambda e: e.v is not null)))"
    return f"nullif({packed}, '{{}}')::json"
