"""Renderings of the audit: Plotly chart builders, the weekly report."""
