"""SQL of the audit's all-period tables, summed from the daily tables (audit/metrics/sql/)."""
