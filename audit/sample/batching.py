"""Group server events into Graph API requests the way a server does: per dataset, every minute or two."""

from __future__ import annotations

import numpy as np
import polars as pl

from audit.sample.profiles import SITES


def assign_requests(capi: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Add request key, request send time and position in the data array to each server event."""
    window = pl.col("dataset").replace_strict({s.dataset: s.batch_seconds * 1000 for s in SITES},
                                              return_dtype=pl.Int64)
    cap = pl.col("dataset").replace_strict({s.dataset: s.batch_max for s in SITES}, return_dtype=pl.Int64)
    capi = capi.sort("send_ms", "row").with_columns(bucket=pl.col("send_ms") // window)
    capi = capi.with_columns(
        chunk=pl.int_range(pl.len()).over("dataset", "bucket") // cap,
    ).with_columns(
        request=pl.coalesce(
            pl.col("req_group"),
            pl.concat_str(pl.col("dataset"), pl.lit("|"), pl.col("bucket").cast(pl.String), pl.lit("|"),
                          pl.col("chunk").cast(pl.String)),
        ),
        due=pl.when(pl.col("req_group").is_null()).then((pl.col("bucket") + 1) * window)
        .otherwise(pl.col("send_ms")),
    )
    requests = (
        capi.group_by("request")
        .agg(due=pl.col("due").max(), first_row=pl.col("row").min())
        .sort("due", "first_row")
    )
    n = len(requests)
    requests = requests.with_columns(
        request_ms=pl.col("due") + pl.Series(rng.integers(150, 1_500, n)),
        data_as_string=pl.Series(rng.random(n) < 0.15),
        request_seq=pl.int_range(pl.len()),
    )
    capi = capi.join(requests.select("request", "request_ms", "data_as_string", "request_seq"), on="request",
                     how="left")
    return capi.sort("request_seq", "send_ms", "row").with_columns(
        index=pl.int_range(pl.len()).over("request_seq"),
        send_ms=pl.col("request_ms"),
    )
