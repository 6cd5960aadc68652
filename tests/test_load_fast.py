"""Parquet staged as a view over the file (typed times taken as they are) against the staging-table path."""

import pytest

from audit.db import connect
from audit.errors import IngestError
from audit.ingest import load_files

JOHN = "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"
HASHED = "a" * 64
ROWS = """
select * from (values
    (1, 'capi', 'Purchase', 'p-1', '1793613600', timestamptz '2026-11-02 10:00:05.123+00',
     ['John_Smith@gmail.com'], ['+1 (650) 555-0100'], ['US'], '{"value": 12.5, "currency": "EUR"}'::json,
     'https://shop.example/?access_token=EAAB1234567890abcdefgh'),
    (2, 'capi', null, 'p-2', '1793613600', null, [$$HASHED$$], null, null, null, null),
    (3, 'capi', 'Lead', 'p-3', 'not a time', timestamptz '2026-11-02 10:00:00+00', null, null, null,
     null, null),
    (4, 'web', 'Lead', 'p-4', '1793613600000', null, null, null, null, null, null),
    (5, 'pixel', 'Lead', 'p-5', null, timestamptz '2026-11-02 10:00:00+00', null, null, null, null, null),
    (6, 'capi', 'Lead', 'p-6', '2026-11-02T10:00:00Z', timestamptz '12000-01-01 00:00:00+00', null, null,
     null, '{"value": "3.10", "content_ids": ["a", 2]}'::json, null),
    (7, 'capi', 'Lead', 'p-7', '1793613600', null, ['  '], null, ['fr'], null, 'https://shop.example/')
) t(n, channel, event_name, event_id, event_time_raw, sent_at, em, ph, country, custom_data,
    event_source_url)
order by n
"""


def _parquet(tmp_path, name="export.parquet"):
    path = tmp_path / name
    con = connect(None)
    con.execute(f"copy ({ROWS.replace('$$HASHED$$', repr(HASHED))}) to '{path}' (format parquet)")
    con.close()
    return path


def _stage_as_table(con, select: str) -> None:
    """The staging-table path: rows copied into ingest_stage, times left as text to parse."""
    typed = "('event_time_parsed', 'sent_at_parsed')"
    con.execute(f"insert into ingest_stage by name select columns(lambda c: c not in {typed}) "
                f"from ({select})")


def _tables(con):
    events = con.execute("select * from events order by event_ref").fetchall()
    quarantine = con.execute("select * from quarantine order by source_line").fetchall()
    loads = con.execute("select * exclude (loaded_at) from loads").fetchall()
    return events, quarantine, loads


def test_parquet_view_gives_the_rows_of_the_staging_table_path(tmp_path, monkeypatch):
    import audit.ingest.table as tb

    path = _parquet(tmp_path)
    viewed = []
    real = tb.stage_as_view
    monkeypatch.setattr(tb, "stage_as_view", lambda con, select: viewed.append(select) or real(con, select))
    fast_con = connect(None)
    (fast,) = load_files(fast_con, [path], None)
    fast_rows = _tables(fast_con)
    left = fast_con.execute("select count(*) from duckdb_views() where view_name like 'ingest%'").fetchall()
    monkeypatch.setattr(tb, "stage_as_view", _stage_as_table)
    table_con = connect(None)
    (table,) = load_files(table_con, [path], None)
    table_rows = _tables(table_con)
    table_con.close()
    assert len(viewed) == 1 and left == [(0,)]  # staged as a view, dropped after the load
    assert fast.as_dict() == table.as_dict()
    assert (fast.rows_read, fast.rows_loaded, fast.rows_quarantined) == (7, 4, 3)
    assert fast_rows == table_rows
    reasons = dict(fast_con.execute("select source_line, field from quarantine").fetchall())
    assert reasons == {2: "event_name", 3: "event_time", 4: "channel"}
    rows = fast_con.execute(
        "select source_line, em, pii_hashed_on_load, event_source_url, "
        "strftime(sent_at, '%Y-%m-%d %H:%M:%S.%f'), event_time = sent_at, value, content_ids "
        "from events order by source_line").fetchall()
    fast_con.close()
    by_line = {r[0]: r[1:] for r in rows}
    assert set(by_line) == {1, 5, 6, 7}
    em, hashed, url, sent_at, _, _, _ = by_line[1]
    assert em == [JOHN] and hashed == ["em", "ph", "country"]
    assert "EAAB" not in url and "[removed]" in url
    assert sent_at == "2026-11-02 10:00:05.123000"  # typed in the file, taken as it is
    assert by_line[5][4] is True  # no event_time: the sent_at time stands in
    assert by_line[6][5:] == (3.1, ["a", "2"])
    assert by_line[7][:2] == (["  "], ["country"])  # a blank e-mail is neither hashed nor raw PII


def test_parquet_loaded_twice_is_skipped_and_replace_reloads(tmp_path):
    path = _parquet(tmp_path)
    con = connect(None)
    first = load_files(con, [path], None)
    again = load_files(con, [path], None)
    assert again[0].skipped and con.execute("select count(*) from events").fetchall() == [(4,)]
    load_files(con, [path], None, replace=True)
    assert con.execute("select count(*) from events").fetchall() == [(first[0].rows_loaded,)]
    assert con.execute("select count(*) from quarantine").fetchall() == [(3,)]
    assert con.execute("select count(*) from loads").fetchall() == [(1,)]
    con.close()


@pytest.mark.parametrize("where", ["data", "footer"])
def test_damaged_parquet_is_refused_and_nothing_is_kept(tmp_path, where):
    path = _parquet(tmp_path)
    data = bytearray(path.read_bytes())
    start = 100 if where == "data" else len(data) // 2  # a column page, or the file's metadata
    data[start: start + 40] = b"\xff" * 40
    path.write_bytes(bytes(data))
    con = connect(None)
    with pytest.raises(IngestError, match="export.parquet"):
        load_files(con, [path], None)
    kept = con.execute("select (select count(*) from events) + (select count(*) from loads)").fetchall()
    assert kept == [(0,)]
    good = _parquet(tmp_path, "good.parquet")
    (res,) = load_files(con, [good], None)  # the connection is usable after the failure
    assert res.rows_loaded == 4
    con.close()


@pytest.mark.parametrize("block", [1, 2, 3, 7, 1 << 20])
def test_plain_jsonl_finds_blank_lines_across_block_joints(tmp_path, monkeypatch, block):
    import audit.ingest.jsondoc as jd

    monkeypatch.setattr(jd, "BLOCK_BYTES", block)
    cases = {
        b'{"a":1}\n{"b":2}\n': True,
        b'{"a":1}\r\n{"b":2}\r\n': True,
        b'{"a":1}\n{"b":" \\n"}': True,
        b'{"a":1}\n\n{"b":2}\n': False,
        b'{"a":1}\n \t\r\n{"b":2}\n': False,
        b'{"a":1}\n{"b":2}\n   \n': False,
        b'{"a":1}\n\n': False,
        b' {"a":1}\n': False,
    }
    path = tmp_path / "rows.jsonl"
    for data, plain in cases.items():
        path.write_bytes(data)
        assert jd.plain_jsonl(path) is plain, data
