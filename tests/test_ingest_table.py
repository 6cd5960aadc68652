"""Flat tables: JSONL with canonical and dotted names, CSV line numbers, Parquet, TOML column mappings."""

import json
from pathlib import Path

import pytest

from audit.db import connect
from audit.errors import IngestError
from audit.ingest import load_files

FIX = Path(__file__).parent / "fixtures" / "ingest"
JOHN = "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"


@pytest.fixture()
def con():
    c = connect(None)
    yield c
    c.close()


def test_jsonl_canonical_and_dotted_columns(con):
    (res,) = load_files(con, [FIX / "pixel_events.jsonl"], "pixel")
    assert (res.format, res.rows_read, res.rows_loaded, res.rows_quarantined, res.rows_ignored) == (
        "table", 6, 2, 3, 1)
    first = con.execute(
        "select em, external_id, value, currency, content_ids, custom_data->>'currency', client_ip_address, "
        "epoch(event_time), epoch(sent_at) from events where source_line = 1").fetchall()[0]
    assert first == ([JOHN], ["cust-1"], 49.9, "USD", ["SKU-1", "SKU-2"], "USD", "2001:db8::7",
                     1793613598, 1793613598)
    second = con.execute(
        "select event_id, fn, pii_hashed_on_load, custom_data->>'page' from events where source_line = 2"
    ).fetchall()[0]
    assert second == (None, [""], ["em"], "home")
    reasons = dict(con.execute("select source_line, field from quarantine").fetchall())
    assert reasons == {4: None, 5: None, 6: "channel"}


def test_csv_physical_lines_quoted_empty_and_rejects(con):
    (res,) = load_files(con, [FIX / "capi_events.csv"], "capi", dataset="999")
    assert (res.rows_read, res.rows_loaded, res.rows_quarantined, res.rows_ignored) == (5, 3, 1, 1)
    rows = con.execute(
        "select source_line, event_id, dataset_id, em, pii_hashed_on_load, value_raw from events order by 1"
    ).fetchall()
    assert [r[0] for r in rows] == [2, 4, 6]  # header is line 1, line 3 blank, line 5 rejected
    assert rows[1][1] == ""  # "" in CSV is an empty string, not absent
    assert rows[0][2] == "999"  # --dataset fills the gap
    assert rows[0][4] == ["em", "ph", "country"]
    assert rows[2][3] == [""] and rows[2][5] == ""
    assert con.execute("select source_line from quarantine").fetchall() == [(5,)]


def test_parquet_rows_numbered_from_one(con, tmp_path):
    src = tmp_path / "export.parquet"
    con.execute(
        "copy (select * from (values ('capi', 'Purchase', 'p-1', 1793613600, 'USD', 12.5), "
        "('capi', 'Lead', 'l-1', 1793613700, null, null)) "
        "t(channel, event_name, event_id, event_time, \"custom_data.currency\", \"custom_data.value\")) "
        f"to '{src}' (format parquet)")
    (res,) = load_files(con, [src], None)
    assert (res.format, res.channel, res.rows_read, res.rows_loaded) == ("table", "capi", 2, 2)
    rows = con.execute("select source_line, event_name, value, currency from events order by 1").fetchall()
    assert rows == [(1, "Purchase", 12.5, "USD"), (2, "Lead", None, None)]


def test_mapping_file_renames_export_columns(con, tmp_path):
    csv = tmp_path / "shop_export.csv"
    csv.write_text("Event,Id,Time,Email\nPurchase,o-1,2026-11-02T10:00:00Z,John_Smith@gmail.com\n")
    (res,) = load_files(con, [csv], "pixel", mapping={"Event": "event_name", "Id": "event_id",
                                                       "Time": "event_time", "Email": "user_data.em"})
    assert res.rows_loaded == 1
    rows = con.execute("select event_name, event_id, em from events").fetchall()
    assert rows == [("Purchase", "o-1", [JOHN])]


def test_table_without_channel_needs_an_option(con, tmp_path):
    csv = tmp_path / "events.csv"
    csv.write_text("event_name,event_id,event_time\nLead,l-1,1793613600\n")
    with pytest.raises(IngestError, match="--pixel or --capi"):
        load_files(con, [csv], None)
    assert con.execute("select count(*) from loads").fetchall() == [(0,)]


def test_blank_json_keys_do_not_stop_a_load(con, tmp_path):
    path = tmp_path / "blank_keys.jsonl"
    path.write_text(
        '{"channel": "pixel", "event_name": "PageView", "event_time": 1762000000, "": "x"}\n'
        '{"channel": "pixel", "event_name": "Lead", "event_time": 1762000000, " ": 1}\n'
    )
    (res,) = load_files(con, [path], None)
    assert (res.rows_read, res.rows_loaded, res.rows_quarantined) == (2, 2, 0)
    names = con.execute("select event_name from events order by source_line").fetchall()
    assert names == [("PageView",), ("Lead",)]


