"""A township adopts the project: `wanjia new`, its Excel 台账 in and out, and a second township
(柳河镇, 华北, written the way an outside office would) planned and built end to end."""
from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from conftest import REPO, copy_demo, demo_outreach, edit
from test_schedule import violations

from generator.content.load import load_project
from generator.content.privacy import Guard
from generator.plan import schedule
from generator.site.text import percent

LIUHE = REPO / "tests" / "fixtures" / "liuhe"
ROSTER_FILES = ("data/township.yml", "data/schedule.yml", "data/households.csv")


def copy_liuhe(dest: Path) -> Path:
    shutil.copytree(LIUHE, dest)
    return dest


def snapshot(root: Path) -> dict[str, bytes]:
    return {f: (root / f).read_bytes() for f in ROSTER_FILES if (root / f).exists()}


def errors_of(run) -> list[str]:
    return [ln for ln in run.err.splitlines() if ": 错误: " in ln]


# ------------------------------------------------------------------ wanjia new
def test_new_township_checks_without_error(tmp_path, wanjia):
    dest = tmp_path / "柳河镇"
    run = wanjia("new", dest, "--region", "华北")
    assert run.code == 0, run.err
    assert "roster export" in run.err
    site_name = (dest / "mkdocs.yml").read_text("utf-8")
    assert "site_name: 柳河镇平安法治进万家" in site_name and "@@" not in site_name
    town = (dest / "data/township.yml").read_text("utf-8")
    assert "name: 柳河镇" in town and "region: 华北" in town
    assert sorted(p.name for p in (dest / "campaigns").glob("*.yml"))  # seasonal campaigns to start from
    check = wanjia("-C", dest, "check")
    assert check.code == 0 and errors_of(check) == [], check.err
    # --strict fails only on what a new township really has to do: review the content, confirm holidays
    strict = wanjia("-C", dest, "check", "--strict", "--all")
    warnings = [ln for ln in strict.err.splitlines() if ": 警告: " in ln]
    assert strict.code == 1 and warnings
    assert all("待审核" in w or "放假通知" in w for w in warnings), [w for w in warnings if "待审核" not in w][:5]
    # and it refuses to write over a township
    again = wanjia("new", dest, "--region", "华北")
    assert again.code == 2 and "已存在" in again.err


def test_new_township_rejects_a_region_it_does_not_know(tmp_path, wanjia):
    run = wanjia("new", tmp_path / "柳河镇", "--region", "河北")
    assert run.code == 2 and "华北" in run.err and "Traceback" not in run.err
    assert not (tmp_path / "柳河镇").exists()


# ------------------------------------------------------------------ the 台账 round trip
@pytest.mark.parametrize("township", ["demo", "liuhe"])
def test_roster_export_then_import_changes_nothing(tmp_path, wanjia, township):
    root = copy_demo(tmp_path / "t") if township == "demo" else copy_liuhe(tmp_path / "t")
    before = snapshot(root)
    book = root / "台账.xlsx"
    assert wanjia("-C", root, "roster", "export", book, "--households").code == 0
    sheets = openpyxl.load_workbook(book).sheetnames
    assert {"村和网格", "干部", "包村工作组", "学校", "请假", "值班", "会议", "农户", "填写说明"} <= set(sheets)
    run = wanjia("-C", root, "roster", "import", book)
    assert run.code == 0, run.err
    assert "没有改动" in run.err
    assert snapshot(root) == before  # byte for byte: comments, order and alignment survive


def test_roster_writes_people_by_name_and_twins_with_their_unit(tmp_path, wanjia):
    root = copy_liuhe(tmp_path / "t")
    book = root / "台账.xlsx"
    wanjia("-C", root, "roster", "export", book)
    wb = openpyxl.load_workbook(book)
    teams = [[c.value for c in row] for row in wb["包村工作组"].iter_rows(min_row=2)]
    liuhe = next(r for r in teams if "柳河社区" in r)
    assert "李娜（司法所）、李娜（妇联）" in liuhe
    ids = [c.value for c in wb["干部"]["A"]][1:]
    assert "li-na" in ids and "li-na-2" in ids


