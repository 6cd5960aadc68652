"""capi-audit: audit Meta Pixel and Conversions API event logs."""

__version__ = "0.2.8"
