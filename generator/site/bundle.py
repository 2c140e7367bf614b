"""The offline bundle: the whole public site as one zip, for a USB stick or a phone's files.

Opened from files (file://), a folder URL shows a listing instead of its page, so every link to a
folder is rewritten to its index.html. Site search and the service worker cannot run from files and
are left out; the pages say so. Timestamps are fixed, so the same site gives the same zip.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

NAME = "wanjia-offline.zip"
SKIP = ("sw.js", NAME, f".{NAME}.tmp")
_LINK = re.compile(r'\b(href|src|action)="(?![a-z][a-z0-9+.-]*:|//|#)([^"#?]*)((?:\?[^"#]*)?(?:#[^"]*)?)"')


def file_links(html: str) -> str:
    """Folder links made explicit: "../materials/" → "../materials/index.html"."""
    def fix(m: re.Match) -> str:
        attr, path, rest = m.groups()
        if path == "":
            return m.group(0)
        if path.endswith("/"):
            path += "index.html"
        elif path in (".", ".."):
            path += "/index.html"
        return f'{attr}="{path}{rest}"'
    return _LINK.sub(fix, html)


def make(site: Path, folder: str) -> Path:
    """Write site/wanjia-offline.zip with everything under `folder/` inside it."""
    target = site / NAME
    files = sorted(p for p in site.rglob("*") if p.is_file())
    tmp = site / f".{NAME}.tmp"   # renamed over the old one when whole: a download never gets half a zip
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for path in files:
            rel = path.relative_to(site).as_posix()
            if rel.startswith(SKIP):
                continue
            data = path.read_bytes()
            if path.suffix == ".html":
                data = file_links(data.decode("utf-8")).encode("utf-8")
            info = zipfile.ZipInfo(f"{folder}/{rel}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    tmp.replace(target)
    return target
