"""How long each dashboard page takes to build on an audited database (run by hand, never in CI).

    python benchmarks/dashboard.py --db FILE [--runs 3] [--no-record] [--no-filters]

Runs the Streamlit app with Streamlit's AppTest (in this process, no browser) on every page, after a
warm-up run without a database (a dashboard server imports its modules once): the first view of a page
runs its queries (what the app caches is shared between pages, as in one server process), the next
views are what a user sees returning to the page. The time covers the page's queries and
building its Plotly figures; drawing them in the browser is not included. Then, in one session, the
sidebar's filters are changed one after the other (every day, then the busiest event name sent on both
channels alone, then server events alone) and every page is timed after each change. Appends to results.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from run import machine, machine_line, publish  # noqa: E402

PAGES = {
    "Overview": None,
    "Deduplication": "app_pages/deduplication.py",
    "Match quality": "app_pages/match_quality.py",
    "Parameters": "app_pages/parameters.py",
    "Timing": "app_pages/timing.py",
    "Findings": "app_pages/findings.py",
    "Loads": "app_pages/loads.py",
}
TARGET_S = 2.0


def time_pages(db: Path, runs: int) -> list[tuple[str, float, float]]:
    """[(page, cold seconds, best warm seconds)] for every page."""
    from streamlit.testing.v1 import AppTest

    os.environ.pop("CAPI_AUDIT_PASSWORD", None)
    os.environ.pop("CAPI_AUDIT_DB", None)  # warm-up without a database: imports Streamlit, Plotly, the app
    # The app takes `--db FILE` from the command line before $CAPI_AUDIT_DB: with this script's own --db
    # left there, the warm-up ran the Overview's queries and the Overview's first view was measured warm.
    sys.argv = sys.argv[:1]
    AppTest.from_file(str(ROOT / "dashboards" / "app.py"), default_timeout=600).run()
    os.environ["CAPI_AUDIT_DB"] = str(db)
    out = []
    for name, page in PAGES.items():
        at = AppTest.from_file(str(ROOT / "dashboards" / "app.py"), default_timeout=600)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            at.run()
            if page is not None:
                at.switch_page(page)
                at.run()
            times.append(time.perf_counter() - start)
            if at.exception:
                raise SystemExit(f"{name}: {at.exception[0].value}")
        out.append((name, times[0], min(times[1:]) if runs > 1 else times[0]))
        print(f"{name}: first view {times[0]:.2f} s", file=sys.stderr, flush=True)
    return out


def time_filters(busiest: str) -> list[tuple[str, str, float]]:
    """[(filters, page, seconds)]: every page after each change of the sidebar's filters, in one session
    (run after time_pages, in the same process, on its database); `busiest` is the event name to pick."""
    from streamlit.testing.v1 import AppTest

    from dashboards.filters import CHANNELS

    server = next(label for label, channel in CHANNELS.items() if channel == "capi")
    at = AppTest.from_file(str(ROOT / "dashboards" / "app.py"), default_timeout=600)
    at.run()
    first, last = at.date_input(key="f_dates").min, at.date_input(key="f_dates").max
    changes = [
        ("every day", lambda: at.date_input(key="f_dates").set_value((first, last))),
        (f"+ {busiest} only", lambda: at.multiselect(key="f_names").select(busiest)),
        ("+ server only", lambda: at.radio(key="f_channel").set_value(server)),
    ]
    out = []
    for label, change in changes:
        change()
        for name, page in PAGES.items():
            start = time.perf_counter()
            at.switch_page(page or "app_pages/overview.py")
            at.run()
            out.append((label, name, time.perf_counter() - start))
            print(f"{label}, {name}: {out[-1][2]:.2f} s", file=sys.stderr, flush=True)
            if at.exception:
                raise SystemExit(f"{name} ({label}): {at.exception[0].value}")
    return out


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--no-filters", action="store_true",
                        help="time the pages with the default filters only")
    args = parser.parse_args()
    import duckdb

    con = duckdb.connect(str(args.db), read_only=True)
    events = con.execute("select count(*) from events").fetchone()[0]
    # the event name the filter timings pick: the most frequent one sent on both channels
    busiest = con.execute("select event_name from events where event_name is not null group by 1 "
                          "order by count(distinct channel) desc, count(*) desc limit 1").fetchone()[0]
    con.close()
    info = machine()
    command = f"python benchmarks/dashboard.py {' '.join(sys.argv[1:])}"  # before time_pages clears sys.argv
    rows = time_pages(args.db, args.runs)
    lines = [
        f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: dashboard pages on {events:,} events",
        "",
        f"Command: `{command}`  ",
        machine_line(info) + " Server-side time per page (queries and figures, Streamlit AppTest).",
        "",
        "| page | first view s | again s | under 2 s |",
        "|---|---:|---:|---|",
    ]
    for name, cold, warm in rows:
        verdict = "yes" if max(cold, warm) < TARGET_S else "no"
        lines.append(f"| {name} | {cold:.2f} | {warm:.2f} | {verdict} |")
    if not args.no_filters:
        lines += ["", "After each change of the filters, in one session (the changes add up):", "",
                  "| filters | page | s | under 2 s |", "|---|---|---:|---|"]
        for label, name, seconds in time_filters(busiest):
            lines.append(f"| {label} | {name} | {seconds:.2f} | {'yes' if seconds < TARGET_S else 'no'} |")
    publish("\n".join(lines) + "\n", record=not args.no_record)


if __name__ == "__main__":
    main()
