"""Run one benchmark step in a fresh process and measure it: wall time, CPU time, peak RSS."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measure:
    """What one step cost (peak RSS of the step's own process tree, from the kernel's rusage)."""

    step: str
    wall_s: float
    cpu_s: float
    peak_rss_bytes: int
    returncode: int
    events: int = 0

    @property
    def events_per_s(self) -> float:
        """Events handled per wall-clock second (0 when the step has no event count)."""
        return self.events / self.wall_s if self.wall_s > 0 and self.events else 0.0

    @property
    def ok(self) -> bool:
        """True when the step's process exited with 0."""
        return self.returncode == 0


def child_env() -> dict[str, str]:
    """The environment for measured steps: UTC, and Python allowed to cache bytecode between runs."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["TZ"] = "UTC"
    return env


def run_step(step: str, cmd: list[str], log: Path, events: int = 0, cwd: Path | None = None) -> Measure:
    """Run `cmd` to completion with stdout/stderr in `log`; measure it with wait4()."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as fh:
        fh.write((" ".join(cmd) + "\n").encode())
        fh.flush()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=child_env(), cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measure(step, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, proc.returncode,
                   events)
