"""Fault planting: host pools, host selection, row edits, and the marks the ground truth is made of."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import polars as pl

HOUR_MS = 3_600_000
MARK_SCHEMA = {
    "rule_id": pl.String, "kind": pl.String, "row": pl.Int64, "paired_row": pl.Int64, "field": pl.String,
    "severity": pl.String,
}
FUNNEL_ONLY = ("PageView", "ViewContent")   # steps that can repeat within minutes: never evidence hosts


@dataclass(frozen=True)
class Fault:
    """One planted scenario: which rule(s) it must trigger, how often, on which hosts, and how."""

    kind: str
    rule_id: str | None             # main rule; None: a clean scenario kept for the record (47 h apart)
    rate: float                     # hosts per production conversion
    minimum: int
    pool: str                       # see POOLS
    plant: Callable[[Ctx, np.ndarray], None]
    distinct_users: bool = False
    all_or_nothing: bool = False     # below `minimum` hosts the fault would not show: plant none


def _both(c: pl.DataFrame) -> pl.Expr:
    return pl.col("pixel_row").is_not_null() & pl.col("capi_row").is_not_null() & ~pl.col("true_name").is_in(
        FUNNEL_ONLY
    )


POOLS: dict[str, Callable[[pl.DataFrame], pl.Expr]] = {
    # both channels, a conversion step (at most one per session, so evidence pairing is unambiguous)
    "both": _both,
    "both_purchase": lambda c: _both(c) & (pl.col("true_name") == "Purchase"),
    "both_evidence": lambda c: _both(c) & pl.col("evidence"),
    "both_early": lambda c: _both(c) & pl.col("early"),
    # ... and the visitor is known to the server (external_id, and fbp when the browser keeps cookies)
    "both_early_identified": lambda c: _both(c) & pl.col("early") & pl.col("identified"),
    "both_purchase_lead": lambda c: _both(c) & pl.col("true_name").is_in(["Purchase", "Lead"]),
    "both_shop": lambda c: _both(c) & (pl.col("site") == "shop"),
    "both_fbp": lambda c: _both(c) & pl.col("has_fbp"),
    # server copy only: blocked browsers, or a conversion step whose Pixel copy is dropped
    "capi": lambda c: pl.col("capi_row").is_not_null()
    & (pl.col("pixel_row").is_null() | ~pl.col("true_name").is_in(FUNNEL_ONLY)),
    "capi_identified": lambda c: pl.col("capi_row").is_not_null() & pl.col("evidence")
    & (pl.col("pixel_row").is_null() | ~pl.col("true_name").is_in(FUNNEL_ONLY)),
    "capi_purchase": lambda c: pl.col("capi_row").is_not_null() & (pl.col("true_name") == "Purchase"),
    "pixel_only": lambda c: pl.col("pixel_row").is_not_null() & pl.col("capi_row").is_null(),
    "double_fire": lambda c: pl.col("pixel_row").is_not_null()
    & (pl.col("capi_row").is_null() | (pl.col("true_name") == "Purchase")),
}


@dataclass
class Ctx:
    """The event rows being edited, the conversion index and everything planted so far."""

    ev: pl.DataFrame
    users: pl.DataFrame
    rng: np.random.Generator
    end_ms: int
    conv: pl.DataFrame = field(init=False)
    used: np.ndarray = field(init=False)
    marks: list[pl.DataFrame] = field(default_factory=list)
    planted: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.ev = self.ev.with_columns(dropped=pl.lit(False))
        self.conv = conv_index(self.ev, self.end_ms)
        self.used = np.zeros(int(self.ev["conv"].max()) + 1 if len(self.ev) else 1, dtype=bool)

    # --- selection -------------------------------------------------------------------------------
    def hosts(self, fault: Fault, base: int) -> np.ndarray:
        """Pick this fault's host conversions (never reused by another fault)."""
        cand = self.conv.filter(POOLS[fault.pool](self.conv))
        ids = cand["conv"].to_numpy()
        ids = ids[~self.used[ids]]
        want = max(fault.minimum, round(fault.rate * base))
        order = self.rng.permutation(len(ids))
        ids = ids[order]
        if fault.distinct_users:
            users = self.conv_col("user", ids)
            _, first = np.unique(users, return_index=True)
            ids = ids[np.sort(first)]
        chosen = np.sort(ids[:want])
        if fault.all_or_nothing and len(chosen) < fault.minimum:
            chosen = chosen[:0]
        self.used[chosen] = True
        self.planted.append({"kind": fault.kind, "rule_id": fault.rule_id, "rate": fault.rate,
                             "minimum": fault.minimum, "wanted": want, "planted": int(len(chosen))})
        return chosen

    def conv_col(self, col: str, convs: np.ndarray) -> np.ndarray:
        """A conv-index column for the given conversions."""
        pos = np.searchsorted(self.conv["conv"].to_numpy(), convs)
        series = self.conv[col]
        if series.dtype.is_integer():
            series = series.fill_null(-1)
        return series.to_numpy()[pos]

    def rows(self, convs: np.ndarray, channel: str) -> np.ndarray:
        """Row of the Pixel or server copy of each conversion."""
        return self.conv_col(f"{channel}_row", convs).astype(np.int64)

    def capi_only(self, convs: np.ndarray) -> np.ndarray:
        """Drop the Pixel copy of these conversions (the browser was blocked); return the server rows."""
        pix = self.conv_col("pixel_row", convs)
        self.put(pix[pix >= 0], dropped=True)
        return self.rows(convs, "capi")

    def col(self, name: str, rows: np.ndarray) -> pl.Series:
        """Current values of a column for these rows."""
        return self.ev[name].gather(np.asarray(rows, dtype=np.int64))

    def user_col(self, name: str, rows: np.ndarray) -> pl.Series:
        """A visitor attribute (users table) for the visitor of each row."""
        return self.users[name].gather(self.col("user", rows).to_numpy())

    def iso(self, prefix: str, rows: np.ndarray) -> pl.Series:
        """One request of its own per row: a request group label."""
        return pl.Series(rows).cast(pl.String).str.replace(r"^", prefix + "-")

    # --- edits -----------------------------------------------------------------------------------
    def put(self, rows: np.ndarray, **cols) -> None:
        """Overwrite columns on these rows (scalars or one value per row)."""
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) == 0:
            return
        out = []
        for name, value in cols.items():
            s = self.ev.get_column(name).clone()
            if isinstance(value, pl.Series | np.ndarray | list):
                value = pl.Series(value).cast(s.dtype)
            out.append(s.scatter(rows, value))
        self.ev = self.ev.with_columns(out)

    def add(self, rows: np.ndarray, **cols) -> np.ndarray:
        """Append copies of these rows with some columns changed; return the new rows."""
        rows = np.asarray(rows, dtype=np.int64)
        start = len(self.ev)
        new = np.arange(start, start + len(rows), dtype=np.int64)
        copy = self.ev[rows].with_columns(row=pl.Series(new))
        changes = [
            (pl.Series(name, v).cast(copy[name].dtype) if isinstance(v, pl.Series | np.ndarray | list)
             else pl.lit(v, dtype=copy[name].dtype).alias(name))
            for name, v in cols.items()
        ]
        self.ev = pl.concat([self.ev, copy.with_columns(changes)])
        return new

    def new_convs(self, n: int) -> np.ndarray:
        """Fresh conversion ids for added conversions (test traffic)."""
        start = int(self.ev["conv"].max()) + 1
        self.used = np.r_[self.used, np.ones(n, dtype=bool)]
        return np.arange(start, start + n, dtype=np.int64)

    def mark(self, rule_id: str, kind: str, rows, paired=None, field=None, severity=None) -> None:
        """Record that `rule_id` must fire on each row (anchored), naming the paired row if any."""
        rows = np.asarray(rows, dtype=np.int64)
        n = len(rows)
        paired_s = pl.Series([None] * n if paired is None else paired, dtype=pl.Int64)
        field_s = pl.Series(field if isinstance(field, list | np.ndarray | pl.Series) else [field] * n,
                            dtype=pl.String)
        self.marks.append(pl.DataFrame({
            "rule_id": [rule_id] * n, "kind": [kind] * n, "row": rows, "paired_row": paired_s,
            "field": field_s, "severity": pl.Series([severity] * n, dtype=pl.String),
        }, schema=MARK_SCHEMA))

    def all_marks(self) -> pl.DataFrame:
        """Every mark so far."""
        return pl.concat(self.marks) if self.marks else pl.DataFrame(schema=MARK_SCHEMA)


def conv_index(ev: pl.DataFrame, end_ms: int) -> pl.DataFrame:
    """One row per conversion: its Pixel and server rows and what the fault pools filter on."""
    return (
        ev.group_by("conv")
        .agg(
            pixel_row=pl.col("row").filter(pl.col("channel") == "pixel").first(),
            capi_row=pl.col("row").filter(pl.col("channel") == "capi").first(),
            user=pl.col("user").first(),
            site=pl.col("site").first(),
            true_name=pl.col("true_name").first(),
            t_ms=pl.col("t_ms").min(),
            evidence=(pl.col("em").is_not_null() | pl.col("external_id").is_not_null()
                      | pl.col("fbp").is_not_null()).all(),
            has_fbp=pl.col("fbp").is_not_null().all(),
            identified=pl.col("external_id").is_not_null().all(),
        )
        .with_columns(early=pl.col("t_ms") < end_ms - 51 * HOUR_MS)
        .sort("conv")
    )