def test_roster_adds_rows_with_new_ids_and_they_check(tmp_path, wanjia):
    root = copy_liuhe(tmp_path / "t")
    book = root / "台账.xlsx"
    wanjia("-C", root, "roster", "export", book)
    wb = openpyxl.load_workbook(book)
    wb["干部"].append(["", "宋明", "综治办", "部门负责人", "", ""])
    wb["请假"].append(["宋明", "2027-04-01", "2027-04-03", "培训"])
    wb["村和网格"].append(["", "新河村", "行政村", "", "新河第一网格", 120, 0, 3, ""])
    wb["包村工作组"].append(["", "新河村", "韩冬梅", "宋明、林静"])
    wb.save(book)
    run = wanjia("-C", root, "roster", "import", book)
    assert run.code == 0, run.err
    assert "新增：干部「宋明」编号 song-ming" in run.err
    town = (root / "data/township.yml").read_text("utf-8")
    assert "name: 新河村" in town and "song-ming" in town
    assert "# 本镇的基本情况" in town  # the file's own comments stay
    assert wanjia("-C", root, "check").code == 0
    project, _ = load_project(root)
    assert project.village["xinhe"].team.heads == ("song-ming", "lin-jing")
    assert any(lv.cadre == "song-ming" and lv.start == dt.date(2027, 4, 1) for lv in project.schedule.leave)


CELL_ERRORS = [  # (sheet, row, column letter, value, message): what an office mistypes
    ("请假", 2, "B", "2027-02-30", "2027 年 2 月没有 30 日"),
    ("请假", 2, "C", "2027-02-01", "早于开始日期"),   # the row's first cell: the leave as a whole
    ("包村工作组", 2, "D", "李娜、杨帆", "有 2 位干部叫「李娜」"),
    ("包村工作组", 3, "C", "张建同", "张建国"),
    ("村和网格", 2, "F", "三百", "应为整数"),
    ("值班", 2, "B", "周八", "周一"),
    ("学校", 2, "C", "幼儿园", "不在可选范围内"),
]


@pytest.mark.parametrize("sheet,row,col,value,message", CELL_ERRORS, ids=[c[4] for c in CELL_ERRORS])
def test_roster_import_points_at_the_cell_and_writes_nothing(tmp_path, wanjia, sheet, row, col, value, message):
    root = copy_liuhe(tmp_path / "t")
    book = root / "台账.xlsx"
    wanjia("-C", root, "roster", "export", book)
    wb = openpyxl.load_workbook(book)
    wb[sheet][f"{col}{row}"] = value
    wb.save(book)
    before = snapshot(root)
    run = wanjia("-C", root, "roster", "import", book)
    assert run.code == 1 and "Traceback" not in run.err
    hits = [ln for ln in errors_of(run) if message in ln]
    column = 1 if message == "早于开始日期" else openpyxl.utils.column_index_from_string(col)
    assert any(ln.startswith(f"台账.xlsx:{sheet}:{row}:{column}:") for ln in hits), run.err
    assert "什么都没有写入" in run.err
    assert snapshot(root) == before


def test_roster_import_warns_of_a_column_it_does_not_know_and_refuses_xls(tmp_path, wanjia):
    root = copy_liuhe(tmp_path / "t")
    book = root / "台账.xlsx"
    wanjia("-C", root, "roster", "export", book)
    wb = openpyxl.load_workbook(book)
    wb["干部"]["H1"] = "备注"
    wb.save(book)
    run = wanjia("-C", root, "roster", "import", book)
    assert run.code == 0 and "备注" in run.err and "警告" in run.err
    old = root / "台账.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)  # the OLE header of an Excel 97 file
    run = wanjia("-C", root, "roster", "import", old)
    assert run.code == 1 and ".xlsx" in run.err and "Traceback" not in run.err


# ------------------------------------------------------------------ the second township
def liuhe_outreach():
    return demo_outreach(LIUHE)


def test_liuhe_plan_keeps_every_rule():
    outreach = liuhe_outreach()
    plan = outreach.plan
    assert len(plan.visits) > 300
    assert violations(outreach, plan) == []


def test_liuhe_grid_workers_have_their_own_weekly_cap():
    outreach = liuhe_outreach()
    project = outreach.project
    assert dict(project.schedule.role_slots_per_week) == {"网格员": 8}
    workers = {c.id for c in project.township.cadres if c.role == "网格员"}
    weekly: dict[tuple, int] = {}
    for v in outreach.plan.visits:
        for c in set(v.members) & workers:
            key = (c, v.date.isocalendar()[:2])
            weekly[key] = weekly.get(key, 0) + 1
    assert max(weekly.values()) > project.schedule.slots_per_week  # they do walk more than the others


def test_liuhe_family_days_and_weekends():
    outreach = liuhe_outreach()
    cal = outreach.cal
    eve = next(d for d, n in cal.festivals if n == "除夕")
    first = next(d for d, n in cal.festivals if n == "春节")
    # with time to spare (no weekly cap), 初一 is used, as on_holidays names it; 除夕 stays with the family
    project = outreach.project
    free = replace(project, schedule=replace(project.schedule, slots_per_week=21, role_slots_per_week=()))
    spring = [v for v in schedule.plan(free, outreach.plan_year).visits if v.campaign == "spring-festival-return"]
    assert [v for v in spring if v.date == first]
    assert not [v for v in spring if v.date == eve]
    winter = [v for v in outreach.plan.visits if v.campaign == "winter-door-to-door" and v.kind == "入户走访"]
    assert winter and not [v for v in winter if v.date.isoweekday() >= 6 and v.date not in cal.workdays]


