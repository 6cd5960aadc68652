"""Audit databases for the dashboard tests, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.db import connect
from audit.rules.engine import run_audit

APP = Path(__file__).resolve().parents[1] / "dashboards" / "app.py"
PAGES = {
    "overview": "app_pages/overview.py",
    "deduplication": "app_pages/deduplication.py",
    "match_quality": "app_pages/match_quality.py",
    "parameters": "app_pages/parameters.py",
    "timing": "app_pages/timing.py",
    "findings": "app_pages/findings.py",
    "loads": "app_pages/loads.py",
}


def audited_file(path: Path, rows: list[dict] | None = None) -> Path:
    """A DuckDB file holding these canonical events, audited."""
    from eventsets import store

    con = connect(path)
    if rows:
        store(rows, con)
    run_audit(con)
    con.close()
    return path


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory) -> Path:
    """An audit database with the schema and the audit outputs but no events."""
    return audited_file(tmp_path_factory.mktemp("dash") / "empty.duckdb")


@pytest.fixture(scope="session")
def unaudited_db(tmp_path_factory) -> Path:
    """Events loaded, audit never run."""
    from eventsets import pixel, store

    path = tmp_path_factory.mktemp("dash") / "unaudited.duckdb"
    con = connect(path)
    store([pixel("Purchase", "a-1", "2026-11-02T10:00:00Z", value=10, currency="EUR")], con)
    con.close()
    return path


def app_test(db: Path | str | None, monkeypatch, page: str = "overview"):
    """An AppTest of the dashboard on `db`, switched to `page` and run."""
    from streamlit.testing.v1 import AppTest

    if db is None:
        monkeypatch.delenv("CAPI_AUDIT_DB", raising=False)
    else:
        monkeypatch.setenv("CAPI_AUDIT_DB", str(db))
    monkeypatch.delenv("CAPI_AUDIT_PASSWORD", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    if page != "overview":
        at.switch_page(PAGES[page])
        at.run()
    return at


def texts(at) -> str:
    """Every piece of text the page shows, for assertions on wording."""
    parts = []
    kinds = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error")
    for kind in kinds:
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


SAMPLE_EVENTS = 1000
SAMPLE_SEED = 42


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """The bundled sample generated, loaded and audited the way `capi-audit demo` does it."""
    from audit.cli.demo import prepare

    root = tmp_path_factory.mktemp("sample")
    db = root / "sample.duckdb"
    prepare(db, root / "logs", SAMPLE_EVENTS, SAMPLE_SEED)
    return db
