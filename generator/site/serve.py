"""Serve a built site the way a township intranet box should, with nothing but Python: gzip for
text, caching that lets a phone keep the styles and scripts after the first page, revalidation
for pages (so an update shows at once), and the right types for the calendar and
spreadsheet files.

Used by `wanjia serve` and by the browser tests, so the sizes the tests measure are what a phone
on the township network would download.
"""
from __future__ import annotations

import email.utils
import gzip
import http.server
import os
import threading
from functools import partial
from pathlib import Path

COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".csv", ".ics", ".txt", ".webmanifest", ".map")
TYPES = {".ics": "text/calendar; charset=utf-8", ".csv": "text/csv; charset=utf-8",
         ".webmanifest": "application/manifest+json", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".html": "text/html; charset=utf-8", ".json": "application/json",
         ".svg": "image/svg+xml", ".zip": "application/zip",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def cache_control(path: str) -> str:
    if path.endswith((".html", "/", "sw.js", "wanjia-search.json")):
        return "no-cache"          # always revalidated: a 304 costs a few hundred bytes
    return "public, max-age=86400"  # styles, scripts, the search index's parts: kept for a day


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}
    _gzipped: dict[tuple[str, float], bytes] = {}
    _lock = threading.Lock()

    def log_message(self, *args) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", cache_control(self.path.split("?", 1)[0]))
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        if (path.suffix in COMPRESSIBLE and path.is_file()
                and "gzip" in self.headers.get("Accept-Encoding", "")):
            return self._send_gzipped(path)
        return super().do_GET()

    def _send_gzipped(self, path: Path) -> None:
        stat = path.stat()
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                if int(stat.st_mtime) <= email.utils.parsedate_to_datetime(since).timestamp():
                    self.send_response(304)
                    self.end_headers()
                    return
            except (TypeError, ValueError):
                pass
        key = (str(path), stat.st_mtime)
        with self._lock:
            body = self._gzipped.get(key)
            if body is None:
                body = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
                self._gzipped[key] = body
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", email.utils.formatdate(stat.st_mtime, usegmt=True))
        self.end_headers()
        self.wfile.write(body)


def start(site: Path, host: str = "127.0.0.1", port: int = 0):
    """Serve `site` in a background thread; returns (server, base url)."""
    server = http.server.ThreadingHTTPServer((host, port), partial(Handler, directory=os.fspath(site)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}/"
