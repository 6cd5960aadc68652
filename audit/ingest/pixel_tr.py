"""Pixel /tr requests, one per line: a URL (GET), `POST <url><TAB><body>`, or a bare form body.

Accepted line forms (keys percent-encoded or not):
    https://www.facebook.com/tr/?id=123&ev=Purchase&eid=abc&ts=1762077600000&cd[value]=10
    GET https://www.facebook.com/tr?id=123&ev=PageView
    POST https://www.facebook.com/tr/<TAB>id=123&ev=Lead&eid=l-1
    id=123&ev=Lead&eid=l-1&ts=1762077600000            (a sendBeacon/POST body on its own)
Optional extra TAB-separated fields after the request: `ip=<client IP>`, `ua=<User-Agent>`,
`sent_at=<time>` (the only way a URL log can carry the connection's IP and user agent).
"""

from __future__ import annotations

import re
from pathlib import Path

from audit.ingest.base import ReadContext, ReadOutcome
from audit.ingest.hits import form_pairs, hit_row, is_pixel_url, write_stage
from audit.ingest.lines import stage_lines

_TR_LINE = re.compile(
    rb"^(?:(?:GET|POST)\s+)?(?:https?://[^/\s]*facebook\.com)?/tr/?(?:\?|\s|$)|^(?:[^=&\s]+=[^&\s]*&)*(?:id|ev)=",
    re.IGNORECASE,
)
_EXTRA = {"ip": "client_ip_address", "ua": "client_user_agent", "sent_at": "sent_at_raw"}
_METHOD = re.compile(r"^(GET|POST)\s+", re.IGNORECASE)


def parse_tr_line(text: str, line: int) -> tuple[dict | None, tuple | None]:
    """One line -> (staging row, None) or (None, quarantine record)."""
    parts = text.strip().split("\t")
    request = _METHOD.sub("", parts[0].strip())
    extras: dict[str, str] = {}
    bodies: list[str] = []
    for part in parts[1:]:
        key, sep, value = part.partition("=")
        if sep and key.strip().lower() in _EXTRA:
            extras[_EXTRA[key.strip().lower()]] = value.strip()
        elif part.strip():
            bodies.append(part.strip())
    if "://" in request or request.startswith("/"):
        url = request if "://" in request else "https://www.facebook.com" + request
        if not is_pixel_url(url):
            reason = "not a Pixel request (expected https://www.facebook.com/tr?...)"
            return None, (line, 0, None, reason, text)
        query = url.split("?", 1)[1] if "?" in url else ""
    elif "=" in request:
        query = request
    else:
        return None, (line, 0, None, "not a /tr URL or a form-encoded Pixel body", text)
    pairs = form_pairs(query)
    for body in bodies:
        pairs += form_pairs(body)
    if not any(k in ("id", "ev", "eid") for k, _ in pairs):
        return None, (line, 0, None, "no Pixel parameters (id, ev, eid) in this request", text)
    return hit_row(pairs, line, **extras), None


class PixelTrAdapter:
    """Text files of Pixel /tr request URLs or bodies, one per line."""

    name = "pixel_tr"
    channel = "pixel"
    description = "Pixel /tr requests, one per line (https://www.facebook.com/tr?id=...&ev=..., POST bodies)"

    def sniff(self, path: Path, head: bytes) -> bool:
        """The first non-blank line is a /tr URL, a method + /tr URL, or a form body with id=/ev=."""
        for raw in head.lstrip(b"\xef\xbb\xbf").splitlines():
            if raw.strip():
                return bool(_TR_LINE.search(raw.strip()))
        return False

    def read(self, con, path: Path, ctx: ReadContext) -> ReadOutcome:
        """Parse each line in Python (small files); blank lines are ignored."""
        total = stage_lines(con, path, on_bytes=ctx.on_bytes)
        rows, quarantined, ignored = [], [], 0
        for line, text in con.execute("select line, text from ingest_lines order by line").fetchall():
            if not text.strip():
                ignored += 1
                continue
            row, bad = parse_tr_line(text, line)
            if row is not None:
                rows.append(row)
            else:
                quarantined.append(bad)
        write_stage(con, rows, quarantined)
        return ReadOutcome(rows_read=total, rows_ignored=ignored)