def test_only_the_named_households_are_visited():
    outreach = liuhe_outreach()
    project = outreach.project
    kinds = {h.id: h.flags for h in project.households}
    listed = [h for v in outreach.plan.visits if v.campaign == "summer-drowning" for h in v.household_ids]
    assert listed and all({"留守儿童", "独居老人"} & set(kinds[h]) for h in listed)


def test_liuhe_builds_and_its_register_stays_internal(tmp_path, wanjia):
    root = copy_liuhe(tmp_path / "t")
    run = wanjia("-C", root, "build")
    assert run.code == 0, run.err
    site = root / "site"
    assert (site / "villages" / "liuhe" / "index.html").exists()
    heads = {h.head for h in load_project(root)[0].households}
    text = "\n".join(p.read_text("utf-8", errors="replace") for p in site.rglob("*.html"))
    assert "柳河社区" in text
    leaked = [n for n in heads if len(n) >= 3 and n in text]
    assert leaked == []


# ------------------------------------------------------------------ small things an office trips on
def test_a_word_is_not_a_name_and_the_allow_list_is_a_way_out():
    project, _ = load_project(LIUHE)
    assert "高峰" in {h.head for h in project.households}
    guard = Guard(project)
    assert guard.scan("春运返乡高峰期，请错峰出行。") == []
    found = guard.scan("今天去了高峰家，他家是出租户。")
    assert [f.what for f in found] == ["农户姓名"] and found[0].masked == "高*"
    assert guard.scan("节后返岗、租房高峰") == []  # data/privacy.yml allows this phrase
    strict = Guard(replace(project, privacy_allow=()))
    assert [f.what for f in strict.scan("节后返岗、租房高峰")] == ["农户姓名"]


def test_coverage_is_cut_to_one_decimal_never_rounded_up():
    assert percent(3422, 5560) == "61.5%"
    assert percent(617, 1000) == "61.7%"
    assert percent(9999, 10000) == "99.9%"
    assert percent(5, 5) == "100%" and percent(0, 7) == "0.0%" and percent(0, 0) == "—"


def test_plan_text_tells_twins_apart(wanjia):
    run = wanjia("-C", LIUHE, "plan")
    assert run.code == 0
    busiest = next(ln for ln in run.out.splitlines() if ln.startswith("走访最多的干部"))
    assert "李娜 " not in busiest and "李娜（" in busiest


def test_a_township_file_with_a_bom_gives_one_error_first(tmp_path, wanjia):
    root = copy_demo(tmp_path / "t")
    path = root / "data/township.yml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    run = wanjia("-C", root, "check")
    errors = errors_of(run)
    assert run.code == 1 and len(errors) == 1
    assert errors[0].startswith("data/township.yml:1:1:") and "BOM" in errors[0]


@pytest.mark.parametrize("old,new,message,line", [
    ("from: 2027-12-06, to: 2027-12-17", "from: 2027-12-17, to: 2027-12-06", "请检查 from 和 to 是否写反了", 11),
    ('end: "11:30"', 'end: "07:30"', "不晚于开始时间", 4),
    ("from: 2027-12-06", "from: 2027-02-30", "2027 年 2 月没有 30 日", 11),
])
def test_schedule_mistakes_are_errors_at_their_line(tmp_path, wanjia, old, new, message, line):
    root = copy_demo(tmp_path / "t")
    edit(root / "data/schedule.yml", old, new)
    run = wanjia("-C", root, "check")
    assert run.code == 1
    assert any(ln.startswith(f"data/schedule.yml:{line}:") and message in ln for ln in errors_of(run)), run.err


def test_a_lunar_thirtieth_the_year_does_not_have_is_an_error(tmp_path, wanjia):
    root = copy_demo(tmp_path / "t")
    edit(root / "campaigns/spring-festival-return.yml", "to: 正月十五", "to: 腊月三十")
    run = wanjia("-C", root, "check")
    assert run.code == 1
    assert any("campaigns/spring-festival-return.yml:11:" in ln and "没有三十" in ln and "除夕" in ln
               for ln in errors_of(run)), run.err


def test_a_region_typo_on_the_command_line_is_blamed_on_the_argument(wanjia):
    run = wanjia("-C", REPO, "calendar", "--region", "河北")
    assert run.code == 1
    assert any(ln.startswith("命令行: 错误: 参数 --region") and "华北" in ln for ln in run.err.splitlines())
