"""The generator works column-wise: Python does the same work for 10k events as for 200k."""

from __future__ import annotations

import cProfile
import pstats
import time

from audit.sample import generate


def _run(out, events: int) -> tuple[int, int, float]:
    """(events written, Python function calls made, CPU seconds) for one generation."""
    profile = cProfile.Profile()
    cpu = time.process_time()
    profile.enable()
    truth = generate(out, events=events, seed=3)
    profile.disable()
    return truth["events"], pstats.Stats(profile).total_calls, time.process_time() - cpu


def test_no_python_loop_per_event(tmp_path):
    small_events, small_calls, _ = _run(tmp_path / "small", 10_000)
    big_events, big_calls, big_cpu = _run(tmp_path / "big", 200_000)
    assert big_events > 150_000
    extra = big_calls - small_calls
    assert extra < 0.5 * (big_events - small_events), (
        f"{extra:,} more Python calls for {big_events - small_events:,} more events: "
        "a Python loop per event crept in")
    assert big_cpu < 60, f"200k events took {big_cpu:.1f} s of CPU"
