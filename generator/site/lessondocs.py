"""What a 法治副校长 takes into the classroom, as Word files for the school's records: the 教案 (the
whole lesson, the quiz with its answers, the law it rests on), the 学习单 (what pupils keep: the points
to remember, the quiz without answers, the family task) and, where the lesson has one, the letter to
parents. Written from the lesson's own Markdown, so the files never drift from the page.

The bytes are the same on every build (fixed document dates, fixed zip times): a rebuild that changes
nothing changes no file, and a cache can trust them."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile

from ..cache import NO_CACHE, Cache
from ..content.laws import article_label
from ..content.model import Lesson

PARENTS = "给家长的一封信"
HANDOUT_SECTIONS = ("学生要记住", "家庭作业")
BODY_FONT, HEADING_FONT = "宋体", "黑体"
_INLINE = re.compile(r"\*\*(.+?)\*\*|\[([^\]]+)\]\([^)]*\)|<[^>]+>|\{[^}]*\}")


def sections(body: str) -> list[tuple[str, str]]:
    """The lesson body as (## heading, text) pairs, in order."""
    parts = re.split(r"^## (.+?)\s*$", body, flags=re.M)
    return [(parts[i].strip(), parts[i + 1].strip()) for i in range(1, len(parts) - 1, 2)]


def _document(title: str, lesson: Lesson, township: str):
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = docx.Document()
    for name, font, size in (("Normal", BODY_FONT, 12), ("Heading 1", HEADING_FONT, 18),
                             ("Heading 2", HEADING_FONT, 14), ("Title", HEADING_FONT, 20)):
        style = doc.styles[name]
        style.font.name, style.font.size = font, Pt(size)
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, township, township
    stamp = dt.datetime.combine(lesson.updated or dt.date(2026, 1, 1), dt.time())
    props.created = props.modified = stamp
    props.revision = 1
    return doc


def _para(doc, text: str = "", style: str | None = None):
    """A paragraph in one of the template's styles, named by its style id: python-docx's lookup by
    name scans every style of the document on each call (it was most of a build's Word time)."""
    paragraph = doc.add_paragraph(text)
    if style:
        paragraph._p.style = style
    return paragraph


def _heading(doc, text: str, level: int) -> None:
    _para(doc, text, f"Heading{level}")


def _runs(paragraph, text: str) -> None:
    """Inline Markdown as Word runs: **bold** kept, links as their words, markup dropped."""
    at = 0
    for m in _INLINE.finditer(text):
        paragraph.add_run(text[at:m.start()])
        if m.group(1):
            paragraph.add_run(m.group(1)).bold = True
        elif m.group(2):
            paragraph.add_run(m.group(2))
        at = m.end()
    paragraph.add_run(text[at:])


def _markdown(doc, text: str) -> None:
    """The Markdown a lesson uses: paragraphs, lists (two levels), numbered steps, boxes, tables."""
    table: list[list[str]] = []

    def flush_table() -> None:
        if table:
            rows = [r for r in table if not all(re.fullmatch(r":?-+:?", c) for c in r)]
            grid = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            grid.style = "Table Grid"
            for i, row in enumerate(rows):
                for j, cell in enumerate(row):
                    _runs(grid.cell(i, j).paragraphs[0], cell)
            table.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if stripped.startswith("|"):
            table.append([c.strip() for c in stripped.strip("|").split("|")])
            continue
        flush_table()
        if not stripped:
            continue
        if m := re.match(r'!!! \w+ "(.*)"', stripped):  # a box: its title, then its indented text
            _runs(_para(doc, style="IntenseQuote"), m.group(1))
        elif m := re.match(r"(\s*)[-*] (.*)", line):
            _runs(_para(doc, style="ListBullet2" if len(m.group(1)) >= 2 else "ListBullet"), m.group(2))
        elif re.match(r"\d+\. ", stripped) and not line.startswith(" "):
            _runs(doc.add_paragraph(), stripped)  # the step's own number: Word's lists would run on across sections
        else:
            _runs(doc.add_paragraph(), stripped)
    flush_table()


def _quiz(doc, lesson: Lesson, answers: bool) -> None:
    for k, item in enumerate(lesson.quiz, 1):
        _runs(doc.add_paragraph(), f"**{k}. {item.question}**")
        for n, option in enumerate(item.options, 1):
            _para(doc, f"{'ABCDEFG'[n - 1]}. {option}", "ListBullet")
        if answers:
            _runs(doc.add_paragraph(), f"答案：{'ABCDEFG'[item.answer - 1]}。{item.explain}")
        else:
            doc.add_paragraph("我的答案：＿＿＿＿")


def _bytes(doc) -> bytes:
    """The document with every zip entry at one fixed time, so equal content gives equal bytes."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0)), src.read(info.filename),
                         zipfile.ZIP_DEFLATED)
    return out.getvalue()


def teaching_plan(lesson: Lesson, township: str) -> bytes:
    doc = _document(f"教案：{lesson.title}", lesson, township)
    _heading(doc, f"教案：{lesson.title}", 1)
    doc.add_paragraph(f"学段：{lesson.stage}　课时：{lesson.periods} × {lesson.minutes} 分钟　授课人：＿＿＿＿　日期：＿＿＿＿")
    _heading(doc, "教学目标", 2)
    for n, o in enumerate(lesson.objectives, 1):
        doc.add_paragraph(f"{n}. {o}")
    for heading, text in sections(lesson.body):
        if heading != PARENTS:
            _heading(doc, heading, 2)
            _markdown(doc, text)
    if lesson.quiz:
        _heading(doc, "小测验（附答案）", 2)
        _quiz(doc, lesson, answers=True)
    if lesson.citations:
        _heading(doc, "法律依据", 2)
        for c in lesson.citations:
            _para(doc, f"《{c.law}》（{c.version} 版）{'、'.join(article_label(a) for a in c.articles)}", "ListBullet")
    if lesson.review.status != "已审核":
        doc.add_paragraph("本课待审核：正式使用前请由法治副校长或司法所审核。")
    return _bytes(doc)


def handout(lesson: Lesson, township: str) -> bytes:
    doc = _document(f"学习单：{lesson.title}", lesson, township)
    _heading(doc, f"学习单：{lesson.title}", 1)
    doc.add_paragraph("学校：＿＿＿＿＿＿　班级：＿＿＿＿　姓名：＿＿＿＿")
    found = dict(sections(lesson.body))
    if found.get(HANDOUT_SECTIONS[0]):
        _heading(doc, HANDOUT_SECTIONS[0], 2)
        _markdown(doc, found[HANDOUT_SECTIONS[0]])
    if lesson.quiz:
        _heading(doc, "小测验", 2)
        _quiz(doc, lesson, answers=False)
    if found.get(HANDOUT_SECTIONS[1]):
        _heading(doc, HANDOUT_SECTIONS[1], 2)
        _markdown(doc, found[HANDOUT_SECTIONS[1]])
    doc.add_paragraph("家长签名：＿＿＿＿＿＿")
    return _bytes(doc)


def parents_letter(lesson: Lesson, township: str) -> bytes | None:
    text = dict(sections(lesson.body)).get(PARENTS)
    if not text:
        return None
    doc = _document(f"给家长的一封信：{lesson.title}", lesson, township)
    _heading(doc, PARENTS, 1)
    _markdown(doc, text)
    return _bytes(doc)


MAKERS = {"plan": teaching_plan, "handout": handout, "parents": parents_letter}


def _inputs(name: str, lesson: Lesson, township: str) -> str:
    return f"{name}\0{township}\0{lesson!r}"


def _make(name: str, lesson: Lesson, township: str) -> bytes:
    return MAKERS[name](lesson, township) or b""


def prefetch(lessons: list[Lesson], township: str, cache: Cache) -> None:
    """Make the files the cache lacks on every core (python-docx is a cold build's largest single
    cost); the bytes are those one process makes, so the output is the same."""
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor

    wanted = [(name, le) for le in lessons for name in MAKERS if not cache.has("docx", _inputs(name, le, township))]
    workers = min(os.cpu_count() or 1, 4)
    if cache.folder is None or workers < 2 or len(wanted) < 12:  # a pool costs more than a few files
        return
    # fork is cheap but unsafe beside other threads (serve's watcher and server): then spawn.
    how = "fork" if os.name == "posix" and threading.active_count() == 1 else "spawn"
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(how)) as pool:
        made = pool.map(_make, [n for n, _ in wanted], [le for _, le in wanted], [township] * len(wanted),
                        chunksize=4)
        for (name, le), data in zip(wanted, made, strict=True):
            cache.put("docx", _inputs(name, le, township), data)


def lesson_files(lesson: Lesson, township: str, cache: Cache = NO_CACHE) -> dict[str, tuple[str, bytes]]:
    """Docs-relative path → (what a teacher calls it, the file), beside the lesson's page. Each file
    is made from the lesson (its every field) and the township's name alone, so it is cached on them."""
    base = lesson.src.removesuffix(".md")

    def made(name: str) -> bytes:
        return cache.memo("docx", _inputs(name, lesson, township), lambda: _make(name, lesson, township))

    out = {f"{base}.plan.docx": ("教案", made("plan")), f"{base}.handout.docx": ("学习单", made("handout"))}
    letter = made("parents")
    if letter:
        out[f"{base}.parents.docx"] = (PARENTS, letter)
    return out
