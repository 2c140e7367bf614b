"""The knowledge base itself: coverage, structure, honest hotlines, lessons and school plans, plain
language, review workflow, print sheets. (The law check itself is tested in test_laws.py.)"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import replace

import pytest
import yaml
from conftest import LAWS, REPO, demo_outreach, edit, need_chromium, own_file

from generator.content.citations import check_reviews
from generator.content.laws import open_library
from generator.content.load import load_project
from generator.content.model import Citation, Review
from generator.content.readability import check_material
from generator.problems import Problems


@pytest.fixture(scope="module")
def project():
    p, problems = load_project(REPO)
    assert p is not None, problems.as_text()
    return p


def test_at_least_forty_materials_covering_every_topic(project):
    assert len(project.materials) >= 40
    covered = {t for m in project.materials for t in m.topics}
    assert {t.id for t in project.topics} <= covered, {t.id for t in project.topics} - covered
    contract = yaml.safe_load((REPO / "tests/fixtures/taxonomy-contract.yml").read_text("utf-8"))
    assert set(contract["topics"]) <= covered   # every topic of the shared contract has a material


@pytest.mark.parametrize("topics", [("wage-arrears",), ("labor-contract",), ("gambling",), ("rental-housing",),
                                    ("migrant-registration",), ("fire-safety",), ("fraud",),
                                    ("minors", "school-bullying")])
def test_key_topics_have_three_materials_for_different_audiences(project, topics):
    chosen = [m for m in project.materials if set(topics) & set(m.topics)]
    assert len(chosen) >= 3
    assert len({m.audiences[0] for m in chosen}) >= 2


def test_every_material_has_the_structure_and_only_listed_hotlines(project):
    listed = {h.number for h in project.hotlines}
    for m in project.materials:
        for section in ("## 常见情形", "## 法律怎么规定", "## 遇到了怎么办", "## 去哪里求助", "## 示例"):
            assert section in m.body, (m.id, section)
        assert "示例（虚构，用于说明）" in m.body, m.id  # no invented case passed off as real
        assert re.search(r"^1\. ", m.body, flags=re.M), m.id  # numbered steps
        numbers = set(re.findall(r"\*\*(\d{3,5})\*\*", m.body))
        assert numbers <= listed, (m.id, numbers - listed)
        assert m.citations, m.id
        assert m.review.status == "待审核", m.id


@pytest.mark.skipif(not LAWS.is_dir(), reason="../shared/data/laws is not beside this clone")
def test_check_with_the_lawrefbook_folder_too_reports_no_error(wanjia):
    run = wanjia("-C", REPO, "check", "--laws", LAWS)
    assert run.code == 0, run.err
    assert "句子太长" not in run.err and "法律用语" not in run.err  # the plain-language check is within limits


def test_demo_hotlines_fit_and_plain_language_is_within_limits(wanjia):
    run = wanjia("-C", REPO, "check", "--all")
    assert run.code == 0, run.err
    for finding in ("句子太长", "法律用语", "对口的热线", "文字与"):
        assert finding not in run.err, finding


def test_review_workflow_warnings(project):
    m = project.materials[0]
    old = replace(m, review=Review("已审核", "司法所张三", dt.date(2024, 1, 10)),
                  citations=(Citation("仲裁法", "2017-09-01", ((1, 0),)),))
    unsigned = replace(m, review=Review("已审核"))
    p = type(project)(project.root, project.township, project.groups, project.topics, project.audiences,
                      (old, unsigned), (), (), project.calendar)
    problems = Problems()
    check_reviews(p, open_library(REPO), problems, today=dt.date(2026, 12, 1))
    text = problems.as_text()
    assert "已超过一年" in text and "有了新版本 2025-09-12" in text and "没有写审核人" in text


def test_strict_fails_a_public_build_with_unreviewed_materials(demo_copy, wanjia):
    run = wanjia("-C", demo_copy, "build", "--strict")
    assert run.code == 1 and "仍待审核" in run.err and not (demo_copy / "site").exists()


def test_plain_language_check_points_at_the_line(project):
    m = project.material["mediation-free"]
    body = m.body + "\n- 这一句话写得非常非常长，长到村民在门口根本听不完，因为它把好几件事情都塞进了同一个句子里面而没有停顿也没有标点符号，读的人一口气上不来，听的人也记不住前面说了什么。\n- 之后可以向对方追偿。\n"
    problems = Problems()
    check_material(replace(m, body=body), problems)
    lines = {p.pos.line: p.message for p in problems.warnings}
    last = m.body_line + len(body.splitlines()) - 1
    assert "句子太长" in lines[last - 1] and "「追偿」是法律用语" in lines[last]


def test_lessons_cover_every_stage_with_complete_plans(project):
    by_stage = defaultdict(list)
    for le in project.lessons:
        by_stage[le.stage].append(le)
        for part in ("## 课前准备", "## 教学过程", "## 讨论", "## 家庭作业"):
            assert part in le.body, (le.id, part)
        minutes = [int(x) for x in re.findall(r"（(\d+)分钟）", le.body)]
        assert minutes and sum(minutes) == le.minutes, (le.id, minutes)
        assert le.quiz and all(1 <= q.answer <= len(q.options) for q in le.quiz)
        assert le.objectives
        assert "示例（虚构" in le.body  # a case only ever inside a 示例（虚构） box, never as a court's
    assert len(project.lessons) >= 32
    assert all(len(by_stage[s]) >= 8 for s in ("小学低年级", "小学高年级", "初中", "高中"))


def test_quiz_answer_must_be_an_option(demo_copy, wanjia):
    path = own_file(demo_copy, "docs/lessons/primary-lower/national-symbols.md")
    edit(path, "answer: 2, explain: 升国旗", "answer: 5, explain: 升国旗")
    run = wanjia("-C", demo_copy, "check")
    assert run.code == 1 and "答案是第 5 个，但只有 3 个选项" in run.err


def test_school_plans_are_four_lessons_in_term_time():
    outreach = demo_outreach()
    project, cal = outreach.project, outreach.cal
    for school in project.township.schools:
        lessons = outreach.plan.lessons(school.id)
        assert len(lessons) >= 4
        assert {project.lesson[v.lesson].stage for v in lessons} == set(school.stages)
        assert len({v.lesson for v in lessons}) == len(lessons)  # no lesson twice in a year
        for v in lessons:
            assert any(t.start <= v.date <= t.end for t in cal.school["学期"])
            assert not any(e.start <= v.date <= e.end for e in cal.school["考试"])
            assert not cal.is_day_off(v.date)
            assert v.members == (school.vice_principal,) and v.slot.name == "上午"
        # next year's plan: again at each stage; no lesson of this year repeated where the stage
        # has lessons enough for two years
        following = [v.lesson for v in outreach.next_lessons if v.school == school.id]
        assert {project.lesson[le].stage for le in following} == set(school.stages)
        for stage in school.stages:
            this_year = {v.lesson for v in lessons if project.lesson[v.lesson].stage == stage}
            pool = [le for le in project.lessons if le.stage == stage]
            if len(pool) >= 2 * len(this_year):
                assert this_year.isdisjoint(le for le in following if project.lesson[le].stage == stage)


def test_school_page_calendar_and_feed_carry_the_plan(built_demo):
    page = (built_demo / "schools/qinghe-middle/index.html").read_text("utf-8")
    assert "法治课安排" in page and "罗晨" in page and "../../lessons/senior/" in page
    assert "法治课" in (built_demo / "calendar/index.html").read_text("utf-8")
    assert "法治课：青禾中学" in (built_demo / "calendar/outreach.ics").read_bytes().decode("utf-8")


def test_a_lesson_comes_with_its_word_files(built_demo, project):
    import docx

    le = project.lesson["protect-body-say-no"]
    page = (built_demo / "lessons/primary-upper/protect-body-say-no/index.html").read_text("utf-8")
    assert 'download="保护身体，拒绝性侵害-教案.docx"' in page and "给家长的一封信（Word）" in page
    folder = built_demo / "lessons/primary-upper"

    def text(name: str) -> str:
        doc = docx.Document(folder / f"protect-body-say-no.{name}.docx")
        return "\n".join(p.text for p in doc.paragraphs)

    plan, handout, letter = text("plan"), text("handout"), text("parents")
    assert "教学目标" in plan and "教学过程" in plan and "《刑法》（2023-12-29 版）第二百三十七条" in plan
    assert plan.count("答案：") == len(le.quiz) and "各位家长" not in plan
    assert "学生要记住" in handout and "\n答案：" not in handout and handout.count("我的答案") == len(le.quiz)
    assert "各位家长" in letter and "12355" in letter
    without = [p.stem for p in folder.glob("*.parents.docx")]
    assert "cycling-age-and-rules" not in " ".join(without)  # only lessons that have a letter get one
    # the same lesson gives the same bytes on every build
    from generator.site.lessondocs import lesson_files
    assert lesson_files(le, "青禾镇") == lesson_files(le, "青禾镇")



def test_school_plans_print_for_two_years_and_sit_in_the_workbook(built_demo):
    import openpyxl

    for school in ("qinghe-primary", "qinghe-middle"):
        sheet = (built_demo / f"print/school-{school}/index.html").read_text("utf-8")
        assert "法治教育年度计划" in sheet and "2027 年" in sheet and "2028 年" in sheet
    book = openpyxl.load_workbook(built_demo / "calendar/agenda.xlsx", read_only=True)
    rows = list(book["法治教育年度计划"].iter_rows(values_only=True))
    assert rows[0][:3] == ("学校", "法治副校长", "年份")
    per = defaultdict(int)
    for r in rows[1:]:
        per[(r[0], r[2])] += 1
    assert per and all(n >= 4 for n in per.values()) and {y for _, y in per} == {2027, 2028}


def test_citations_expand_to_the_article_text(built_demo):
    html = (built_demo / "materials/work/labor-contract-written/index.html").read_text("utf-8")
    assert "第八十二条 用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的" in html
    assert "???" not in html and "<details" in html  # folded open on demand, not shown as markup


def test_every_material_prints_as_its_sheet_and_each_campaign_has_a_bundle(built_demo, project):
    """No page of its own per 明白纸 (they were a quarter of a county's pages): the material page
    carries the sheet's parts and its foot, and its print style shows only those."""
    for m in project.materials:
        page = (built_demo / (m.src.removesuffix(".md") + "/index.html")).read_text("utf-8")
        assert page.count('class="wj-on-sheet"') == 2 and 'class="wj-sheet-foot"' in page, m.id
        assert "12348" in page and "<svg" in page  # QR code to the page
    assert not (built_demo / f"print/{project.materials[0].id}").exists()
    bundle = (built_demo / "print/campaign-spring-festival-return/index.html").read_text("utf-8")
    assert bundle.count('class="wj-sheet"') >= 5


def test_print_sheets_fit_one_a4_page(built_demo, project):
    need_chromium()
    from playwright.sync_api import sync_playwright

    from generator.dev.search_eval import CHROMIUM_ARGS
    from generator.site.serve import start as serve

    server, url = serve(built_demo)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.emulate_media(media="print")
            pages = {}
            for m in project.materials:
                page.goto(url + m.src.removesuffix(".md") + "/")
                pdf = page.pdf(format="A4", prefer_css_page_size=True)
                pages[m.id] = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
                size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.wj-on-sheet li')).fontSize)")
                shown = page.evaluate("""() => [...document.querySelectorAll('.wj-material > *')]
                    .filter(e => getComputedStyle(e).display !== 'none').map(e => e.tagName + '.' + e.className)""")
                assert len(shown) == 5 and "法律依据" not in page.evaluate("document.querySelector('.wj-material').innerText"), shown
                assert size >= 14 * 96 / 72 - 0.1, (m.id, size)  # ≥ 14 pt
            browser.close()
    finally:
        server.shutdown()
    assert all(n == 1 for n in pages.values()), {k: n for k, n in pages.items() if n != 1}


@pytest.mark.parametrize("text,numbers", [("打 12348 问", ["12348"]), ("拨打 113 举报", ["113"]),
                                          ("东经121°18′、北纬31°30′", []), ("罚款 110 元", []), ("气温 120℃", []),
                                          ("长192公分，高128公分", []), ("超过10000净吨", []),
                                          ("打12348公共法律服务热线", ["12348"])])
def test_service_numbers_are_told_from_amounts_and_coordinates(text, numbers):
    from generator.content.hotlines import _SERVICE

    assert [m[1] for m in _SERVICE.finditer(text)] == numbers
