"""One portable inter-process lock (filelock: flock on POSIX, msvcrt on Windows, where most township
offices run), so that every command starts on any system and two processes never share a step."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout


class Busy(RuntimeError):
    """Another process holds the lock for longer than we are willing to wait."""


@contextmanager
def held(path: Path, wait: float, busy_message: str, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the lock file at `path`, waiting up to `wait` seconds; then raise Busy(busy_message).
    `on_wait` is called once if the lock is taken, before waiting (to tell the user why nothing happens)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path), timeout=wait, thread_local=False)
    try:
        if on_wait is not None:
            try:
                lock.acquire(timeout=0)
            except Timeout:
                on_wait()
                lock.acquire()
        else:
            lock.acquire()
    except Timeout:
        raise Busy(busy_message) from None
    try:
        yield
    finally:
        lock.release()
