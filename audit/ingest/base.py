"""The adapter contract: how one log format becomes canonical event rows.

Every format, built-in or not, goes through this interface. The loader (audit.ingest.loader) creates two
empty temp tables on the connection before each file, `ingest_stage` and `ingest_quarantine`
(audit/ingest/sql/stage.sql documents their columns), and calls `adapter.read(con, path, ctx)`.

Counting unit: one *record* is one event candidate. A request line carrying N events is N records, an
unparsable line is 1 record, a blank line or a request that is not a Pixel event (HAR) is 1 ignored record.
The adapter must account for every record: rows in ingest_stage + rows in ingest_quarantine + ignored
== rows_read; the loader checks this and refuses a file that does not reconcile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

CHANNELS = ("pixel", "capi")


@dataclass(frozen=True)
class ReadContext:
    """What the loader knows about the file being read."""

    load_id: str
    file_name: str
    channel: str | None = None  # --pixel / --capi, None = infer from the format or a column
    dataset: str | None = None  # --dataset, fills dataset_id where the log has none
    mapping: dict[str, str] = field(default_factory=dict)  # source column -> canonical column (tables)
    on_bytes: Callable[[int], None] | None = None  # progress callback, bytes read


@dataclass(frozen=True)
class ReadOutcome:
    """What an adapter reports after filling the staging tables."""

    rows_read: int  # every record seen, including ignored ones
    rows_ignored: int = 0  # blank lines, non-Pixel HAR requests: not events, not errors


class Adapter(Protocol):
    """One input format."""

    name: str
    """Short format name shown to users and stored in loads.format (capi_graph, pixel_tr, har, table)."""

    channel: str | None
    """Channel every event of this format belongs to ('pixel' or 'capi'), or None when rows say."""

    description: str
    """One line naming what the format looks like, used in 'unrecognized file' messages."""

    def sniff(self, path: Path, head: bytes) -> bool:
        """Return True when the file's first bytes (up to 64 KiB) look like this format.

        Decides from content, not from the extension alone; must not raise.
        """
        ...

    def read(self, con, path: Path, ctx: ReadContext) -> ReadOutcome:
        """Append the file's events to temp table ingest_stage and its bad records to ingest_quarantine.

        Staged rows carry values as sent (raw PII and access tokens are handled by the loader afterwards;
        an adapter must not copy an access_token into any column). A malformed record goes to
        ingest_quarantine with its line, index, field and reason; it never raises.
        Raises audit.errors.IngestError only when the file as a whole cannot be read as this format.
        """
        ...
