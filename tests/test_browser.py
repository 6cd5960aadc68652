"""End to end in a real Chromium: every dashboard page renders its charts and shows no error box.

Screenshots land in the test's tmp folder; with UPDATE_SCREENSHOTS=1 the overview is also copied to
docs/img/overview.png for the README. Needs Debian's `chromium` (skipped without it, failed under CI=true).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from dashboard_fixtures import sample_db  # noqa: F401

from audit.cli.dashboard import dashboard_env, streamlit_command

pytestmark = pytest.mark.browser

DOCS_IMG = Path(__file__).resolve().parents[1] / "docs" / "img"
# url path (the overview is the root) -> charts the page must draw on the sample
PAGES = {
    "overview": 1,
    "deduplication": 3,
    "match_quality": 3,
    "parameters": 3,
    "timing": 2,
    "findings": 1,
    "data": 1,
}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium() -> str:
    """Debian's Chromium, or skip (fail under CI, where it must be installed)."""
    path = shutil.which("chromium")
    if path:
        return path
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("chromium is not installed: `apt-get install chromium` (CI must run the browser test)")
    pytest.skip("chromium is not installed (apt-get install chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(sample_db, tmp_path_factory):  # noqa: F811
    """`streamlit run` on the sample database, exactly as `capi-audit dashboard` starts it."""
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(streamlit_command("127.0.0.1", port), env=dashboard_env(sample_db, None),
                                stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.read().strip() == b"ok":
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"streamlit did not start: {log.read_text()[-2000:]}")
        time.sleep(0.3)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def settle(page) -> None:
    """Wait until Streamlit has finished running the page script."""
    page.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=30_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=60_000,
    )


def test_every_page_renders_its_charts(server, tmp_path):
    from playwright.sync_api import sync_playwright

    exe = chromium()
    shots: dict[str, Path] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        try:
            for slug, charts in PAGES.items():
                page.goto(f"{server}/{'' if slug == 'overview' else slug}")
                settle(page)
                page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
                page.wait_for_function(  # plots drawn (each has main-svg layers), not svg layers counted
                    "n => [...document.querySelectorAll('.js-plotly-plot')]"
                    ".filter(e => e.querySelector('.main-svg')).length >= n",
                    arg=charts, timeout=60_000,
                )
                drawn = page.locator(".js-plotly-plot").count()
                assert drawn >= charts, f"{slug}: {drawn} charts drawn, expected {charts}"
                errors = page.locator('[data-testid="stException"]')
                assert errors.count() == 0, f"{slug}: error box shown: {errors.first.inner_text()[:2000]}"
                assert page.locator('[data-testid="stAlertContentError"]').count() == 0, f"{slug}: st.error"
                shots[slug] = tmp_path / f"{slug}.png"
                page.screenshot(path=str(shots[slug]), full_page=True)
        finally:
            browser.close()
    assert all(s.stat().st_size > 10_000 for s in shots.values())
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shots["overview"], DOCS_IMG / "overview.png")
