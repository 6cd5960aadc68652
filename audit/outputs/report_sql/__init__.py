"""SQL the weekly report reads (one query per file)."""
