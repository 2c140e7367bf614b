"""Long pages in parts: a page too big for a phone on a weak network (a whole law text: the 民法典 is
83.5 KB gz; a county's busiest day, 878 visits; a county campaign's 148 materials) becomes a contents
page at its own address, with the page's short lead, and parts under it, each under the page budget,
cut at its headings (编, 章, 节; 上午, 下午) where it can and between paragraphs (articles) or list
items (visits, materials) where it must. A page that fits is left exactly as it was."""
from __future__ import annotations

import posixpath
import re
import zlib
from dataclasses import dataclass

TEXT_BUDGET = 12 * 1024   # gz bytes of a part's text: with the page around it (≈ 6 KB gz), under 20 KB
LEAD_BUDGET = 3 * 1024    # gz bytes of the lead a contents page keeps
_HEADING = re.compile(r"^(#{2,6})\s+(.+?)\s*#*\s*$")
_ARTICLE = re.compile(r"^\**(第[零〇一二三四五六七八九十百千0-9]+条(?:之[一二三四五六七八九十]+)?)")


def _gz(text: str) -> int:
    return len(zlib.compress(text.encode("utf-8"), 6))


@dataclass(frozen=True)
class _Block:
    text: str
    level: int                 # 2–6 for a heading, 0 for a paragraph, -1 for an item of a list
    trail: tuple[str, ...]     # the headings it sits under, outermost first


def _split_front(text: str) -> tuple[str, str]:
    if text.startswith("---\n") and (end := text.find("\n---\n", 4)) > 0:
        return text[: end + 5], text[end + 5:]
    return "", text


def _plain(heading: str) -> str:
    """A heading as words for a contents line: its links' text, without its { #id } attributes."""
    return re.sub(r"\s*\{[^}]*\}\s*$", "", re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading))


def _blocks(body: str) -> tuple[str, list[_Block]]:
    """The page's H1 and its paragraphs and headings, each with the headings above it."""
    title = ""
    blocks: list[_Block] = []
    trail: dict[int, str] = {}
    for chunk in re.split(r"\n\s*\n", body.strip()):
        chunk = chunk.strip()
        if not chunk:
            continue
        if chunk.startswith("# ") and not title and not blocks:
            title = chunk.splitlines()[0][2:].strip()
            rest = "\n".join(chunk.splitlines()[1:]).strip()
            if not rest:
                continue
            chunk = rest
        m = _HEADING.match(chunk.splitlines()[0])
        if chunk.startswith("- "):   # a list (a busy day's visits) may be cut between its items
            items = re.split(r"\n(?=- )", chunk)
            blocks += [_Block(item, -1, tuple(trail[k] for k in sorted(trail))) for item in items]
        elif m and len(chunk.splitlines()) == 1:
            level = len(m[1])
            trail = {k: v for k, v in trail.items() if k < level}
            trail[level] = _plain(m[2])
            blocks.append(_Block(chunk, level, tuple(trail[k] for k in sorted(trail) if k < level)))
        else:
            blocks.append(_Block(chunk, 0, tuple(trail[k] for k in sorted(trail))))
    return title, blocks


def _cut(blocks: list[_Block], ratio: float) -> list[list[_Block]]:
    """Greedy parts under the budget (sizes estimated from the page's own compression ratio); past
    half the budget a heading starts a new part, so parts tend to be whole chapters."""
    parts: list[list[_Block]] = [[]]
    size = 0.0
    for b in blocks:
        cost = len(b.text.encode("utf-8")) * ratio
        full = size + cost > TEXT_BUDGET
        at_heading = b.level > 0 and size > TEXT_BUDGET / 2
        if parts[-1] and (full or at_heading):
            parts.append([])
            size = 0.0
        parts[-1].append(b)
        size += cost
    return parts


def _articles(part: list[_Block]) -> str:
    found = [m[1] for b in part if b.level == 0 and (m := _ARTICLE.match(b.text))]
    if not found:
        return ""
    return f"（{found[0]}—{found[-1]}）" if len(found) > 1 else f"（{found[0]}）"


_RELATIVE = re.compile(r"\]\((?![a-z][a-z0-9+.-]*:|#|/)([^)\s]+)\)")
_RELATIVE_HREF = re.compile(r'\bhref="(?![a-z][a-z0-9+.-]*:|#|/|\?)([^"]+)"')   # the plan's lines are HTML


def _joined(part: list[_Block]) -> str:
    """Blocks back into Markdown, a folder deeper than the page they came from (relative links get
    one more ../); items of one list stay one (tight) list."""
    out = part[0].text
    for before, b in zip(part, part[1:], strict=False):
        out += ("\n" if before.level == b.level == -1 else "\n\n") + b.text
    return _RELATIVE_HREF.sub(r'href="../\1"', _RELATIVE.sub(r"](../\1)", out))


def in_parts(path: str, text: str) -> dict[str, str]:
    """{path: text} as it was when it fits; else the contents page at `path` and the parts at
    <path without .md>/<k>.md, linked to each other."""
    front, body = _split_front(text)
    if _gz(body) <= TEXT_BUDGET:
        return {path: text}
    title, blocks = _blocks(body)
    lead = _lead(blocks)
    blocks = blocks[len(lead):]
    if not blocks:
        return {path: text}
    ratio = _gz(body) / len(body.encode("utf-8"))
    parts = _cut(blocks, ratio)
    stem = posixpath.splitext(path)[0]
    name = posixpath.basename(stem)
    heading = title or name
    top = min((b.level for b in blocks if b.level > 0), default=0)
    out: dict[str, str] = {}
    lines = [f"全文较长，分成 {len(parts)} 部分，在手机上一部分一部分地打开：", ""]
    for k, part in enumerate(parts, 1):
        chapters = [_plain(_HEADING.match(b.text)[2]) for b in part if b.level == top and top]  # type: ignore[index]
        going_on = f"{part[0].trail[0]}（续）" if part[0].level != top and part[0].trail else ""
        label = "、".join(([going_on] if going_on else []) + chapters[:3]) + ("等" if len(chapters) > 3 else "")
        lines.append(f"- [第 {k} 部分]({name}/{k}.md)" + (f"：{label}" if label else "") + _articles(part))
        nav = " · ".join([f"[目录](../{name}.md)", *([f"[上一部分]({k - 1}.md)"] if k > 1 else []),
                          *([f"[下一部分]({k + 1}.md)"] if k < len(parts) else [])])
        where = part[0].trail if part[0].level <= 0 or part[0].level > top else ()
        resumed = [f"（接上：{' › '.join(where)}）", ""] if where else []
        page = [f"---\ntitle: {heading}（第 {k} 部分，共 {len(parts)} 部分）\n---", "",
                f"# {heading}（{k}/{len(parts)}）", "", nav, "", *resumed,
                _joined(part), "", nav, ""]
        out[f"{stem}/{k}.md"] = "\n".join(page)
    intro = "".join(b.text + "\n\n" for b in lead)
    out[path] = f"{front}\n# {heading}\n\n{intro}" + "\n".join(lines) + "\n"
    return out


def _lead(blocks: list[_Block]) -> list[_Block]:
    """The paragraphs before the first heading, kept on the contents page when they are short (a
    campaign's goal, dates and coverage; a day's count), so what the page is about is read first."""
    lead = []
    for b in blocks:
        if b.level != 0 or b.trail:
            break
        lead.append(b)
    return lead if lead and _gz("\n\n".join(b.text for b in lead)) <= LEAD_BUDGET else []
