"""One portable inter-process lock (filelock: flock on POSIX, msvcrt on Windows, where most township
offices run), so that every command starts on any system and two processes never share a step."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout


class Busy(RuntimeError):
    """Another process holds the lock for longer than we are willing to wait."""


@contextmanager
def held(path: Path, wait: float, busy_message: str) -> Iterator[None]:
    """Hold the lock file at `path`, waiting up to `wait` seconds; then raise Busy(busy_message)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path), timeout=wait, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise Busy(busy_message) from None
    try:
        yield
    finally:
        lock.release()
