"""Small text helpers every page writer shares: relative links, front matter, dates in words."""
from __future__ import annotations

import datetime as dt
import functools
import json
import posixpath
import re

from ..content.model import Project
from ..plan.almanac import Span

WEEKDAYS = "一二三四五六日"
KIND_NAMES = {"material": "资料", "lesson": "法治课", "campaign": "宣传活动", "law": "法律"}


def frontmatter(title: str, **meta: str) -> str:
    """A page's front matter; values are written as JSON strings (JSON is YAML), so any title is safe."""
    lines = [f"title: {json.dumps(title, ensure_ascii=False)}"] + [f"{k}: {v}" for k, v in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def percent(part: int, whole: int) -> str:
    """A coverage figure to one decimal, cut rather than rounded: 3422/5560 is 61.5%, and 99.96% is not
    shown as 100% (a figure a 考核 relies on must never overstate)."""
    if not whole:
        return "—"
    tenths = part * 1000 // whole
    return "100%" if tenths >= 1000 else f"{tenths / 10:.1f}%"


# The material on the law that governs this work (法治宣传教育法), linked from campaign, school and
# duty pages when the township keeps it.
LAW_OF_THIS_WORK = "publicity-education-law"


def law_of_this_work(here: str, project: Project) -> str:
    m = project.material.get(LAW_OF_THIS_WORK)
    return f"（依据：[《法治宣传教育法》]({link(here, m.src)})）" if m else ""


def relative(path: str, start: str) -> str:
    """posixpath.relpath for the site's own paths (docs-relative, never absolute or with ".."),
    without its two abspath calls: a county's plan pages ask for 700,000 links."""
    if path.startswith("/") or start.startswith("/") or ".." in path or ".." in start:
        return posixpath.relpath(path, start)
    to = [part for part in path.split("/") if part not in ("", ".")]
    here = [part for part in start.split("/") if part not in ("", ".")]
    same = 0
    while same < min(len(to), len(here)) and to[same] == here[same]:
        same += 1
    return "/".join([".."] * (len(here) - same) + to[same:]) or "."


@functools.lru_cache(maxsize=200_000)
def link(here: str, there: str) -> str:
    """A relative link from page `here` to file `there`."""
    return relative(there, posixpath.dirname(here) or ".")


def md(d: dt.date) -> str:
    return f"{d.month}月{d.day}日"


def span_text(s: Span) -> str:
    return md(s.start) if s.days == 1 else f"{md(s.start)}—{md(s.end)}"


@functools.lru_cache(maxsize=200_000)
def page_url(here: str, src: str) -> str:
    """The address of page `src` relative to page `here`, as the browser sees it (directory URLs:
    materials/work/x.md is served at materials/work/x/)."""
    def folder(path: str) -> str:
        stem = path.removesuffix(".md")
        return stem.removesuffix("index") if stem.endswith("index") else stem + "/"
    return relative(folder(src) or ".", folder(here) or ".") + "/"


def json_in_html(data) -> str:
    """JSON for a <script type="application/json"> block: <, > and & as \\u escapes, so no text can
    end the block or open markup."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# What a phone number inside must not become a link: front matter, code, Markdown links, HTML tags
# and the insides of links, scripts and pictures.
_NOT_TEXT = re.compile(r"(?s)\A---\n.*?\n---\n|```.*?```|`[^`\n]*`|!?\[[^\]\n]*\]\([^)\n]*\)"
                       r"|<(a|script|style|svg|code|textarea|title)\b.*?</\1>|<[^>]+>")


_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_RULE = re.compile(r"\|?(\s*:?-+:?\s*\|)+\s*:?-*:?\s*")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in _CELL_SPLIT.split(line.strip().removeprefix("|").removesuffix("|"))]


def drop_empty_columns(text: str) -> str:
    """A Markdown table loses the columns no row fills (a 工作电话 column where no number is public):
    an empty column only widens a table past a phone's screen."""
    lines = text.split("\n")
    out, i = [], 0
    while i < len(lines):
        if (lines[i].lstrip().startswith("|") and i + 1 < len(lines) and _RULE.fullmatch(lines[i + 1].strip())):
            end = i + 2
            while end < len(lines) and lines[end].lstrip().startswith("|"):
                end += 1
            rows = [_cells(line) for line in lines[i:end]]
            width = len(rows[0])
            keep = [k for k in range(width) if any(k < len(r) and r[k] for r in rows[2:])] or list(range(width))
            if len(keep) < width and all(len(r) == width for r in rows):
                out += ["| " + " | ".join(r[k] for k in keep) + " |" for r in rows]
            else:
                out += lines[i:end]
            i = end
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def tel_links(text: str, numbers: list[str]) -> str:
    """Every phone number the site prints (hotlines, public work lines) as a `tel:` link, so a
    villager's phone dials it with one tap. Works on a page's Markdown (and the HTML in it), so any
    engine that renders the pages renders the links."""
    if not numbers:
        return text
    pattern = re.compile(r"(?<![\d\w.-])(" + "|".join(map(re.escape, sorted(set(numbers), key=len, reverse=True)))
                         + r")(?![\d\w])")

    # Most pages have no number at all: one search says so, where walking a plan page's thousands of
    # tags (below) takes a county five seconds. (The search sees what the walk would: a skipped
    # stretch neither ends nor begins with a character the number's boundaries look at.)
    if pattern.search(text) is None:
        return text

    def link(m: re.Match) -> str:
        return f'<a href="tel:{re.sub(r"[^0-9]", "", m.group(1))}">{m.group(1)}</a>'

    out, at = [], 0
    for skip in _NOT_TEXT.finditer(text):
        out.append(pattern.sub(link, text[at:skip.start()]))
        out.append(skip.group())
        at = skip.end()
    out.append(pattern.sub(link, text[at:]))
    return "".join(out)
