"""Disk and memory room for a workspace: where the audit writes, how much it needs, plain-words failures.

The audit writes in up to four places: the workspace file, the scratch file of intermediates
(audit/rules/scratch.py), the scope file of an incremental audit whose re-audited events do not fit in
memory (audit/rules/incremental.py) and DuckDB's spill folder (`<database>.tmp`, or CAPI_AUDIT_TEMP_DIR).
Before an audit, `warn_if_short` compares the free space there with a rough estimate; during a load or an
audit, `plain_errors` turns DuckDB's out-of-memory and disk-full errors into messages that say what to do.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from audit.db import scalar, table_names
from audit.errors import ResourceError
from audit.rules.scratch import SCOPE_SUFFIX, scratch_path, workspace_path
from audit.sizes import format_size

# Peak disk of an audit, per event: about 1.3 GB per million events. Measured at 20 M events a side
# (38.7 M events) under --memory-limit 4GB (benchmarks/results.md, e031700): a fresh workspace needs about
# 50 GB at the peak, of which about a quarter is the workspace file's growth, a quarter the scratch file
# (12.6 GB) and half DuckDB's spill (about 25 GB).
DISK_BYTES_PER_EVENT = 1_300
# The scope file only exists during an incremental audit, which needs a fraction of a full one's room.
SHARES = {"workspace file": 0.25, "scratch file": 0.25, "scope file": 0.0, "spill folder": 0.5}
TEMP_DIR_ENV = "CAPI_AUDIT_TEMP_DIR"
FILE_IN_MESSAGE = re.compile(r'file "([^"]+)"')
# What to do after fixing the cause. A full audit that stops has replaced part of the previous results.
AGAIN = {
    "audit": "run `capi-audit audit` again (the loaded events are kept; an audit that stopped part way "
             "is redone in full, and the results may be incomplete until it completes)",
    "load": "load the files again (files loaded before the failure are kept and skipped; the one that "
            "failed was not loaded)",
}
SPILL_FILES = "duckdb_temp"  # DuckDB names its spill files duckdb_temp_<pid>_<n>_storage_*.tmp
DISK_FULL_TEXTS = ("no space left on device", "disk quota exceeded", "could not write all bytes",
                   "max_temp_directory_size")


@dataclass(frozen=True)
class Place:
    """One place the audit writes: its role (a key of SHARES) and path."""

    role: str
    path: Path

    def size(self) -> int:
        """Bytes it holds now (a file with its .wal, or DuckDB's spill files in the folder); 0 when absent."""
        if self.role != "spill folder":
            return _bytes([self.path, Path(f"{self.path}.wal")])
        if not self.path.is_dir():
            return 0
        return _bytes([f for f in self.path.iterdir() if f.name.startswith(SPILL_FILES)])


@dataclass(frozen=True)
class Disk:
    """A filesystem the audit writes on: where it is mounted, the places on it, its free and total bytes."""

    mount: Path
    places: tuple[Place, ...]
    free: int
    total: int

    @property
    def share(self) -> float:
        """The share of the audit's disk needs that land on this filesystem."""
        return sum(SHARES[p.role] for p in self.places)

    def describe(self) -> str:
        """The disk in words: 'the disk at /data (workspace file, scratch file)'."""
        return f"the disk at {self.mount} ({', '.join(p.role for p in self.places)})"


def _bytes(files: list[Path]) -> int:
    """Total size of the files that exist (one may vanish while DuckDB cleans up)."""
    total = 0
    for f in files:
        try:
            total += f.stat().st_size if f.is_file() else 0
        except OSError:
            continue
    return total


def existing_parent(path: Path) -> Path:
    """The nearest folder at or above `path` that exists (where a file or folder would be created)."""
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path if path.is_dir() else path.parent


def mount_point(path: Path) -> Path:
    """The folder where the filesystem holding `path` is mounted (the disk's name for users)."""
    path = existing_parent(path)
    device = os.stat(path).st_dev
    while path != path.parent and os.stat(path.parent).st_dev == device:
        path = path.parent
    return path


def spill_folder(con) -> Path:
    """DuckDB's spill folder for this connection (`<database>.tmp` unless CAPI_AUDIT_TEMP_DIR moves it)."""
    return Path(con.execute("select current_setting('temp_directory')").fetchone()[0]).absolute()


def places(con) -> list[Place]:
    """Where an audit of this workspace writes: workspace, scratch and scope files, spill folder."""
    found = []
    workspace = workspace_path(con)
    if workspace is not None:
        workspace = workspace.absolute()
        found += [Place("workspace file", workspace), Place("scratch file", scratch_path(workspace)),
                  Place("scope file", scratch_path(workspace, SCOPE_SUFFIX))]
    return [*found, Place("spill folder", spill_folder(con))]


def disks(where: list[Place]) -> list[Disk]:
    """The places grouped by filesystem (same device), each with its free and total space."""
    groups: dict[int, list[Place]] = {}
    folders: dict[int, Path] = {}
    for place in where:
        folder = existing_parent(place.path)
        device = os.stat(folder).st_dev
        groups.setdefault(device, []).append(place)
        folders.setdefault(device, folder)
    found = []
    for device, group in groups.items():
        usage = shutil.disk_usage(folders[device])
        found.append(Disk(mount_point(folders[device]), tuple(group), usage.free, usage.total))
    return found


def needed_bytes(events: int) -> int:
    """Rough peak disk of an audit of `events` events (workspace growth + scratch + spill)."""
    return events * DISK_BYTES_PER_EVENT


def shortfalls(con, events: int) -> list[tuple[Disk, int]]:
    """The filesystems with less free space than their share of an audit of `events` events needs."""
    need = needed_bytes(events)
    return [(disk, int(need * disk.share)) for disk in disks(places(con)) if disk.free < need * disk.share]


def warn_if_short(con, events: int, say: Callable[[str], None]) -> bool:
    """Before an audit: say a plain WARNING when the disk looks too small for it (warn, never refuse)."""
    short = shortfalls(con, events)
    for disk, need in short:
        say(f"WARNING: this audit of {events:,} events probably needs about {format_size(need)} of free "
            f"disk on {disk.describe()}, which has {format_size(disk.free)} free, so it may stop when "
            f"the disk fills.\nWhere it writes: {_listing(disk.places, sizes=False)}\n"
            f"What to do: free some space there, or set {TEMP_DIR_ENV} to a folder on a bigger disk (the "
            f"scratch file and DuckDB's spill files go there). The estimate is rough (about "
            f"{format_size(DISK_BYTES_PER_EVENT * 10**6)} per million events), so the audit goes ahead.")
    return bool(short)


def _listing(where: tuple[Place, ...] | list[Place], sizes: bool) -> str:
    """The places as text, one per line, with their current sizes when asked."""
    return "".join(f"\n  {p.role}: {p.path}" + (f" ({format_size(p.size())})" if sizes else "")
                   for p in where)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and the ones it was raised from or while handling."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def is_disk_full(exc: BaseException) -> bool:
    """True when the error (or one it came from) says a disk filled up: ENOSPC/EDQUOT, or DuckDB's texts."""
    for e in _chain(exc):
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(e, duckdb.Error | OSError) and any(t in str(e).lower() for t in DISK_FULL_TEXTS):
            return True
    return False


def is_out_of_memory(exc: BaseException) -> bool:
    """True when DuckDB ran out of memory (and not out of spill room, which is a full disk)."""
    return any(isinstance(e, duckdb.OutOfMemoryException) for e in _chain(exc)) and not is_disk_full(exc)


@dataclass(frozen=True)
class Room:
    """What the messages need, read when the work starts (the connection may be unusable after a failure)."""

    places: tuple[Place, ...]
    memory_limit: str
    events: int

    @classmethod
    def of(cls, con) -> Room:
        """Read the places, the memory limit and the number of events of an open workspace."""
        limit = scalar(con, "select current_setting('memory_limit')")
        events = scalar(con, "select count(*) from events") if "events" in table_names(con, "main") else 0
        return cls(tuple(places(con)), limit, events)

    @property
    def spill(self) -> Place:
        """The spill folder."""
        return next(p for p in self.places if p.role == "spill folder")

    def full_disk(self, exc: BaseException) -> Disk | None:
        """The filesystem that filled: the one of the file DuckDB could not write, or of the spill folder."""
        named = [Path(m[1]) for e in _chain(exc) for m in FILE_IN_MESSAGE.finditer(str(e))]
        if not named and any("max_temp_directory_size" in str(e) for e in _chain(exc)):
            named = [self.spill.path]
        named += [Path(e.filename) for e in _chain(exc) if isinstance(e, OSError) and e.filename]
        where = disks(list(self.places))
        for path in named:
            device = os.stat(existing_parent(path)).st_dev
            for disk in where:
                if os.stat(existing_parent(disk.places[0].path)).st_dev == device:
                    return disk
        return min(where, key=lambda d: d.free) if where else None

    def out_of_memory(self, doing: str) -> str:
        """The message for an out-of-memory failure."""
        return (f"The {doing} needed more memory than its limit of {self.memory_limit} allows (DuckDB's "
                f"memory limit, past which it spills to {self.spill.path}).\n"
                f"What to do: raise the limit with --memory-limit (or CAPI_AUDIT_MEMORY_LIMIT), e.g. "
                f"--memory-limit 8GB if the machine has the memory, or free disk space for spilling in "
                f"{self.spill.path} (set {TEMP_DIR_ENV} to put it on a bigger disk); then {AGAIN[doing]}.")

    def disk_full(self, doing: str, exc: BaseException) -> str:
        """The message for a disk that filled: which disk, the three places and their sizes, the need."""
        disk = self.full_disk(exc)
        where = (f"{disk.describe()} is full ({format_size(disk.free)} free of {format_size(disk.total)} "
                 "now)" if disk else "a disk is full")
        return (f"The {doing} stopped because {where}.\n"
                f"Where it writes (sizes now; the scratch file and spill files are deleted when it stops):"
                f"{_listing(self.places, sizes=True)}\n"
                f"{self._need(doing)}\n"
                f"What to do: free space on that disk, or set {TEMP_DIR_ENV} to a folder on a bigger disk "
                f"(the scratch file and the spill go there); then {AGAIN[doing]}.")

    def _need(self, doing: str) -> str:
        """How much room an audit needs, in words."""
        rate = f"about {format_size(DISK_BYTES_PER_EVENT * 10**6)} per million events"
        if doing == "load":
            return f"Loading needs room for the events in the workspace file; auditing them needs {rate}."
        return (f"An audit of the {self.events:,} events in this workspace needs about "
                f"{format_size(needed_bytes(self.events))} of free disk ({rate}).")


@contextmanager
def plain_errors(con, doing: str = "audit") -> Iterator[Room]:
    """Around a load or an audit: DuckDB's out-of-memory and disk-full errors become a ResourceError."""
    room = Room.of(con)
    try:
        yield room
    except (duckdb.Error, OSError) as exc:
        if is_disk_full(exc):
            raise ResourceError(room.disk_full(doing, exc)) from exc
        if is_out_of_memory(exc):
            raise ResourceError(room.out_of_memory(doing)) from exc
        raise
