"""The law-text corpus (LawRefBook format) and the citation check against it.

A corpus folder holds one Markdown file per law and version, named `名称(YYYY-MM-DD).md`, with
`# 标题`, history lines (`2012年12月28日 … 修正`), `<!-- INFO END -->`, then articles as paragraphs
starting `第X条`. A few files carry no date in their name (刑法, 宪法, the parts of 民法典): their
version is the date of the last adoption or amendment in their history.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..problems import Problems, did_you_mean

_NUM = {c: i for i, c in enumerate("零一二三四五六七八九")}
_ARTICLE = re.compile(r"^第([零一二三四五六七八九十百千]+)条(?:之([一二三四五六七八九十]+))?[\s　]")
_HISTORY_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_FILE_DATE = re.compile(r"\((\d{4}-\d{2}-\d{2})\)$")
_PREFIX = "中华人民共和国"

# Versions known to exist but not in the corpus snapshot (see ../shared/reference/laws.md).
KNOWN_VERSIONS: dict[str, list[tuple[str, str, int]]] = {
    # law: [(version, in force from, number of articles)]
    "治安管理处罚法": [("2025-06-27", "2026-01-01", 144)],
}


def chinese_number(text: str) -> int:
    total, digit = 0, 0
    for ch in text:
        if ch in _NUM:
            digit = _NUM[ch]
        else:
            unit = {"十": 10, "百": 100, "千": 1000}[ch]
            total += (digit or 1) * unit
            digit = 0
    return total + digit


@dataclass
class LawVersion:
    name: str
    version: str
    files: list[Path] = field(default_factory=list)

    @cached_property
    def articles(self) -> dict[int, str]:
        out: dict[int, str] = {}
        for path in self.files:
            current = None
            body = path.read_text("utf-8").split("<!-- INFO END -->", 1)[-1]
            for line in body.splitlines():
                if m := _ARTICLE.match(line):
                    current = chinese_number(m.group(1)) if not m.group(2) else None
                    if current is not None:
                        out[current] = line.strip()
                elif line.startswith("#"):
                    current = None
                elif current is not None and line.strip():
                    out[current] += "\n" + line.strip()
        return out


class LawCorpus:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.laws: dict[str, dict[str, LawVersion]] = {}
        for path in sorted(self.root.rglob("*.md")):
            if path.name.startswith("_") or path.name == "SOURCE.md":
                continue
            head = path.read_text("utf-8", errors="replace")[:4000]
            title = next((ln[2:].strip() for ln in head.splitlines() if ln.startswith("# ")), "")
            if not title:
                continue
            name = title.removeprefix(_PREFIX)
            version = _version(path, head)
            if version:
                self.laws.setdefault(name, {}).setdefault(version, LawVersion(name, version)).files.append(path)

    def versions(self, name: str) -> list[str]:
        return sorted(self.laws.get(name, {}))

    def get(self, name: str, version: str) -> LawVersion | None:
        return self.laws.get(name, {}).get(version)

    def article(self, name: str, version: str, number: int) -> str | None:
        law = self.get(name, version)
        return law.articles.get(number) if law else None


def _version(path: Path, head: str) -> str | None:
    if m := _FILE_DATE.search(path.stem):
        return m.group(1)
    history = head.split("<!-- INFO END -->", 1)[0]
    dates = [f"{y}-{int(mo):02d}-{int(d):02d}" for line in history.splitlines()
             if ("通过" in line or "修正" in line or "修订" in line or "修改" in line)
             for y, mo, d in _HISTORY_DATE.findall(line)[:1]]
    return max(dates) if dates else None


def newer_versions(corpus: LawCorpus | None, name: str, version: str) -> list[str]:
    known = [v for v, _, _ in KNOWN_VERSIONS.get(name, [])]
    have = corpus.versions(name) if corpus else []
    return sorted(v for v in {*known, *have} if v > version)


def check_citations(project, corpus: LawCorpus, problems: Problems) -> None:
    """Every cited law, version and article must exist; a newer version is worth a warning."""
    for m in project.materials:
        for c in m.citations:
            known = {v: n for v, _, n in KNOWN_VERSIONS.get(c.law, [])}
            versions = corpus.versions(c.law)
            if not versions and not known:
                problems.error(c.pos, f"法律文本库中没有《{c.law}》{did_you_mean(c.law, corpus.laws)}"
                                      "（名称不带“中华人民共和国”）")
                continue
            law = corpus.get(c.law, c.version)
            if law is None and c.version not in known:
                problems.error(c.pos, f"《{c.law}》没有 {c.version} 这个版本（文本库中有：{'、'.join(versions)}）")
                continue
            for article in c.articles:
                if law is not None and article not in law.articles:
                    problems.error(c.pos, f"《{c.law}》（{c.version}）没有第{article}条（共 {max(law.articles)} 条）")
                elif law is None and article > known[c.version]:
                    problems.error(c.pos, f"《{c.law}》（{c.version}）只有 {known[c.version]} 条，没有第{article}条")
            if law is None:
                problems.warning(c.pos, f"《{c.law}》{c.version} 版不在法律文本库中，第"
                                        f"{'、'.join(map(str, c.articles))}条的内容无法自动核对，请人工核对")
            newer = newer_versions(corpus, c.law, c.version)
            if newer:
                problems.warning(c.pos, f"《{c.law}》有比 {c.version} 更新的版本 {'、'.join(newer)}，请核对条文是否已变化")


def check_reviews(project, corpus: LawCorpus | None, problems: Problems, today) -> None:
    """A review is stale after a year, or once a cited law has a version newer than the review."""
    import datetime as dt

    for m in project.materials:
        r = m.review
        if r.status != "已审核":
            continue
        if r.on is None or not r.by:
            problems.warning(r.pos, f"资料「{m.title}」标为已审核，但没有写审核人（by）或审核日期（on）")
            continue
        if r.on < today - dt.timedelta(days=365):
            problems.warning(r.pos, f"资料「{m.title}」的审核（{r.on}）已超过一年，请重新审核")
        if r.next is not None and r.next < today:
            problems.warning(r.pos, f"资料「{m.title}」的复核日期 {r.next} 已过，请重新审核")
        for c in m.citations:
            newer = [v for v in newer_versions(corpus, c.law, c.version) if v > r.on.isoformat()]
            if newer:
                problems.warning(r.pos, f"资料「{m.title}」审核（{r.on}）之后，《{c.law}》有了新版本 {'、'.join(newer)}，请重新审核")
