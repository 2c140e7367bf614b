"""The knowledge base itself: coverage, structure, honest hotlines, citations checked against the
law corpus, lessons and school plans, plain language, review workflow, print sheets."""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import replace

import pytest
import yaml
from conftest import LAWS, REPO, SHARED, need_chromium

from generator import pipeline
from generator.content.laws import LawCorpus, check_citations, check_reviews
from generator.content.load import load_project
from generator.content.model import Citation, Review
from generator.content.readability import check_material
from generator.problems import Pos, Problems

HOTLINES = {"12348", "110", "119", "120", "122", "12333", "12345"}


@pytest.fixture(scope="module")
def project():
    p, problems = load_project(REPO)
    assert p is not None, problems.as_text()
    return p


@pytest.fixture(scope="module")
def corpus():
    return LawCorpus(LAWS)


def test_at_least_forty_materials_covering_every_topic(project):
    assert len(project.materials) >= 40
    shared = {t["id"] for t in yaml.safe_load((SHARED / "taxonomy/topics.yml").read_text("utf-8"))}
    covered = {t for m in project.materials for t in m.topics}
    assert shared <= covered, shared - covered


@pytest.mark.parametrize("topics", [("wage-arrears",), ("labor-contract",), ("gambling",), ("rental-housing",),
                                    ("migrant-registration",), ("fire-safety",), ("fraud",),
                                    ("minors", "school-bullying")])
def test_key_topics_have_three_materials_for_different_audiences(project, topics):
    chosen = [m for m in project.materials if set(topics) & set(m.topics)]
    assert len(chosen) >= 3
    assert len({m.audiences[0] for m in chosen}) >= 2


def test_every_material_has_the_structure_and_only_sure_hotlines(project):
    for m in project.materials:
        for section in ("## 常见情形", "## 法律怎么规定", "## 遇到了怎么办", "## 去哪里求助", "## 示例"):
            assert section in m.body, (m.id, section)
        assert "示例（虚构，用于说明）" in m.body, m.id  # no invented case passed off as real
        assert re.search(r"^1\. ", m.body, flags=re.M), m.id  # numbered steps
        numbers = set(re.findall(r"\*\*(\d{3,5})\*\*", m.body))
        assert numbers <= HOTLINES, (m.id, numbers - HOTLINES)
        assert m.citations, m.id
        assert m.review.status == "待审核", m.id


def test_every_citation_in_the_demo_exists_in_the_corpus(project, corpus):
    problems = Problems()
    check_citations(project, corpus, problems)
    assert problems.errors == [], problems.as_text()


def test_check_with_laws_reports_no_error(wanjia):
    run = wanjia("-C", REPO, "check", "--laws", LAWS)
    assert run.code == 0, run.err
    assert "句子太长" not in run.err and "法律用语" not in run.err  # the plain-language check is within limits


def _with_materials(project, *materials):
    """The demo project with only these materials (and no lessons or campaigns)."""
    return type(project)(project.root, project.township, project.groups, project.topics, project.audiences,
                         materials, (), (), project.calendar)


def _with_citation(project, citation):
    return _with_materials(project, replace(project.materials[0], citations=(citation,)))


@pytest.mark.parametrize("citation,level,message", [
    (Citation("劳动合同法", "2012-12-28", (10, 999)), "error", "没有第999条"),
    (Citation("劳动合同法", "2010-01-01", (10,)), "error", "没有 2010-01-01 这个版本"),
    (Citation("劳动合同發", "2012-12-28", (10,)), "error", "您是不是想写「劳动合同法」"),
    (Citation("治安管理处罚法", "2012-10-26", (70,)), "warning", "有比 2012-10-26 更新的版本 2025-06-27"),
    (Citation("治安管理处罚法", "2025-06-27", (150,)), "error", "只有 144 条"),
    (Citation("未成年人保护法", "2020-10-17", (39,)), "warning", "更新的版本 2024-04-26"),
])
def test_citation_checker_catches(project, corpus, citation, level, message):
    problems = Problems()
    check_citations(_with_citation(project, replace(citation, pos=Pos("docs/x.md", 7, 5))), corpus, problems)
    found = [p for p in problems.items if p.level == level and message in p.message]
    assert found and found[0].pos == Pos("docs/x.md", 7, 5), problems.as_text()


def test_review_workflow_warnings(project, corpus):
    m = project.materials[0]
    old = replace(m, review=Review("已审核", "司法所张三", dt.date(2024, 1, 10)),
                  citations=(Citation("治安管理处罚法", "2012-10-26", (70,)),))
    unsigned = replace(m, review=Review("已审核"))
    p = _with_materials(project, old, unsigned)
    problems = Problems()
    check_reviews(p, corpus, problems, today=dt.date(2026, 12, 1))
    text = problems.as_text()
    assert "已超过一年" in text and "有了新版本 2025-06-27" in text and "没有写审核人" in text


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
    assert len(project.lessons) >= 12
    assert all(len(by_stage[s]) >= 3 for s in ("小学低年级", "小学高年级", "初中", "高中"))


def test_quiz_answer_must_be_an_option(demo_copy, wanjia):
    path = demo_copy / "docs/lessons/primary-lower/national-symbols.md"
    path.write_text(path.read_text("utf-8").replace("answer: 2, explain: 升国旗", "answer: 5, explain: 升国旗"), "utf-8")
    run = wanjia("-C", demo_copy, "check")
    assert run.code == 1 and "答案是第 5 个，但只有 3 个选项" in run.err


def test_school_plans_are_four_lessons_in_term_time(project):
    outreach, _ = pipeline.check(REPO)
    cal = outreach.cal
    booked = set()
    for school in project.township.schools:
        plan = outreach.schools[school.id]
        assert len(plan) >= 4
        assert {p.stage for p in plan} == set(school.stages)
        for p in plan:
            assert any(t.start <= p.date <= t.end for t in cal.school["学期"])
            assert not any(e.start <= p.date <= e.end for e in cal.school["考试"])
            assert not cal.is_day_off(p.date)
            assert p.lesson.stage == p.stage
            assert (school.vice_principal, p.date) not in booked
            booked.add((school.vice_principal, p.date))


def test_school_page_calendar_and_feed_carry_the_plan(built_demo):
    page = (built_demo / "schools/qinghe-middle/index.html").read_text("utf-8")
    assert "法治课安排" in page and "罗晨" in page and "../../lessons/senior/" in page
    assert "法治课" in (built_demo / "calendar/index.html").read_text("utf-8")
    assert "法治课：青禾中学" in (built_demo / "calendar/outreach.ics").read_bytes().decode("utf-8")


def test_citations_expand_to_the_article_text(built_demo):
    html = (built_demo / "materials/work/labor-contract-written/index.html").read_text("utf-8")
    assert "第八十二条 用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的" in html
    assert "???" not in html and "<details" in html  # folded open on demand, not shown as markup


def test_every_material_has_a_print_sheet_and_each_campaign_a_bundle(built_demo, project):
    for m in project.materials:
        sheet = (built_demo / f"print/{m.id}/index.html").read_text("utf-8")
        assert "wj-sheet" in sheet and "12348" in sheet and "<svg" in sheet  # QR code to the page
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
                page.goto(f"{url}print/{m.id}/")
                pdf = page.pdf(format="A4", prefer_css_page_size=True)
                pages[m.id] = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
                size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.wj-sheet li')).fontSize)")
                assert size >= 14 * 96 / 72 - 0.1, (m.id, size)  # ≥ 14 pt
            browser.close()
    finally:
        server.shutdown()
    assert all(n == 1 for n in pages.values()), {k: n for k, n in pages.items() if n != 1}
