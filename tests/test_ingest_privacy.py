"""Privacy on load: no access token and no raw e-mail or phone from the inputs ends up in the DuckDB file."""

from pathlib import Path

import pytest

from audit.db import connect
from audit.ingest import load_files
from audit.ingest.pii import hash_value, normalize

FIX = Path(__file__).parent / "fixtures" / "ingest"
TOKEN = b"EAA-fixture-TOKEN-doNotStore"
NORMALIZED_PII = [b"john_smith@gmail.com", b"16505551212", b"mary.major@example.com"]
RAW_PII = [b"John_Smith@gmail.com", b"jane.doe@example.com", b"Mary.Major@Example.com",
           b"jane@example.com", b"john_smith%40gmail.com", b"(650) 555-1212", b"+1 (650) 555-1212",
           b"+44 20 7183 8750", b"%2B16505551212"]


def test_database_file_holds_no_token_and_no_raw_pii(tmp_path):
    db = tmp_path / "audit.duckdb"
    con = connect(db)
    con.execute("pragma force_compression = 'uncompressed'")  # so a byte scan sees every stored string
    sources = [("capi_envelopes.jsonl", "capi"), ("meta_request_example.json", "capi"),
               ("pixel_events.jsonl", "pixel"), ("capi_events.csv", "capi"), ("pixel_tr.txt", "pixel"),
               ("mixed.har", "pixel")]
    for name, channel in sources:
        load_files(con, [FIX / name], channel)
    inputs = b"".join((FIX / name).read_bytes() for name, _ in sources)
    assert TOKEN in inputs and all(p in inputs for p in RAW_PII)  # the fixtures do carry them
    n_quarantined = con.execute("select count(*) from quarantine").fetchall()[0][0]
    assert n_quarantined >= 5
    con.execute("checkpoint")
    con.close()
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    # positive control: values that are stored are visible to this scan
    assert b"AbC123trace" in data and b"event.id.123" in data
    assert TOKEN not in data
    for raw in RAW_PII + NORMALIZED_PII:
        assert raw not in data, raw


def test_quarantine_text_is_masked():
    con = connect(None)
    load_files(con, [FIX / "capi_envelopes.jsonl"], "capi")
    text = con.execute("select raw_text from quarantine where source_line = 5").fetchall()[0][0]
    assert "jane.doe" not in text and "EAA" not in text
    assert "[email removed]" in text and "access_token=[removed]" in text


@pytest.mark.parametrize(
    ("field", "raw", "region", "normalized"),
    [
        ("em", "John_Smith@gmail.com", None, "john_smith@gmail.com"),
        ("em", "  not-an-email ", None, "not-an-email"),  # the SDK raises; Meta's rule still applies
        ("ph", "+1 (650) 555-1212", None, "16505551212"),
        ("ph", "(650)555-1212", "US", "16505551212"),  # country from the event
        ("ph", "(650)555-1212", None, "6505551212"),  # no country known: the SDK's digits
        ("ph", "+44 (0)20 7183 8750", None, "442071838750"),
        ("fn", "Mary", None, "mary"),
        ("fn", "Vale\u0301ry", None, "val\u00e9ry"),  # NFC before hashing
        ("ge", "Female", None, "f"),
        ("db", "2/16/1997", None, "19970216"),
        ("ct", "New York", None, "newyork"),
        ("zp", "98121-4892", None, "98121"),
        ("country", "United States", None, "us"),
        ("country", "US", None, "us"),
    ],
)
def test_meta_normalization(field, raw, region, normalized):
    assert normalize(field, raw, region) == normalized


def test_documented_hash_vectors():
    assert hash_value("em", "John_Smith@gmail.com") == (
        "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f")
    assert hash_value("ph", "+1 (650) 555-1212") == (
        "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176")
    assert hash_value("country", "United States").startswith("79adb2a2")
    assert hash_value("db", "2/16/1997").startswith("01acdbf6")


def test_hash_like_values_are_kept_and_phone_region_comes_from_the_event(tmp_path):
    body = tmp_path / "body.jsonl"
    malformed = "a" * 63
    body.write_text(
        '{"data": [{"event_name": "Lead", "event_time": 1793613600, "user_data": '
        f'{{"em": ["{malformed}", "X@Example.com"], "ph": "(650) 555-1212", "country": "US", '
        '"external_id": "Customer-1", "ct": "  "}}]}\n')
    con = connect(None)
    load_files(con, [body], "capi")
    em, ph, country, ext, ct, flagged = con.execute(
        "select em, ph, country, external_id, ct, pii_hashed_on_load from events").fetchall()[0]
    assert em == [malformed, hash_value("em", "x@example.com")]  # a malformed hash stays for the rules
    assert ph == [hash_value("ph", "+16505551212")]
    assert country == [hash_value("country", "us")]
    assert ext == ["Customer-1"]  # external_id is never hashed by the loader
    assert ct == ["  "]  # blank is not PII
    assert flagged == ["em", "ph", "country"]
