"""HAR files (browser network logs): every request to facebook.com/tr becomes a Pixel event.

The HAR entry's startedDateTime becomes sent_at and the request's User-Agent header the user agent.
serverIPAddress is Facebook's server, not the user's, so no client IP is taken. Other requests
(pages, scripts, analytics, /privacy_sandbox/pixel/register/trigger) are counted as ignored.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from audit.errors import IngestError
from audit.ingest.base import ReadContext, ReadOutcome
from audit.ingest.hits import form_pairs, hit_row, is_pixel_url, write_stage

_HAR = re.compile(rb'"log"\s*:\s*\{')


def _header(request: dict, name: str) -> str | None:
    for h in request.get("headers") or []:
        if isinstance(h, dict) and str(h.get("name", "")).lower() == name:
            return h.get("value")
    return None


def _body_pairs(request: dict) -> list[tuple[str, str]]:
    post = request.get("postData") or {}
    if not isinstance(post, dict):
        return []
    params = post.get("params")
    if isinstance(params, list) and params:
        return [(str(p.get("name", "")), str(p.get("value", ""))) for p in params
                if isinstance(p, dict) and str(p.get("name", "")).lower() != "access_token"]
    text = post.get("text")
    if isinstance(text, str) and "=" in text and "multipart" not in str(post.get("mimeType", "")):
        return form_pairs(text)
    return []


def entry_row(entry, line: int) -> tuple[dict | None, tuple | None, bool]:
    """One HAR entry -> (staging row, quarantine record, ignored)."""
    request = entry.get("request") if isinstance(entry, dict) else None
    url = request.get("url") if isinstance(request, dict) else None
    if not isinstance(url, str):
        return None, (line, 0, "request", "HAR entry without a request URL", json.dumps(entry)[:2000]), False
    if not is_pixel_url(url):
        return None, None, True
    query = url.split("?", 1)[1] if "?" in url else ""
    pairs = form_pairs(query.split("#", 1)[0]) + _body_pairs(request)
    row = hit_row(
        pairs,
        line,
        client_user_agent=_header(request, "user-agent"),
        sent_at_raw=entry.get("startedDateTime"),
    )
    return row, None, False


class HarAdapter:
    """HAR 1.2 JSON (log.entries)."""

    name = "har"
    channel = "pixel"
    description = 'HAR browser network logs ({"log": {"entries": [...]}}) holding facebook.com/tr requests'

    def sniff(self, path: Path, head: bytes) -> bool:
        """A JSON document whose first key is "log"."""
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        return start[:1] == b"{" and bool(_HAR.search(start[:2048]))

    def read(self, con, path: Path, ctx: ReadContext) -> ReadOutcome:
        """Parse the HAR in Python (HAR files are small); line = entry number."""
        try:
            doc = json.loads(path.read_bytes().decode("utf-8", "replace"))
            entries = doc["log"]["entries"]
            if not isinstance(entries, list):
                raise TypeError("log.entries is not a list")
        except (ValueError, KeyError, TypeError) as exc:
            expected = '{"log": {"entries": [...]}}'
            raise IngestError(f"{path}: not a readable HAR file ({exc}); expected {expected}") from exc
        if ctx.on_bytes:
            ctx.on_bytes(path.stat().st_size)
        rows, quarantined, ignored = [], [], 0
        for number, entry in enumerate(entries, start=1):
            row, bad, skip = entry_row(entry, number)
            if row is not None:
                rows.append(row)
            elif bad is not None:
                quarantined.append(bad)
            ignored += skip
        write_stage(con, rows, quarantined)
        return ReadOutcome(rows_read=len(entries), rows_ignored=ignored)
