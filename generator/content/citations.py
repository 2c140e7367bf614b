"""The citation check: every legal reference in a page is resolved against the law in force.

For each material and lesson:
- each front-matter citation names a law, version and articles that exist; a version repealed
  before the plan year is an error naming the law that replaced it; an older version while a newer
  one is in force is a warning listing the cited articles whose words changed;
- each reference in the text — 《X法》第N条, （第N条）, 第N条第M款, 第N条（三）, 第N条之一, in the body
  and in quiz questions and explanations — is resolved (a bare （第N条） to the law last named in the
  same paragraph, else to the page's only cited law) and must be among the front-matter citations;
- a sentence that cites an article and states a figure (an amount, period, multiple, age or count)
  must find that figure, as a value, in the cited articles' text; worked examples are exempt;
- a sentence that states a penalty, an age or a deadline, or names a law, must cite an article.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..problems import Pos, Problems, did_you_mean
from .laws import ArticleNo, LawLibrary, article_label, chinese_number
from .model import Citation, Lesson, Material
from .text import Unit, text_unit, units

_NUM = r"[0-9]+|[零〇一二三四五六七八九十百千]+"
_REF = re.compile(rf"第({_NUM})条(?:之({_NUM}))?(?:第({_NUM})款)?(?:第({_NUM})项|[（(]([一二三四五六七八九十]+)[）)])?")
_RANGE = re.compile(rf"第({_NUM})条(?:之({_NUM}))?\s*(?:至|到|—|-|–)\s*第({_NUM})条")
_LAW = re.compile(r"《((?:[^《》]|《[^《》]*》){2,160})》")  # one level of nesting: 关于适用《…》的解释
_LAW_LIKE = re.compile(r"(?:法|法典|条例|规定|办法|解释|决定|规则)$")
# A citation parenthetical, like （第四十四条） or （《刑法》第三百零三条）; a title inside it may hold
# its own parentheses (…解释（一）》第五条).
_INNER = r"(?:[^（）()]|[（(][^（）()]*[）)])*?"
_PAREN_ARTICLE = rf"[（(]{_INNER}第[^（）()]*?条{_INNER}[）)]"
_ONLY_CITATION = re.compile(rf"^[\s，,]*{_PAREN_ARTICLE}[\s。；，,]*$")
_CLOSING_CITATION = re.compile(rf"{_PAREN_ARTICLE}[\s。；，,.]*$")
CITATION_PARENTHESES = re.compile(rf"{_PAREN_ARTICLE}|[（(]{_INNER}《{_INNER}[）)]")

# Figures: a number and its unit, compared as values (三十日 = 30 天, 二万元 = 2万元 = 20000元).
_FIG_NUM = r"[0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千万]+"
_FIGURE = re.compile(rf"(?<![第0-9零〇一二两三四五六七八九十百千万])({_FIG_NUM})\s*(万元|元|日|天|个月|年|周岁|岁|倍|小时|人)(?!级|代|份)")
_UNIT_CLASS = {"万元": ("元", 10000), "元": ("元", 1), "日": ("日", 1), "天": ("日", 1), "个月": ("月", 1),
               "年": ("年", 1), "周岁": ("岁", 1), "岁": ("岁", 1), "倍": ("倍", 1), "小时": ("小时", 1),
               "人": ("人", 1)}
_DATES = re.compile(r"[0-9〇零一二三四五六七八九]{4}\s*年(?:\s*[0-9一二三四五六七八九十]{1,3}\s*月)?"
                    r"(?:\s*[0-9一二三四五六七八九十]{1,3}\s*日)?|[0-9一二三四五六七八九十]{1,3}\s*月\s*[0-9一二三四五六七八九十]{1,3}\s*日")
_PENALTY = re.compile(r"罚款|拘留|有期徒刑|判刑|坐牢|罚金|吊销|没收违法所得|追究刑事责任|治安管理处罚")
_DEADLINE = re.compile(rf"(?:{_FIG_NUM})\s*(?:日|天|个月|年|小时)\s*(?:内|以内|之内|以前|之前)")
_AGE = re.compile(rf"(?:{_FIG_NUM})\s*(?:周岁|岁)")


@dataclass(frozen=True)
class Figure:
    kind: str     # 元, 日, 月, 年, 岁, 倍, 小时, 人
    value: float
    text: str

    def __str__(self) -> str:
        return self.text


def figures(text: str) -> list[Figure]:
    """The figures in a text, dates left out."""
    text = _DATES.sub(lambda m: "　" * len(m[0]), text)
    out = []
    for m in _FIGURE.finditer(text):
        kind, scale = _UNIT_CLASS[m[2]]
        number = float(m[1]) if m[1][0].isdigit() else float(chinese_number(m[1]))
        out.append(Figure(kind, number * scale, m[0]))
    return out


@dataclass(frozen=True)
class Reference:
    law: str | None        # the name as written in 《》, None for a bare （第N条）
    article: ArticleNo
    start: int
    end: int


def references(text: str) -> list[Reference]:
    """Every article a text names, with the law named last before it (in the same text)."""
    titles = list(_LAW.finditer(text))
    laws = [(m.start(), m[1]) for m in titles]
    out: list[Reference] = []

    def law_before(i: int) -> str | None:
        named = [name for at, name in laws if at < i]
        return named[-1] if named else None

    # An article inside a title is part of the name (《最高人民法院关于适用刑法第十二条几个问题的解释》).
    covered: list[tuple[int, int]] = [(m.start(), m.end()) for m in titles]
    for m in _RANGE.finditer(text):
        if any(a <= m.start() < b for a, b in covered):
            continue
        first, last = chinese_number(m[1]), chinese_number(m[3])
        if first <= last <= first + 50:
            law = law_before(m.start())
            out += [Reference(law, (n, 0), m.start(), m.end()) for n in range(first, last + 1)]
            covered.append((m.start(), m.end()))
    for m in _REF.finditer(text):
        if any(a <= m.start() < b for a, b in covered):
            continue
        no = (chinese_number(m[1]), chinese_number(m[2]) if m[2] else 0)
        out.append(Reference(law_before(m.start()), no, m.start(), m.end()))
    return sorted(out, key=lambda r: r.start)


# ---------------------------------------------------------------- the page check
@dataclass
class Tally:
    """What the check verified, for the closing figures of `wanjia check`."""

    citations: int = 0
    references: int = 0
    figures: int = 0


def check_pages(project, library: LawLibrary, plan_day: dt.date, problems: Problems) -> Tally:
    tally = Tally()
    for page in (*project.materials, *project.lessons):
        check_front_matter(page, library, plan_day, problems, tally)
        check_text(page, library, problems, tally)
    return tally


def _cited(page: Material | Lesson) -> tuple[Citation, ...]:
    return page.citations


def check_front_matter(page, library: LawLibrary, plan_day: dt.date, problems: Problems, tally: Tally) -> None:
    for c in _cited(page):
        tally.citations += 1
        versions = library.versions(c.law)
        if not versions:
            problems.error(c.pos, f"法律数据库中没有《{c.law}》{did_you_mean(c.law, library.laws)}"
                                  "（名称不带“中华人民共和国”；行政法规、司法解释可用 --laws 指定法律文本库，"
                                  "或用 wanjia laws extract 写入摘录）")
            continue
        if c.version not in versions:
            problems.error(c.pos, f"《{c.law}》没有 {c.version} 这个版本（有：{'、'.join(versions)}）")
            continue
        if not _currency(c, library, plan_day, problems):
            continue
        for no in c.articles:
            _article_exists(c.law, c.version, no, library, c.pos, problems)
            for other in library.disagreement(c.law, c.version, no):
                problems.warning(c.pos, f"《{c.law}》（{c.version}）{article_label(no)}在{other}中的文字与"
                                        f"{library.texts(c.law, c.version)[0].source}不同（标点和空格以外），请人工核对",
                                 "law-sources")


def _currency(c: Citation, library: LawLibrary, plan_day: dt.date, problems: Problems) -> bool:
    """Repealed → error; superseded or about to change → warning. False when nothing more to check."""
    repeal = library.repeal(c.law, c.version)
    if repeal is not None and repeal.on <= plan_day:
        problems.error(c.pos, f"《{c.law}》（{c.version} 版）已于 {repeal.on} 被《{repeal.by}》废止"
                              f"（《{repeal.by}》{article_label(repeal.article)}），{plan_day.year} 年不能再引用；"
                              f"请改引《{repeal.by}》的相应条文")
        return False
    if repeal is not None:
        problems.warning(c.pos, f"《{c.law}》将于 {repeal.on} 被《{repeal.by}》废止，届时请改引《{repeal.by}》")
    begins = library.effective(c.law, c.version)
    if begins and begins > plan_day:
        problems.warning(c.pos, f"《{c.law}》{c.version} 版 {begins} 才施行，{plan_day} 还没有生效")
    in_force = library.in_force(c.law, plan_day)
    for newer in library.newer(c.law, c.version):
        starts = library.effective(c.law, newer)
        if newer == in_force or (starts and starts.year == plan_day.year and starts > plan_day):
            when = f"{starts} 起施行" if starts else "施行日期不明"
            if library.texts(c.law, newer) and any(t.has_text for t in library.texts(c.law, newer)):
                changed = library.changed_articles(c.law, c.version, newer, c.articles)
                detail = (f"引用的{'、'.join(map(article_label, changed))}条文有变化" if changed
                          else "引用的条文文字没有变化")
            else:
                detail = "新版本的条文不在法律数据库中，无法比较"
            problems.warning(c.pos, f"《{c.law}》有新版本 {newer}（{when}）：{detail}；请改引 {newer} 版并核对",
                             "law-newer")
    return True


def _article_exists(law: str, version: str, no: ArticleNo, library: LawLibrary, pos: Pos,
                    problems: Problems) -> bool:
    if library.article(law, version, no) is not None:
        return True
    if library.complete(law, version):
        last = library.last_article(law, version)
        problems.error(pos, f"《{law}》（{version}）没有{article_label(no)}"
                            + (f"（最后一条是{article_label(last)}）" if last else ""))
    else:
        problems.error(pos, f"《{law}》（{version}）{article_label(no)}的条文不在法律数据库中，无法核对："
                            "用 wanjia laws extract --from 法律文本库目录 写入摘录，或检查条文序号")
    return False


# ---------------------------------------------------------------- references and figures in the text
def page_units(page) -> list[Unit]:
    path = page.pos.path
    out = units(page.body, page.body_line, path)
    for item in getattr(page, "quiz", ()):
        text = "。".join([item.question, *item.options, item.explain])
        out.append(text_unit(text, item.pos))
    return out


def check_text(page, library: LawLibrary, problems: Problems, tally: Tally) -> None:
    cited = _cited(page)
    by_name: dict[str, Citation] = {}
    for c in cited:
        by_name.setdefault(c.law, c)
        if c.short:
            by_name.setdefault(c.short, c)
    only = cited[0] if len({c.law for c in cited}) == 1 else None
    for unit in page_units(page):
        refs = references(unit.text)
        resolved: list[tuple[Reference, Citation | None]] = []
        for ref in refs:
            tally.references += 1
            citation = _resolve(ref, unit, by_name, only, library, problems)
            resolved.append((ref, citation))
        _check_sentences(unit, resolved, library, problems, tally)


def _resolve(ref: Reference, unit: Unit, by_name: dict[str, Citation], only: Citation | None,
             library: LawLibrary, problems: Problems) -> Citation | None:
    pos = unit.pos(ref.start)
    label = article_label(ref.article)
    name = ref.law.removeprefix("中华人民共和国") if ref.law else None
    citation = by_name.get(name) if name else only
    if citation is None:
        if name is None:
            problems.error(pos, f"「{label}」没有写是哪部法律：在同一段里写明《法律名称》，"
                                "或在括号里写成（《法律名称》" + label + "）")
        else:
            known = name in library.laws
            problems.error(pos, f"正文引用了《{name}》{label}，但头部的 citations 没有列出《{name}》"
                                + ("（页面的“法律依据”要列出正文用到的每一条）" if known
                                   else f"；法律数据库中也没有这部法律{did_you_mean(name, [*library.laws, *by_name])}"))
        return None
    if ref.article not in citation.articles:
        problems.error(pos, f"正文引用了《{citation.law}》{label}，但头部 citations 中《{citation.law}》只列了"
                            f"{'、'.join(map(article_label, citation.articles))}：请把{label}加进去")
        return None
    if library.versions(citation.law) and citation.version in library.versions(citation.law):
        if not _article_exists(citation.law, citation.version, ref.article, library, pos, problems):
            return None
    return citation


def _check_sentences(unit: Unit, resolved: list[tuple[Reference, Citation | None]], library: LawLibrary,
                     problems: Problems, tally: Tally) -> None:
    spans = list(unit.sentences())
    own: list[list[tuple[Reference, Citation | None]]] = [[] for _ in spans]
    for item in resolved:
        k = next((i for i, (a, b) in enumerate(spans) if a <= item[0].start < b), len(spans) - 1)
        own[k].append(item)
    # A citation that closes the paragraph — "……。（第四十四条）" or "……罚款（第四十四条）。" —
    # cites every sentence of it that cites nothing itself.
    closing = _CLOSING_CITATION.search(unit.text)
    inherited = [item for item in resolved if closing and item[0].start >= closing.start()]
    for k in range(len(spans)):
        if not own[k]:
            own[k] = inherited
    for (a, b), refs in zip(spans, own, strict=True):
        sentence = unit.text[a:b]
        if _ONLY_CITATION.match(sentence):
            continue
        plain = CITATION_PARENTHESES.sub("", sentence)
        if not refs:
            _needs_citation(unit, a, plain, problems)
            continue
        if unit.example:
            continue
        texts = [library.article(c.law, c.version, r.article) for r, c in refs if c is not None]
        if not texts or any(t is None for t in texts):
            continue
        have = {(f.kind, f.value) for t in texts if t for f in figures(t)}
        for f in figures(plain):
            tally.figures += 1
            if (f.kind, f.value) not in have:
                names = "、".join(sorted({f"《{c.law}》{article_label(r.article)}" for r, c in refs if c}))
                problems.error(unit.pos(a + sentence.find(f.text) if f.text in sentence else a),
                               f"「{f.text}」在引用的{names}中找不到：请核对数字（条文里写的是"
                               f"{_figures_of_kind(texts, f.kind) or '没有这类数字'}）")


def _figures_of_kind(texts: Iterable[str | None], kind: str) -> str:
    seen: list[str] = []
    for t in texts:
        for f in figures(t or ""):
            if f.kind == kind and f.text not in seen:
                seen.append(f.text)
    return "、".join(seen[:6])


def _needs_citation(unit: Unit, start: int, sentence: str, problems: Problems) -> None:
    """A legal claim without a reference: a penalty, an age, a deadline, or a law named."""
    if unit.heading or unit.example or unit.situation:
        return
    what = None
    if m := _LAW.search(sentence):
        if _LAW_LIKE.search(m[1]):
            what = f"提到了《{m[1]}》"
    if what is None and (m := _PENALTY.search(sentence)):
        what = f"说到了「{m[0]}」"
    if what is None and (m := _DEADLINE.search(sentence) or _AGE.search(sentence)):
        what = f"说到了「{m[0]}」"
    if what:
        problems.error(unit.pos(start), f"这句话{what}，但没有写依据哪一条：在句末加上（《法律名称》第N条），"
                                        f"并把它列进头部的 citations")


def check_reviews(project, library: LawLibrary, problems: Problems, today: dt.date) -> None:
    """A review is stale after a year, after its own next date, or once a cited law has a version
    newer than the review."""
    for page in (*project.materials, *project.lessons):
        r = page.review
        if r.status != "已审核":
            continue
        if r.on is None or not r.by:
            problems.warning(r.pos, f"「{page.title}」标为已审核，但没有写审核人（by）或审核日期（on）")
            continue
        if r.on < today - dt.timedelta(days=365):
            problems.warning(r.pos, f"「{page.title}」的审核（{r.on}）已超过一年，请重新审核")
        if r.next is not None and r.next < today:
            problems.warning(r.pos, f"「{page.title}」的复核日期 {r.next} 已过，请重新审核")
        for c in page.citations:
            newer = [v for v in library.newer(c.law, c.version) if v > r.on.isoformat()]
            if newer:
                problems.warning(r.pos, f"「{page.title}」审核（{r.on}）之后，《{c.law}》有了新版本 {'、'.join(newer)}，请重新审核")
