"""Every dashboard page opens without error and says what to do when there is nothing to show."""

from __future__ import annotations

import pytest
from dashboard_fixtures import PAGES, app_test, empty_db, texts, unaudited_db  # noqa: F401


@pytest.mark.parametrize("page", list(PAGES))
def test_page_on_empty_store_shows_how_to_load(page, empty_db, monkeypatch):  # noqa: F811
    at = app_test(empty_db, monkeypatch, page)
    assert not at.exception, at.exception
    shown = texts(at)
    if page == "loads":
        assert "No file loaded yet" in shown
    else:
        assert "No events loaded yet" in shown and "capi-audit audit" in shown
    assert not at.error


@pytest.mark.parametrize("page", ["overview", "findings"])
def test_page_before_audit_asks_to_run_it(page, unaudited_db, monkeypatch):  # noqa: F811
    at = app_test(unaudited_db, monkeypatch, page)
    assert not at.exception, at.exception
    assert "have not been audited yet" in texts(at)


def test_without_database_explains_how_to_start(monkeypatch):
    at = app_test(None, monkeypatch)
    assert not at.exception
    assert "capi-audit dashboard --db FILE" in texts(at)


def test_missing_file_names_it(tmp_path, monkeypatch):
    at = app_test(tmp_path / "nope.duckdb", monkeypatch)
    assert not at.exception
    assert "nope.duckdb" in texts(at) and "does not exist yet" in texts(at)


def test_password_gate_hides_pages_until_the_right_password(empty_db, monkeypatch):  # noqa: F811
    from dashboard_fixtures import APP
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CAPI_AUDIT_DB", str(empty_db))
    monkeypatch.setenv("CAPI_AUDIT_PASSWORD", "s3cret")
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert "No events loaded yet" not in texts(at)
    at.text_input(key="password").input("wrong").run()
    assert "Wrong password" in texts(at)
    at.text_input(key="password").input("s3cret").run()
    assert not at.exception
    assert "No events loaded yet" in texts(at)


def test_events_loaded_after_the_last_audit_are_announced(tmp_path, monkeypatch):
    from eventsets import capi, pixel, store

    from audit.db import connect
    from audit.rules.incremental import run

    db = tmp_path / "stale.duckdb"
    con = store([pixel("Purchase", "a-1", "2026-11-02T10:00:00Z", value=10, currency="EUR")], connect(db))
    run(con)
    store([capi("Purchase", "a-1", "2026-11-02T10:00:03Z", value=10, currency="EUR")], con)
    con.close()
    at = app_test(db, monkeypatch)
    assert not at.exception, at.exception
    assert "1 event was loaded after the last audit and is not in these numbers yet" in texts(at)
