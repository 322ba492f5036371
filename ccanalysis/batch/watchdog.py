"""No orphans: a worker whose driver died (even by SIGKILL, which runs no clean-up) ends itself and its kernels.

Each local worker runs `watch_driver(pid)` once: a daemon thread checks every `POLL_S` seconds that the
driver process is still the one it was (same pid and start time, not a zombie); when it is gone, it kills
every process below the worker (its kernels) and then the worker. The forkserver exits by itself once the
driver and every worker are gone (each holds an end of its "alive" pipe).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from pathlib import Path

#: Seconds between two checks of the driver.
POLL_S = 0.5

_WATCHED: set[int] = set()
_LOCK = threading.Lock()


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state first), or None if there is none."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def start_time(pid: int) -> str | None:
    """The process's start time (clock ticks after boot, Linux), or None where /proc is missing."""
    fields = _stat_fields(pid)
    return fields[19] if fields else None


def is_alive(pid: int, started: str | None = None) -> bool:
    """True while `pid` runs and (when `started` is given) is still the process that started then."""
    fields = _stat_fields(pid)
    if fields is not None:
        return fields[0] not in ("Z", "X") and (started is None or fields[19] == started)
    if sys.platform.startswith("linux"):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, their children…), from /proc; empty where /proc is missing."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _kill_below_and_exit() -> None:
    for child in reversed(descendants(os.getpid())):
        with contextlib.suppress(OSError):
            os.kill(child, signal.SIGKILL)
    os._exit(1)


def _watch(pid: int, started: str | None) -> None:
    while is_alive(pid, started):
        time.sleep(POLL_S)
    _kill_below_and_exit()


def watch_driver(pid: int, started: str | None = None) -> None:
    """In a worker: end this process and everything below it once the driver `pid` is gone (once per
    process; `started` is the driver's `start_time`, so a reused pid does not count as the driver)."""
    with _LOCK:
        if os.getpid() in _WATCHED:
            return
        _WATCHED.add(os.getpid())
    if started is None:
        started = start_time(pid)
    threading.Thread(target=_watch, args=(pid, started), name="ccanalysis-driver-watchdog", daemon=True).start()
