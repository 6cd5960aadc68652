"""SQL behind audit.metrics.summary (read-only queries over the audit outputs)."""
