"""The offline bundle: the whole public site as one zip, for a USB stick or a phone's files.

Opened from files (file://), a folder URL shows a listing instead of its page, so every link to a
folder is rewritten to its index.html. Site search and the service worker cannot run from files and
are left out; the pages say so. Timestamps are fixed, so the same site gives the same zip.

Written here rather than with zipfile: each file's compressed entry is kept in the cache under the
file's bytes, so a rebuild compresses (and rewrites the links of) only the files whose bytes changed
(an edit to a material: its page, the pages that list it, the search files).
"""
from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

from ..cache import NO_CACHE, Cache

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


def make(site: Path, folder: str, cache: Cache = NO_CACHE) -> Path:
    """Write site/wanjia-offline.zip with everything under `folder/` inside it."""
    target = site / NAME
    files = sorted(p for p in site.rglob("*") if p.is_file())
    tmp = site / f".{NAME}.tmp"   # renamed over the old one when whole: a download never gets half a zip
    central = []
    with tmp.open("wb") as out:
        for path in files:
            rel = path.relative_to(site).as_posix()
            if rel.startswith(SKIP):
                continue
            crc, size, packed = _entry(path, cache)
            name = f"{folder}/{rel}".encode()
            at = out.tell()
            out.write(_LOCAL.pack(b"PK\3\4", 20, _UTF8, 8, 0, _DATE, crc, len(packed), size, len(name), 0) + name)
            out.write(packed)
            central.append(_CENTRAL.pack(b"PK\1\2", 0x314, 20, _UTF8, 8, 0, _DATE, crc, len(packed), size,
                                         len(name), 0, 0, 0, 0, 0o644 << 16, at) + name)
        start = out.tell()
        if len(central) > 0xFFFF or start > 0xFFFFFFFF:   # zip64 territory: no township site is that large
            raise OverflowError(f"离线包有 {len(central)} 个文件、{start} 字节，超出普通 zip 的上限")
        out.write(b"".join(central))
        out.write(_END.pack(b"PK\5\6", 0, 0, len(central), len(central), out.tell() - start, start, 0))
    tmp.replace(target)
    return target


# The zip format's records (PKWARE APPNOTE 4.3): a local header before each file's data, the
# central directory after them all, and its end record.
_LOCAL = struct.Struct("<4sHHHHHLLLHH")
_CENTRAL = struct.Struct("<4sHHHHHHLLLHHHHHLL")
_END = struct.Struct("<4sHHHHLLH")
_UTF8 = 0x800                                  # names are UTF-8 (the township's name is Chinese)
_DATE = (2020 - 1980) << 9 | 1 << 5 | 1        # 2020-01-01, 00:00 (the time field is 0)


def _entry(path: Path, cache: Cache) -> tuple[int, int, memoryview]:
    """(CRC-32, size, deflated bytes) of a file as the zip holds it: a page with its folder links
    made explicit."""
    data = path.read_bytes()
    page = path.suffix == ".html"

    def make() -> bytes:
        plain = file_links(data.decode("utf-8")).encode("utf-8") if page else data
        deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
        return struct.pack("<LL", zlib.crc32(plain), len(plain)) + deflate.compress(plain) + deflate.flush()

    entry = cache.memo("zip", (b"page\0" if page else b"file\0") + data, make)
    crc, size = struct.unpack_from("<LL", entry)
    return crc, size, memoryview(entry)[8:]
