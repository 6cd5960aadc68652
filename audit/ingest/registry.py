"""The built-in adapters, in the order their sniff() is tried."""

from __future__ import annotations

from audit.errors import IngestError
from audit.ingest.base import Adapter
from audit.ingest.capi_graph import CapiGraphAdapter
from audit.ingest.har import HarAdapter
from audit.ingest.pixel_tr import PixelTrAdapter
from audit.ingest.table import TableAdapter

# Most specific first: HAR and Graph API bodies are JSON too, flat tables are the catch-all.
ADAPTERS: tuple[Adapter, ...] = (HarAdapter(), CapiGraphAdapter(), PixelTrAdapter(), TableAdapter())


def adapter_named(name: str) -> Adapter:
    """The adapter called `name` (the --format option)."""
    for adapter in ADAPTERS:
        if adapter.name == name:
            return adapter
    names = ", ".join(a.name for a in ADAPTERS)
    raise IngestError(f"unknown format {name!r}; choose one of: {names}")


def describe_formats() -> str:
    """One line per format, for error messages."""
    return "; ".join(f"{a.name} ({a.description})" for a in ADAPTERS)
