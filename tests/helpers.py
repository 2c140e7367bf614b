"""Reading a built site as a browser would: every page, and every URL it references."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

URL_ATTRS = {"href", "src", "srcset", "action", "poster", "data", "formaction"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []
        self.ids: set[str] = set()
        self._style = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            if name in URL_ATTRS:
                if name == "srcset":
                    self.refs.extend(part.split()[0] for part in value.split(",") if part.strip())
                elif not (tag == "svg" or name == "data" and tag != "object"):
                    self.refs.append(value)
            if name == "style":
                self.refs.extend(a or b for a, b in CSS_URL.findall(value))
        self._style = tag == "style"

    def handle_data(self, data):
        if self._style:
            self.refs.extend(a or b for a, b in CSS_URL.findall(data))


def page_refs(path: Path) -> tuple[list[str], set[str]]:
    parser = _Refs()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.refs, parser.ids


def css_refs(path: Path) -> list[str]:
    return [a or b for a, b in CSS_URL.findall(path.read_text(encoding="utf-8", errors="replace"))]


def is_external(ref: str) -> bool:
    parts = urlsplit(ref)
    return bool(parts.netloc) or parts.scheme not in ("", "data", "mailto", "tel", "javascript", "blob")


def resolve(site: Path, page: Path, ref: str) -> Path | None:
    """The file a relative reference points to, or None for references that are not files."""
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    target = (site / parts.path.lstrip("/")) if parts.path.startswith("/") else (page.parent / unquote(parts.path))
    target = Path(target).resolve()
    if target.is_dir() or parts.path.endswith("/"):
        target = target / "index.html"
    return target
