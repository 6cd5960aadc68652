"""JSONL fast paths on many rows: each event keeps its file line, and custom data keeps its exact text."""

import json

import pytest

import audit.ingest.capi_graph as cg
import audit.ingest.table as tb
from audit.db import connect
from audit.ingest import load_files

ROWS = 20_000


@pytest.fixture
def fast_reads(monkeypatch):
    """What each JSONL fast read returned (None = it refused the file)."""
    taken = []
    real_table, real_capi = tb.TableAdapter._read_jsonl_fast, cg.CapiGraphAdapter._read_fast
    monkeypatch.setattr(tb.TableAdapter, "_read_jsonl_fast",
                        lambda self, *a: taken.append(real_table(self, *a)) or taken[-1])
    monkeypatch.setattr(cg.CapiGraphAdapter, "_read_fast",
                        staticmethod(lambda *a: taken.append(real_capi(*a)) or taken[-1]))
    return taken


def _pixel_file(tmp_path):
    path = tmp_path / "pixel.jsonl"
    with open(path, "w") as fh:
        for line in range(1, ROWS + 1):
            row = {"channel": "pixel", "event_name": "PageView", "event_id": f"e-{line}",
                   "event_time": 1793613598 + line, "event_source_url": f"https://shop.example.com/p/{line}"}
            if line % 7 == 0:
                row["custom_data"] = {"value": line / 100, "currency": "EUR", "note": " spaced  text "}
            fh.write(json.dumps(row) + "\n")
    return path


def _capi_file(tmp_path):
    path = tmp_path / "capi.jsonl"
    with open(path, "w") as fh:
        for line in range(1, ROWS // 2 + 1):
            events = [{"event_name": "Purchase", "event_id": f"e-{line}-{i}", "event_time": 1793613598 + line,
                       "action_source": "website", "user_data": {"client_ip_address": "192.0.2.1"}}
                      for i in range(1 + line % 3)]
            envelope = {"path": "/v21.0/123/events", "request": {"data": events}}
            body = {"data": events} if line % 2 else envelope
            fh.write(json.dumps(body) + "\n")
    return path


@pytest.mark.parametrize("preserve_order", [True, False])
def test_flat_jsonl_rows_keep_their_file_lines(tmp_path, preserve_order, fast_reads):
    con = connect(None)
    con.execute(f"set preserve_insertion_order = {str(preserve_order).lower()}")
    (res,) = load_files(con, [_pixel_file(tmp_path)], "pixel")
    assert (res.rows_read, res.rows_loaded, res.rows_quarantined) == (ROWS, ROWS, 0)
    assert len(fast_reads) == 1 and fast_reads[0] is not None
    wrong = con.execute(
        "select count(*) from events where event_id <> 'e-' || source_line or source_index <> 0"
    ).fetchall()[0][0]
    lines = con.execute("select min(source_line), max(source_line), count(distinct source_line) from events")
    assert wrong == 0
    assert lines.fetchall() == [(1, ROWS, ROWS)]


def test_request_bodies_keep_their_file_lines_and_places(tmp_path, fast_reads):
    con = connect(None)
    (res,) = load_files(con, [_capi_file(tmp_path)], "capi")
    expected = sum(1 + line % 3 for line in range(1, ROWS // 2 + 1))
    assert (res.rows_read, res.rows_loaded) == (expected, expected)
    assert len(fast_reads) == 1 and fast_reads[0] is not None
    wrong = con.execute(
        "select count(*) from events where event_id <> 'e-' || source_line || '-' || source_index "
        "or request_event_count <> 1 + source_line % 3"
    ).fetchall()[0][0]
    assert wrong == 0


def test_custom_data_is_kept_as_sent_unless_it_holds_a_token(tmp_path, fast_reads):
    path = tmp_path / "cd.jsonl"
    path.write_text(
        '{"channel": "pixel", "event_name": "Lead", "event_time": 1793613598, '
        '"custom_data": {"note": " a  b ", "n": 1.50}}\n'
        '{"channel": "pixel", "event_name": "Lead", "event_time": 1793613599, '
        '"custom_data": {"access_token": "EAAB1234567890abcdefgh", "value": 2}}\n'
    )
    con = connect(None)
    load_files(con, [path], "pixel")
    assert len(fast_reads) == 1 and fast_reads[0] is not None
    stored = con.execute("select custom_data::varchar from events order by source_line").fetchall()
    assert stored == [('{"note":" a  b ","n":1.5}',), ('{"access_token":"[removed]","value":2}',)]
