"""Metrics computed in SQL over the audit outputs, and the estimated EMQ model."""
