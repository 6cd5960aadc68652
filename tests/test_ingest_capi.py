"""Conversions API loader: Meta's documented request, log envelopes with responses, raw PII, bad lines."""

from pathlib import Path

import pytest

from audit.db import connect
from audit.ingest import load_files

FIX = Path(__file__).parent / "fixtures" / "ingest"
JOHN = "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"  # Meta's doc vector
PHONE = "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176"  # sha256('16505551212')


@pytest.fixture()
def con():
    c = connect(None)
    yield c
    c.close()


def one(con, sql, params=()):
    rows = con.execute(sql, list(params)).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def test_meta_documented_request_with_data_as_json_string(con):
    (res,) = load_files(con, [FIX / "meta_request_example.json"], None)
    assert (res.format, res.channel, res.rows_read, res.rows_loaded, res.rows_quarantined) == (
        "capi_graph", "capi", 1, 1, 0)
    row = one(con, "select event_ref, source_line, source_index, event_name, event_id, event_time_raw, "
                   "epoch(event_time), action_source, em, ph, fbc, value, currency, content_ids, "
                   "test_event_code, custom_data->>'content_type' from events")
    assert row[0] == f"{res.load_id}:1:0"
    assert row[1:8] == (1, 0, "Purchase", "event.id.123", "1633552688", 1633552688, "website")
    assert row[8] == ["309a0a5c3e211326ae75ca18196d301a9bdbd1a882a4d2569511033da23f0abd"]
    assert len(row[9]) == 2  # both phone hashes kept as a list
    assert row[10] == "fb.1.1554763741205.AbCdEfGhIjKlMnOpQrStUvWxYz1234567890"
    assert row[11:] == (100.2, "USD", ["product.id.123"], "TEST4039", "product")


def test_envelopes_keep_response_on_every_event_of_the_request(con):
    (res,) = load_files(con, [FIX / "capi_envelopes.jsonl"], "capi")
    rows = con.execute(
        "select source_line, source_index, dataset_id, request_event_count, events_received, "
        "response_status, error_code, error_subcode, error_message, fbtrace_id, partner_agent, "
        "epoch(sent_at) "
        "from events order by source_line, source_index"
    ).fetchall()
    assert rows[0][:11] == (1, 0, "1234567890123456", 2, 2, "ok", None, None, None, "AbC123trace",
                            "gtmss-1.0.0-0.0.9")
    assert rows[1][:2] == (1, 1) and rows[1][5] == "ok"
    assert rows[0][11] == 1793613605  # envelope sent_at
    # the pixel_id envelope form, data as a JSON string, and Meta's error response
    assert rows[2][:10] == (3, 0, "1234567890123456", 1, None, "error", 100, 2804003,
                            "Event Timestamp Too Old", "XyZ789trace")
    assert rows[2][1] == 0


def test_raw_email_and_phone_are_hashed_and_flagged(con):
    load_files(con, [FIX / "capi_envelopes.jsonl"], "capi")
    em, ph, flagged, other = one(
        con, "select em, ph, pii_hashed_on_load, other_user_data->>'lead_id' from events "
             "where event_id = 'ord-1001'")
    assert em == [JOHN]
    assert ph == [PHONE]
    assert flagged == ["em", "ph"]
    assert other == "L-77"


def test_appendix_values_empty_strings_and_milliseconds_kept_as_sent(con):
    load_files(con, [FIX / "capi_envelopes.jsonl"], "capi")
    event_id, em, fn, flagged, raw, t = one(
        con, "select event_id, em, fn, pii_hashed_on_load, event_time_raw, epoch(event_time) "
             "from events where event_name = 'AddToCart'")
    assert event_id == ""  # '' is not NULL
    assert em == [JOHN + ".AQICAQMC"]  # parameter-builder appendix: already hashed
    assert fn == [""]
    assert flagged is None
    assert raw == "1793613500000" and t == 1793613500  # milliseconds understood, raw kept
    fbc = one(con, "select fbc from events where event_id = 'ord-1001'")[0]
    assert fbc.endswith(".AQICAQMC")