def _flat_rows(tmp_path, extra=()):
    """Plain JSONL rows (no blank or bad lines): the typed read_json pass can read them."""
    rows = [
        {"channel": "pixel", "event_name": "Purchase", "event_id": "o-1", "event_time": 1793613598000,
         "em": ["Mary.Major@Example.com"], "ph": "+1 (650) 555-0100", "country": ["us"],
         "custom_data": {"value": 1.50, "currency": "EUR", "content_ids": ["a", 2]}, "fbp": "fb.1.2.3"},
        {"channel": "pixel", "event_name": "Lead", "event_id": 42, "event_time": "2026-11-02T09:58:00Z",
         "user_data.external_id": ["x", "y"], "user_data.madid": "m-1", "custom_data.value": 1e-8,
         "custom_data.order_id": "ord-9", "value": "3.10", "sent_at": 1793613598},
        {"channel": "pixel", "event_name": "PageView", "event_time": "1793613598", "fn": "", "ln": None,
         "referrer_url": "https://x.example/?access_token=EAAB1234567890abcdefgh", "": "blank key"},
        {"event_name": "ViewContent", "event_time": 1793613598},
        {"channel": "pixel", "event_time": 1793613598},
        *extra,
    ]
    path = tmp_path / "flat.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _both_paths(path, monkeypatch):
    import audit.ingest.table as tb

    monkeypatch.undo()  # a previous call's patches
    taken = []
    real_fast = tb.TableAdapter._read_jsonl_fast
    monkeypatch.setattr(tb.TableAdapter, "_read_jsonl_fast",
                        lambda self, *a: taken.append(real_fast(self, *a)) or taken[-1])
    fast_con = connect(None)
    (fast,) = load_files(fast_con, [path], "pixel")
    monkeypatch.setattr(tb, "plain_jsonl", lambda p: False)
    exact_con = connect(None)
    (exact,) = load_files(exact_con, [path], "pixel")
    assert len(taken) == 1  # the exact path did not try the fast read
    rows = []
    for c in (fast_con, exact_con):
        events = c.execute("select * from events order by event_ref").fetchall()
        quarantine = c.execute("select * exclude (load_id) from quarantine order by source_line").fetchall()
        rows.append((events, quarantine))
        c.close()
    return taken[0] is not None, fast, exact, rows


def test_flat_jsonl_fast_and_exact_paths_give_the_same_rows(tmp_path, monkeypatch):
    used_fast, fast, exact, (fast_rows, exact_rows) = _both_paths(_flat_rows(tmp_path), monkeypatch)
    assert used_fast  # the typed read_json pass was used
    assert fast.as_dict() == exact.as_dict()
    assert (fast.rows_read, fast.rows_loaded, fast.rows_quarantined) == (5, 4, 1)
    assert fast_rows == exact_rows
    events, quarantine = fast_rows
    assert [q[1] for q in quarantine] == [5]  # source_line of the row without event_name
    assert len({e[0] for e in events}) == 4
    con = connect(None)
    load_files(con, [_flat_rows(tmp_path)], "pixel")
    lead = con.execute(
        "select custom_data::varchar, value, event_id from events where event_name = 'Lead'").fetchall()
    assert lead == [('{"value":1e-8,"order_id":"ord-9"}', 1e-8, "42")]  # dotted keys in order of appearance


def test_flat_jsonl_null_custom_data_or_bad_row_takes_the_exact_path(tmp_path, monkeypatch):
    null_cd = {"channel": "pixel", "event_name": "Lead", "event_time": 1793613598, "custom_data": None}
    path = _flat_rows(tmp_path, [null_cd])
    used_fast, fast, exact, (fast_rows, exact_rows) = _both_paths(path, monkeypatch)
    assert not used_fast and fast_rows == exact_rows
    assert fast.rows_loaded == 5
    path = _flat_rows(tmp_path)
    twice = '{"channel": "pixel", "event_name": "A", "event_name": "B", "event_time": 1}\n'
    path.write_text(path.read_text() + "[1, 2]\n" + twice)
    used_fast, fast, exact, (fast_rows, exact_rows) = _both_paths(path, monkeypatch)
    assert not used_fast and fast_rows == exact_rows
    assert (fast.rows_read, fast.rows_quarantined) == (7, 2)


@pytest.mark.parametrize(("value", "text"), [
    ("1e-8", "1e-8"), ("2e20", "200000000000000000000.0"), ("12345678901234567.5", "12345678901234568.0"),
    ('"1e-05"', "1e-05"), ("-0.5e+3", "-500.0"),
])
def test_flat_jsonl_numbers_written_with_an_exponent_read_as_sent(tmp_path, monkeypatch, value, text):
    # text keys are read as VARCHAR, where DuckDB writes some numbers otherwise (1e-08, 2e+20): the fast
    # path then reads the file again from JSON columns, so the text stays what the exact path stores
    first = {"channel": "pixel", "event_name": "Lead", "event_time": 1793613598, "event_id": "@",
             "value": "@", "order_id": 7}
    second = '{"channel": "pixel", "event_name": "Lead", "event_time": 1.5e9, "value": 10.00}\n'
    path = tmp_path / "numbers.jsonl"
    path.write_text(json.dumps(first).replace('"@"', value) + "\n" + second)
    used_fast, fast, exact, (fast_rows, exact_rows) = _both_paths(path, monkeypatch)
    assert used_fast and fast_rows == exact_rows
    con = connect(None)
    load_files(con, [path], "pixel")
    stored = con.execute("select event_id, value_raw, order_id from events order by source_line").fetchall()
    assert stored[1] == (None, "10.0", None) and stored[0][2] == "7"
    assert stored[0][:2] == (text, text)
