"""Run one benchmark step in a fresh process and measure it: wall time, CPU time, peak RSS."""

from __future__ import annotations

import os
import subprocess
import threading
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
    peak_disk_bytes: int = 0  # largest size seen of the step's workspace on disk (see disk_used)

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


def disk_used(db: Path) -> int:
    """Bytes of a workspace on disk: the file, the audit's scratch and scope files, their write-ahead logs
    and the spill folder (<db>.tmp)."""
    total = 0
    for path in (db, *(Path(f"{db}{suffix}") for suffix in (".wal", ".scratch", ".scratch.wal", ".scope",
                                                             ".scope.wal"))):
        try:
            total += path.stat().st_size
        except OSError:
            pass
    spill = Path(f"{db}.tmp")
    if spill.is_dir():
        for item in spill.iterdir():
            try:
                total += item.stat().st_size
            except OSError:  # a spill file removed while we look
                pass
    return total


class DiskWatch:
    """Samples a workspace's size on disk in a thread until stopped; keeps the largest."""

    def __init__(self, db: Path | None, every_s: float = 0.5) -> None:
        self.db, self.every_s, self.peak = db, every_s, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while True:
            self.peak = max(self.peak, disk_used(self.db))
            if self._stop.wait(self.every_s):
                return

    def __enter__(self) -> DiskWatch:
        if self.db is not None:
            self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        if self.db is not None:
            self._stop.set()
            self._thread.join()
            self.peak = max(self.peak, disk_used(self.db))


def run_step(step: str, cmd: list[str], log: Path, events: int = 0, cwd: Path | None = None,
             disk: Path | None = None) -> Measure:
    """Run `cmd` to completion with stdout/stderr in `log`; measure it with wait4() (and the peak size
    of workspace `disk` on disk, when given)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as fh, DiskWatch(disk) as watch:
        fh.write((" ".join(cmd) + "\n").encode())
        fh.flush()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=child_env(), cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measure(step, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, proc.returncode,
                   events, watch.peak)