def test_bad_records_are_quarantined_with_line_index_and_reason(con):
    (res,) = load_files(con, [FIX / "capi_envelopes.jsonl"], "capi")
    assert (res.rows_read, res.rows_loaded, res.rows_quarantined, res.rows_ignored) == (10, 4, 5, 1)
    q = con.execute("select source_line, source_index, field, reason from quarantine order by all").fetchall()
    assert [(r[0], r[1], r[2]) for r in q] == [
        (4, 1, "data"), (4, 2, "event_name"), (4, 3, "event_time"), (5, None, None), (6, None, None)]
    assert "not valid JSON" in q[3][3]


def test_iso_event_time_and_absent_event_id(con):
    load_files(con, [FIX / "capi_envelopes.jsonl"], "capi")
    t = one(con, "select strftime(event_time, '%Y-%m-%d %H:%M') from events where event_id = 'lead-9'")[0]
    assert t == "2026-10-20 08:00"
    assert one(con, "select count(*) from events where event_id is null")[0] == 0


def _plain_requests(tmp_path):
    """A JSONL of envelopes, bodies and single events without blank or bad lines (the fast path's input)."""
    lines = (FIX / "capi_envelopes.jsonl").read_text().splitlines()
    body = ('{"data": [{"event_name": "Lead", "event_time": "1793613600", "event_id": 42, "user_data": '
            '{"em": "Jane@Example.com", "madid": "m-1"}, '
            '"custom_data": {"value": "12.50", "currency": "eur"}}], '
            '"test_event_code": "TEST1"}')
    single = ('{"event_name": "Purchase", "event_time": 1793613601, "event_id": "s-1", "dataset_id": "77", '
              '"user_data": {"external_id": ["a", "b"]}}')
    path = tmp_path / "plain.jsonl"
    path.write_text("\n".join([lines[0], body, single]) + "\n")
    return path


def test_fast_and_exact_paths_give_the_same_rows(tmp_path, monkeypatch):
    import audit.ingest.capi_graph as cg

    path = _plain_requests(tmp_path)
    taken = []
    real_fast = cg.CapiGraphAdapter._read_fast
    monkeypatch.setattr(cg.CapiGraphAdapter, "_read_fast",
                        staticmethod(lambda *a: taken.append(real_fast(*a)) or taken[-1]))
    cols = ("event_ref, dataset_id, event_name, event_id, event_time, sent_at, em, external_id, "
            "other_user_data, pii_hashed_on_load, value, value_raw, currency, custom_data, test_event_code, "
            "partner_agent, "
            "request_id, request_event_count, events_received, response_status, fbtrace_id")
    fast_con = connect(None)
    (fast,) = load_files(fast_con, [path], "capi")
    assert taken and taken[0] is not None  # the typed read_json pass was used
    monkeypatch.setattr(cg, "plain_jsonl", lambda p: False)
    exact_con = connect(None)
    (exact,) = load_files(exact_con, [path], "capi")
    assert len(taken) == 1  # the exact path did not try the fast read
    assert (fast.rows_read, fast.rows_loaded) == (exact.rows_read, exact.rows_loaded) == (4, 4)
    fast_rows = fast_con.execute(f"select {cols} from events order by event_ref").fetchall()
    exact_rows = exact_con.execute(f"select {cols} from events order by event_ref").fetchall()
    assert fast_rows == exact_rows
    single = [r for r in fast_rows if r[3] == "s-1"][0]
    assert single[1] == "77" and single[7] == ["a", "b"]
    lead = [r for r in fast_rows if r[2] == "Lead"][0]
    assert lead[3] == "42" and lead[8] == '{"madid":"m-1"}' and lead[9] == ["em"] and lead[10] == 12.5


def test_a_bad_line_sends_the_file_to_the_exact_path(tmp_path):
    path = _plain_requests(tmp_path)
    string_data = '{"data": "[{\\"event_name\\": \\"Lead\\", \\"event_time\\": 1}]"}'
    path.write_text(path.read_text() + string_data + "\n{oops\n")
    con = connect(None)
    (res,) = load_files(con, [path], "capi")
    assert (res.rows_read, res.rows_loaded, res.rows_quarantined) == (6, 5, 1)
    assert con.execute("select source_line, reason from quarantine").fetchall() == [(5, "not valid JSON")]
