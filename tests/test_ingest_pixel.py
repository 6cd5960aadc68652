"""Pixel loaders: /tr URLs (encoded and decoded keys, POST bodies) and HAR files with mixed traffic."""

from pathlib import Path

import pytest

from audit.db import connect
from audit.ingest import load_files
from audit.ingest.hits import is_pixel_url
from audit.ingest.pixel_tr import parse_tr_line

FIX = Path(__file__).parent / "fixtures" / "ingest"
JOHN = "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"
PHONE = "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176"


def counts(res):
    return (res.format, res.channel, res.rows_read, res.rows_loaded, res.rows_quarantined, res.rows_ignored)


@pytest.fixture()
def con():
    c = connect(None)
    yield c
    c.close()


def test_tr_lines_decoded_and_percent_encoded_keys(con):
    (res,) = load_files(con, [FIX / "pixel_tr.txt"], None)
    assert counts(res) == ("pixel_tr", "pixel", 7, 4, 2, 1)
    rows = {r[0]: r[1:] for r in con.execute(
        "select source_line, dataset_id, event_name, event_id, event_time_raw, epoch(event_time), value, "
        "currency, content_ids, em, event_source_url, fbp from events").fetchall()}
    decoded = rows[1]
    assert decoded[:9] == ("1234567890123456", "Purchase", "ord-1001", "1793613598000", 1793613598, 49.9,
                           "USD", ["SKU-1"], [JOHN])
    assert decoded[9] == "https://shop.example.com/thanks"
    assert decoded[10] == "fb.1.1793000000000.1098115397"
    encoded = rows[2]  # cd%5Bvalue%5D=12, bare cd[content_ids]=1234, raw e-mail in udff[em]
    assert encoded[:8] == ("1234567890123456", "AddToCart", "atc-7", "1793613500000", 1793613500, 12.0, "EUR",
                           ["1234"])
    assert encoded[8] == [JOHN]


def test_tr_post_body_with_client_ip_and_user_agent_extras(con):
    load_files(con, [FIX / "pixel_tr.txt"], "pixel")
    row = con.execute("select event_name, event_id, ph, pii_hashed_on_load, client_ip_address, "
                      "client_user_agent from events where source_line = 4").fetchall()
    assert row == [("Lead", "lead-1", [PHONE], ["ph"], "203.0.113.9", "Mozilla/5.0 (X11; Linux x86_64)")]
    bare_body = con.execute("select event_name, event_id from events where source_line = 5").fetchall()
    assert bare_body == [("PageView", None)]


def test_tr_quarantines_other_urls_and_text(con):
    load_files(con, [FIX / "pixel_tr.txt"], "pixel")
    q = con.execute("select source_line, reason from quarantine order by 1").fetchall()
    assert [line for line, _ in q] == [6, 7]
    assert "not a Pixel request" in q[0][1]


def test_parse_tr_line_keeps_blank_values():
    row, bad = parse_tr_line("https://www.facebook.com/tr?id=1&ev=Lead&eid=&cd%5Bvalue%5D=", 3)
    assert bad is None
    assert row["event_id"] == "" and row["value_raw"] == ""


def test_pixel_endpoint_recognition():
    assert is_pixel_url("https://www.facebook.com/tr/?id=1")
    assert is_pixel_url("https://facebook.com/tr?id=1")
    assert not is_pixel_url("https://www.facebook.com/privacy_sandbox/pixel/register/trigger/?id=1")
    assert not is_pixel_url("https://evil-facebook.com.example.net/tr?id=1")
    assert not is_pixel_url("https://connect.facebook.net/en_US/fbevents.js")


def test_har_mixed_traffic(con):
    (res,) = load_files(con, [FIX / "mixed.har"], None)
    # 7 entries: 3 Pixel hits (GET, POST form text, POST params), 3 other requests, 1 entry without a URL
    assert counts(res) == ("har", "pixel", 7, 3, 1, 3)
    rows = con.execute(
        "select source_line, event_name, event_id, client_user_agent, client_ip_address, "
        "strftime(sent_at, '%H:%M:%S.%g'), event_time_raw, em from events order by 1").fetchall()
    assert [r[:3] for r in rows] == [(2, "Purchase", "ord-1001"), (3, "InitiateCheckout", "ic-55"),
                                     (6, "AddToCart", "atc-9")]
    assert rows[0][3] == "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)"  # header names are case-insensitive
    assert all(r[4] is None for r in rows)  # serverIPAddress is Facebook's, never the client IP
    assert rows[0][5] == "09:59:58.450"
    assert rows[1][7] == [JOHN]
    assert rows[2][6] is None  # no ts: event_time falls back to when the browser sent it
    t = con.execute("select epoch(event_time) = epoch(sent_at) from events where source_line = 6").fetchall()
    assert t == [(True,)]
