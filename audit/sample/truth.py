"""ground_truth.json: what was planted where (file, line, index), and the true conversion counts."""

from __future__ import annotations

import json

import polars as pl

from audit.sample.encode import strip_nulls
from audit.sample.profiles import SITES

CLEAN_RULE = (
    "Every event in the four files that no fault below lists as an anchored event is clean: no finding "
    "may have it as its event_ref. Events named only as `paired` are clean too."
)
NOTES = (
    "Event references: file = base name, line = 1-based physical line (HAR: entry index + 1), index = "
    "position in the request's data array (0 for one-event lines); they map to events.source_file / "
    "source_line / source_index.",
    "Pair findings are anchored on the server event and name the Pixel event as paired, except "
    "event_id_missing (anchored on the copy without an id), duplicate_within_channel (each extra copy, "
    "paired = the first copy) and event_id_reused (each event of a later conversion, paired = the first "
    "conversion's event of the same channel).",
    "Some planted events must trigger more than one rule, and are listed under each: `purchase` on the "
    "server is also event_name_nonstandard; an event over 7 days old is also delivery_error, as Meta "
    "rejects its request (2804003), but not send_delayed (being too old is its own finding); an event "
    "with only address, gender and user agent has no IP, so it is also client_ip_missing.",
    "Single-channel faults sit on server-only conversions, so no pair rule fires with them.",
    "clean_pair_47h lists server/Pixel pairs with identical keys 47 h apart: Meta deduplicates them, "
    "no rule may fire.",
    "id_reused puts an earlier Purchase's event id on a later Purchase of another visitor (other "
    "external_id, e-mail, fbp and order_id), on both channels: never a repeat. outside_window_49h pairs "
    "are identified conversions whose late server copy carries the same external_id and fbp as the Pixel "
    "copy.",
)


def _refs(refs: pl.DataFrame, prefix: str) -> pl.DataFrame:
    return refs.select(pl.col("row").alias(f"{prefix}row"), *(pl.col(c).alias(prefix + c) for c in
                                                                ("channel", "file", "line", "index")))


def fault_events(marks: pl.DataFrame, refs: pl.DataFrame) -> pl.DataFrame:
    """Each mark with its anchored and paired event references."""
    out = marks.join(_refs(refs, ""), on="row", how="left").join(
        _refs(refs, "p_"), left_on="paired_row", right_on="p_row", how="left"
    )
    missing = out.filter(pl.col("line").is_null())
    if len(missing):
        raise RuntimeError(f"planted events missing from the files: {missing.head(5)}")
    return out.sort("rule_id", "file", "line", "index", "kind", "field", maintain_order=True)


def _ref_dict(r: dict, prefix: str = "") -> dict:
    return {k: r[prefix + k] for k in ("channel", "file", "line", "index")}


def _ref_struct(prefix: str = "") -> pl.Expr:
    return pl.struct(*(pl.col(prefix + k).alias(k) for k in ("channel", "file", "line", "index")))


def fault_texts(events: pl.DataFrame) -> dict[str, str]:
    """Per rule, the JSON array text of its events [{channel, file, line, index, paired, kind, field?,
    severity?}], one event per line; built column-wise."""
    ref = _ref_struct().struct.json_encode().str.strip_suffix("}")
    paired = pl.when(pl.col("p_line").is_not_null()).then(_ref_struct("p_").struct.json_encode())
    tail = strip_nulls(pl.struct("kind", "field", "severity").struct.json_encode()).str.strip_prefix("{")
    line = pl.concat_str(ref, pl.lit(',"paired":'), paired.fill_null("null"), pl.lit(","), tail)
    per_rule = (
        events.filter(pl.col("rule_id").is_not_null())
        .with_columns(text=line)
        .group_by("rule_id", maintain_order=True)
        .agg(pl.col("text").str.join(",\n  "))
        .sort("rule_id")
    )
    return {r: "[\n  " + t + "\n  ]" for r, t in per_rule.iter_rows()}


def faults_section(texts: dict[str, str]) -> list[dict]:
    """[{rule_id, count, events}] parsed from the per-rule texts (so the dict and the file agree)."""
    out = []
    for rule_id, text in texts.items():
        events = json.loads(text)
        out.append({"rule_id": rule_id, "count": len(events), "events": events})
    return out


def scenarios_section(events: pl.DataFrame) -> dict:
    """Planted scenarios by kind: how many events each one anchored, and the clean 47 h pairs in full."""
    counts = events.group_by("kind").agg(pl.col("row").n_unique().alias("n")).sort("kind")
    clean47 = [
        {**_ref_dict(r), "paired": _ref_dict(r, "p_")}
        for r in events.filter(pl.col("kind") == "clean_pair_47h").iter_rows(named=True)
    ]
    return {"events_per_kind": dict(zip(counts["kind"], counts["n"], strict=True)), "clean_pair_47h": clean47}


def true_conversions(ev: pl.DataFrame) -> dict:
    """Distinct real conversions among production events, overall and per dataset x event name."""
    prod = ev.filter(~pl.col("is_test"))
    by = (
        prod.with_columns(true_dataset=pl.col("site").replace_strict({s.key: s.dataset for s in SITES}))
        .group_by("true_dataset", "true_name").agg(pl.col("conv").n_unique().alias("n"))
        .sort("true_dataset", "true_name")
    )
    nested: dict[str, dict[str, int]] = {}
    for r in by.iter_rows(named=True):
        nested.setdefault(r["true_dataset"], {})[r["true_name"]] = r["n"]
    return {"production": prod["conv"].n_unique(), "by_dataset": nested}


def file_counts(refs: pl.DataFrame) -> dict:
    """Events per file and channel."""
    per = refs.group_by("file", "channel").len().sort("file", "channel")
    return {r["file"]: {"channel": r["channel"], "events": r["len"]} for r in per.iter_rows(named=True)}


def build_truth(meta: dict, ev: pl.DataFrame, marks: pl.DataFrame, refs: pl.DataFrame, planted: list[dict],
                quarantine: list[dict]) -> tuple[dict, dict[str, str]]:
    """The whole ground-truth document, and each rule's events as JSON text (for dumps)."""
    events = fault_events(marks, refs)
    anchored = events.filter(pl.col("rule_id").is_not_null())["row"].n_unique()
    texts = fault_texts(events)
    faults = faults_section(texts)
    return {
        **meta,
        "events": len(refs),
        "events_by_channel": dict(refs.group_by("channel").len().sort("channel").iter_rows()),
        "files": file_counts(refs),
        "test_events": int(ev["is_test"].sum()),
        "true_conversions": true_conversions(ev),
        "counts": {f["rule_id"]: f["count"] for f in faults},
        "planted": planted,
        "faults": faults,
        "scenarios": scenarios_section(events),
        "clean": {"rule": CLEAN_RULE, "count": len(refs) - anchored},
        "quarantine": quarantine,
        "notes": list(NOTES),
    }, texts


def dumps(truth: dict, texts: dict[str, str]) -> str:
    """The ground truth as indented JSON, each fault event on one line (texts from fault_texts)."""
    skeleton = {**truth, "faults": [{**f, "events": f"@@{f['rule_id']}@@"} for f in truth["faults"]]}
    text = json.dumps(skeleton, indent=1)
    for rule_id, events in texts.items():
        text = text.replace(f'"@@{rule_id}@@"', events, 1)
    return text + "\n"
