"""Visit records in, the assessment and 研判 out, and the privacy guard on public builds."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import REPO, demo_outreach, edit, own_file, stored

from generator.content import privacy
from generator.content.model import RECORD_COLUMNS
from generator.plan import assess
from generator.plan.records import LESSONS_CSV, VISITS_CSV, Incident, Record

HEADER = ",".join(RECORD_COLUMNS)


def _outreach(root=REPO):
    return demo_outreach(root)


def _assess(outreach, records, incidents, start, as_of):
    return assess.assess(outreach.project, outreach.plan_year, outreach.plan, records, incidents, start, as_of)


def _row(**cells) -> str:
    base = {"日期": "2027-01-04", "时间": "19:00", "村（社区）": "新桥村", "网格": "新桥第一网格", "户号": "xinqiao-1-001",
            "走访结果": "已走访", "需跟进": "否", "干部": "沈建明、张强"}
    base.update(cells)
    return ",".join(base.get(c, "") for c in RECORD_COLUMNS)


def _write(path: Path, *rows: str, encoding="utf-8", fresh=True) -> Path:
    """An import file beside an empty database (the demo's own records, moved in from its file of an
    earlier version, would merge with these rows)."""
    if fresh:
        (path.parent / VISITS_CSV).unlink(missing_ok=True)
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding=encoding)
    return path


BAD_ROWS = [  # (cells, column, words of the message)
    ({"村（社区）": "新乔村"}, "村（社区）", "未知的村（社区）「新乔村」"),
    ({"网格": "新桥第九网格"}, "网格", "新桥村没有网格「新桥第九网格」"),
    ({"户号": "xinqiao-1-999"}, "户号", "不在农户登记表"),
    ({"户号": "xinqiao-2-001"}, "户号", "登记在新桥第二网格"),
    ({"干部": "沈建民"}, "干部", "未知的干部「沈建民」"),
    ({"干部": ""}, "干部", "没有写走访的干部"),
    ({"日期": "2027-07-04"}, "日期", "不在新桥村任何一项活动的时间窗口内"),
    ({"日期": "2027/13/40"}, "日期", "看不懂"),
    ({"时间": "25:61"}, "时间", "看不懂"),
    ({"走访结果": "没人"}, "走访结果", "应为 已走访、不在家、拒绝、已搬离 之一"),
    ({"走访结果": "不在家", "讲解主题": "防范电信网络诈骗"}, "讲解主题", "却填了讲解主题或发放资料"),
    ({"走访结果": "已搬离", "问题类别": "纠纷"}, "问题类别", "却填了发现的问题"),
    ({"需跟进": "是"}, "需跟进", "没有写问题类别或问题说明"),
    ({"问题类别": "吵架"}, "问题类别", "问题类别「吵架」"),
    ({"讲解主题": "防火"}, "讲解主题", "未知的主题「防火」"),
    ({"发放资料": "不存在的资料"}, "发放资料", "未知的资料"),
    ({"走访编号": "no-such-visit"}, "走访编号", "不在本年度的走访安排里"),
    ({"户号": "", "门牌": "", "户主": ""}, "门牌", "户号、门牌、户主至少填一项"),
]


@pytest.mark.parametrize("cells,column,words", BAD_ROWS, ids=[b[2][:12] for b in BAD_ROWS])
def test_each_kind_of_bad_row_is_reported_with_line_and_column(demo_copy, wanjia, cells, column, words):
    path = _write(demo_copy / "in.csv", _row(户号="xinqiao-1-002"), _row(**cells))
    run = wanjia("-C", demo_copy, "records", "import", path)
    assert run.code == 1 and "Traceback" not in run.err
    col = RECORD_COLUMNS.index(column) + 1
    assert any(line.startswith(f"{path}:3:{col}: 错误: 第 3 行") and words in line for line in run.err.splitlines()), run.err
    assert "新增 1 条" in run.out and "1 行有错误" in run.out  # the good row is kept, the bad one reported


def test_duplicate_household_and_day_names_the_first_row(demo_copy, wanjia):
    path = _write(demo_copy / "in.csv", _row(), _row(时间="19:20"))
    run = wanjia("-C", demo_copy, "records", "import", path)
    assert "第 3 行：同一户同一天记了两次，第 2 行已经记过" in run.err


def test_reimport_changes_nothing_and_a_correction_updates(demo_copy, wanjia):
    path = _write(demo_copy / "in.csv", _row(), _row(户号="xinqiao-1-002", 走访结果="不在家"))
    assert wanjia("-C", demo_copy, "records", "import", path).code == 0
    before = stored()
    assert [(r["household"], r["outcome"], r["source"]) for r in before] == [
        ("xinqiao-1-001", "已走访", "导入"), ("xinqiao-1-002", "不在家", "导入")]
    again = wanjia("-C", demo_copy, "records", "import", path)
    assert again.code == 0 and "新增 0 条，更新 0 条，2 条已导入过" in again.out
    assert stored() == before
    fixed = _write(demo_copy / "fix.csv", _row(户号="xinqiao-1-002", 走访结果="已走访"), fresh=False)
    assert "更新 1 条" in wanjia("-C", demo_copy, "records", "import", fixed).out
    assert [r["outcome"] for r in stored()] == ["已走访", "已走访"]


def test_truncated_or_corrupted_file_leaves_the_store_intact(demo_copy, wanjia):
    assert wanjia("-C", demo_copy, "records", "export", demo_copy / "before.csv").code == 0
    store = stored()  # the demo's records, moved into the database by the first command
    assert len(store) > 4000
    cut = demo_copy / "cut.csv"
    cut.write_text(HEADER + "\n" + _row() + "\n" + _row(户号="xinqiao-1-002", 问题说明='"邻居吵'), "utf-8")
    run = wanjia("-C", demo_copy, "records", "import", cut)
    assert run.code == 1 and "CSV 文件格式损坏" in run.err and "原有记录保持不变" in run.err
    bad = demo_copy / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    run = wanjia("-C", demo_copy, "records", "import", bad)
    assert run.code == 1 and "Excel 文件损坏" in run.err
    assert stored() == store


def test_excel_and_gbk_files_import(demo_copy, wanjia):
    import openpyxl

    (demo_copy / VISITS_CSV).unlink()
    book = openpyxl.Workbook()
    book.active.append(list(RECORD_COLUMNS))
    book.active.append(_row(户号="xinqiao-1-003").split(","))
    book.save(demo_copy / "in.xlsx")
    assert "新增 1 条" in wanjia("-C", demo_copy, "records", "import", demo_copy / "in.xlsx").out
    gbk = _write(demo_copy / "gbk.csv", _row(户号="xinqiao-1-004"), encoding="gb18030", fresh=False)
    assert "新增 1 条" in wanjia("-C", demo_copy, "records", "import", gbk).out


# ---------------------------------------------------------------- the assessment, by hand
def _record(day, grid, household, outcome="已走访", time="19:00", cadres=("shen-jianming", "zhang-qiang"), visit="",
            follow=False, problems=()):
    return Record(day, time, "xinqiao", grid, household, "", "", outcome, (), (), problems, "", follow, cadres, visit)


def test_coverage_against_hand_computed_fixture():
    outreach = _outreach()
    visits = [v for v in outreach.plan.visits if v.grid == "xinqiao-1" and v.kind == "入户走访"][:2]
    one, two = visits
    outreach = replace(outreach, plan=replace(outreach.plan, visits=tuple(visits)))
    records = [_record(one.date, "xinqiao-1", "a", visit=one.uid),
               _record(one.date, "xinqiao-1", "b", outcome="不在家", visit=one.uid),
               _record(one.date + dt.timedelta(days=1), "xinqiao-1", "b", visit=one.uid),  # found at the 2nd try
               _record(one.date + dt.timedelta(days=1), "xinqiao-1", "a")]                # same household again
    as_of = two.date + dt.timedelta(days=assess.GRACE_DAYS + 1)
    a = _assess(outreach, records, [], dt.date(2027, 1, 1), as_of)
    grid = a.grids["xinqiao-1"]
    assert (grid.planned, grid.reached, grid.records) == (one.households + two.households, 2, 4)
    assert a.villages["xinqiao"].reached == 2
    assert [v.uid for v in a.overdue] == ([two.uid] if two.date != one.date else [])
    lead = a.cadres["shen-jianming"]
    assert lead.records == 4 and lead.reached == 3


def test_follow_ups_stay_open_until_the_household_is_seen_again():
    outreach = _outreach()
    d = dt.date(2027, 1, 5)
    records = [_record(d, "xinqiao-1", "a", follow=True, problems=("纠纷",)),
               _record(d, "xinqiao-1", "b", follow=True, problems=("隐患",)),
               _record(d + dt.timedelta(days=3), "xinqiao-1", "a")]
    a = _assess(outreach, records, [], dt.date(2027, 1, 1), dt.date(2027, 1, 31))
    assert [r.household for r in a.follow_ups] == ["b"]


def test_implausible_records_are_flagged():
    outreach = _outreach()
    d = dt.date(2027, 1, 5)
    quick = [_record(d, "xinqiao-1", f"q{i}", time=f"19:{i:02d}") for i in range(6)]
    many = [_record(d + dt.timedelta(days=1 + i // 10), "xinqiao-2", f"m{i}", time=f"{8 + i % 10}:00",
                    cadres=("zhao-min",)) for i in range(assess.FULL_CONTACT_MIN)]
    late = [_record(d, "xinqiao-3", "late", time="23:40", cadres=("shen-jianming",))]
    a = _assess(outreach, quick + many + late, [], dt.date(2027, 1, 1), dt.date(2027, 1, 31))
    text = "\n".join(a.signs)
    assert "记了 6 户，每户不到 2 分钟" in text
    assert "赵敏的 20 条记录全部是“已走访”" in text
    assert "21:30 以后" in text


def test_rising_incidents_recommend_a_campaign_with_evidence():
    from generator.site.dashboard import assessment_text

    outreach = _outreach()
    months = [(2026, 12), (2027, 1), (2027, 2), (2027, 3)]
    incidents = [Incident(m, "nanzhuang", "赌博", n) for m, n in zip(months, (0, 1, 1, 3), strict=True)]
    incidents += [Incident(m, "xinqiao", "劳资", n) for m, n in zip(months, (2, 2, 2, 2), strict=True)]  # steady: no rise
    incidents += [Incident((2027, 3), "taoyuan", "火情", 4)]
    a = _assess(outreach, [], incidents, dt.date(2027, 3, 1), dt.date(2027, 3, 31))
    assert [(r.village, r.kind) for r in a.rises] == [("taoyuan", "火情"), ("nanzhuang", "赌博")]
    assert a.rises[1].evidence == "本月 3 起，前三个月平均 0.7 起"
    assert a.rises[1].series == [0, 0, 0, 1, 1, 3]  # October to March
    text = assessment_text(outreach, a)
    assert "南庄村 赌博：本月 3 起" in text and "开展赌博专项宣传" in text  # no campaign on gambling in April


def test_a_rise_brings_forward_the_campaign_that_runs_next_month():
    from generator.site.dashboard import assessment_text

    outreach = _outreach()
    incidents = [Incident((2027, 1), "nanzhuang", "赌博", 2)]
    a = _assess(outreach, [], incidents, dt.date(2027, 1, 1), dt.date(2027, 1, 31))
    assert "spring-festival-return" in a.rises[0].campaigns
    assert "把「春节前后返乡农民工讨薪与禁赌宣传」的入户往前排" in assessment_text(outreach, a)


def test_report_command_on_the_demo(wanjia):
    run = wanjia("-C", REPO, "report")
    assert run.code == 0, run.err
    assert "2027-03-01 至" in run.out and "研判" in run.out and "新桥村 劳资" in run.out
    year = wanjia("-C", REPO, "report", "--year", "2027")
    assert "2027-01-01 至" in year.out and "每户不到 2 分钟" in year.out


# ---------------------------------------------------------------- 法治课 given
LESSON_HEADER = "日期,学校,课程,课时,授课人,学生人数,备注,走访编号"


def _lesson_file(root: Path, *rows: str) -> Path:
    (root / LESSONS_CSV).unlink(missing_ok=True)
    path = root / "lessons-in.csv"
    path.write_text(LESSON_HEADER + "\n" + "\n".join(rows) + "\n", "utf-8")
    return path


def test_a_lesson_given_is_recorded_and_counted_in_the_assessment(demo_copy, wanjia):
    planned = [v for v in _outreach().plan.lessons() if v.school == "qinghe-primary"][:2]
    project = _outreach().project
    good = [f"{v.date},青禾中心小学,{project.lesson[v.lesson].title},1,{project.who(v.members)},45,,{v.uid}"
            for v in planned]
    path = _lesson_file(demo_copy, *good)
    run = wanjia("-C", demo_copy, "records", "import", path)
    assert run.code == 0 and "法治课记录导入完成：新增 2 条" in run.out, run.err
    assert [r["lesson"] for r in stored("lessons")] == [v.lesson for v in planned]
    assert "新增 0 条，更新 0 条，2 条已导入过" in wanjia("-C", demo_copy, "records", "import", path).out
    report = wanjia("-C", demo_copy, "report", "--year", "2027")
    row = next(ln for ln in report.out.splitlines() if ln.startswith("| 青禾中心小学 |"))
    due = sum(1 for v in _outreach().plan.lessons() if v.school == "qinghe-primary" and v.date <= planned[-1].date)
    assert row.split("|")[3].strip() == "2" and int(row.split("|")[2]) == due


@pytest.mark.parametrize("row,column,words", [
    ("2027-03-02,青禾小学,{title},1,{vp},40,,", 2, "未知的学校「青禾小学」"),
    ("2027-03-02,青禾中心小学,没有这节课,1,{vp},40,,", 3, "未知的法治课"),
    ("2027-03-02,青禾中心小学,{title},零,{vp},40,,", 4, "课时「零」"),
    ("2027-03-02,青禾中心小学,{title},1,,40,,", 5, "没有写授课人"),
    ("2027-03-02,青禾中心小学,{title},1,{vp},40,,no-such-lesson", 8, "不是本年度安排的法治课"),
    ("2027-03-02,青禾中心小学,{senior},1,{vp},40,,", 3, "没有这个学段"),
])
def test_a_bad_lesson_record_is_reported_at_its_cell(demo_copy, wanjia, row, column, words):
    project = _outreach().project
    school = project.school["qinghe-primary"]
    title = next(le.title for le in project.lessons if le.stage in school.stages)
    senior = next(le.title for le in project.lessons if le.stage == "高中")
    path = _lesson_file(demo_copy, row.format(title=title, senior=senior, vp=project.who([school.vice_principal])))
    run = wanjia("-C", demo_copy, "records", "import", path)
    assert run.code == 1 and "Traceback" not in run.err
    assert any(ln.startswith(f"{path}:2:{column}: 错误:") and words in ln for ln in run.err.splitlines()), run.err
    assert stored("lessons") == []


def test_internal_build_has_report_and_yanpan_charts(built_internal):
    import openpyxl

    report = (built_internal / "internal/report/index.html").read_text("utf-8")
    assert "各活动完成情况" in report and "逾期未记录的走访" in report and "需要核实的记录" in report
    yanpan = (built_internal / "internal/report/yanpan/index.html").read_text("utf-8")
    assert yanpan.count("<svg") >= 3 and "新桥村：劳资" in yanpan and "依据" in yanpan
    book = openpyxl.load_workbook(built_internal / "internal/report/assessment.xlsx", read_only=True)
    assert {"活动完成情况", "村（社区）", "干部", "逾期走访", "待跟进", "研判", "学校法治课"} <= set(book.sheetnames)
    assert "各学校法治课（课时）" in report


# ---------------------------------------------------------------- the privacy guard
def _id_number(prefix17: str) -> str:
    total = sum(int(d) * w for d, w in zip(prefix17, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    return prefix17 + "10X98765432"[total % 11]


def test_id_number_check_digit_and_birth_date():
    good = _id_number("32058319800101123")
    assert privacy.valid_id_number(good)
    assert not privacy.valid_id_number(good[:-1] + ("0" if good[-1] != "0" else "1"))  # wrong check digit
    assert not privacy.valid_id_number(_id_number("32058319801341123"))              # no 13th month


def test_guard_fails_a_build_with_pii_in_a_material(demo_copy, wanjia):
    site = demo_copy / "site"
    site.mkdir()
    (site / "index.html").write_text("上一次的网站", "utf-8")
    mat = own_file(demo_copy, "docs/materials/work/wage-arrears-contractor-ran.md")
    text = mat.read_text("utf-8")
    mat.write_text(text + f"\n有事找老张：139 1234 5678，身份证 {_id_number('32058319800101123')}\n", "utf-8")
    run = wanjia("-C", demo_copy, "build")
    assert run.code == 1
    line = text.count("\n") + 2
    hits = [h for h in run.err.splitlines() if h.startswith(f"docs/materials/work/wage-arrears-contractor-ran.md:{line}:")]
    assert any("手机号「13912345678」" not in h and "手机号" in h for h in hits)  # shown masked
    assert any("身份证号" in h for h in hits)
    assert (site / "index.html").read_text("utf-8") == "上一次的网站"


def test_guard_fails_a_build_with_a_household_name_in_a_campaign(demo_copy, wanjia):
    edit(demo_copy / "campaigns/winter-door-to-door.yml", "note: 重点户（独居老人、留守儿童等）先走", "note: 先走沈小龙家")
    run = wanjia("-C", demo_copy, "build")
    assert run.code == 1 and any(h.startswith("campaigns/winter-door-to-door.yml:") and "农户姓名「沈*龙」" in h
                                 for h in run.err.splitlines()), run.err


def test_guard_fails_a_generated_page_but_passes_the_internal_build(demo_copy, wanjia, monkeypatch):
    from generator.site import pages as render

    home = render.home
    monkeypatch.setattr(render, "home", lambda outreach: home(outreach) + "\n本周重点户：新桥村一组1号 沈小龙\n")
    site = demo_copy / "site"
    run = wanjia("-C", demo_copy, "build")
    assert run.code == 1 and "公开网站中发现农户个人信息" in run.err
    assert any(h.startswith("index.html:") and "门牌" in h for h in run.err.splitlines()), run.err
    assert not site.exists() and not list(demo_copy.glob(".site*"))
    assert wanjia("-C", demo_copy, "build", "--internal").code == 0
    assert "沈小龙" in (demo_copy / "site-internal/index.html").read_text("utf-8")


def test_public_cadre_line_is_allowed_and_a_private_one_is_not(demo_copy, wanjia):
    town = demo_copy / "data/township.yml"
    text = town.read_text("utf-8").replace("phone: 0510-8888 1001, phone_public: true", "phone: 13812345678, phone_public: true")
    town.write_text(text, "utf-8")
    assert wanjia("-C", demo_copy, "build").code == 0
    assert "13812345678" in (demo_copy / "site/villages/liutang/index.html").read_text("utf-8")
    outreach = _outreach(demo_copy)
    cadre = outreach.project.cadre["li-hui"]
    project = replace(outreach.project, township=replace(outreach.project.township, cadres=tuple(
        replace(c, phone_public=False) if c is cadre else c for c in outreach.project.township.cadres)))
    assert [f.what for f in privacy.Guard(project).scan("李慧 13812345678")] == ["手机号"]


def test_guard_reads_office_files_as_text(tmp_path):
    """A Word file is scanned for what it says, not its markup: a name Word split across two runs
    is found whole, and so is a phone number in an Excel cell."""
    import docx
    import openpyxl

    guard = privacy.Guard(demo_outreach().project)
    doc = docx.Document()
    para = doc.add_paragraph()
    para.add_run("本周重点户：沈")
    para.add_run("小龙")
    doc.save(tmp_path / "a.docx")
    book = openpyxl.Workbook()
    book.active["A1"], book.active["B1"] = "联系", "13912345678"
    book.save(tmp_path / "a.xlsx")
    assert [f.what for f in privacy._scan_file(guard, tmp_path / "a.docx")] == ["农户姓名"]
    assert [f.what for f in privacy._scan_file(guard, tmp_path / "a.xlsx")] == ["手机号"]


def test_the_plans_template_filled_in_imports(built_internal, demo_copy, wanjia):
    """The office's round trip: the internal build's Excel template, filled in for a few households."""
    import openpyxl

    book = openpyxl.load_workbook(built_internal / "internal/records-template.xlsx")
    sheet = book["走访记录"]
    header = [c.value for c in sheet[1]]
    rows = [r for r in sheet.iter_rows(min_row=2) if r[header.index("户号")].value][:3]
    assert rows, "the template lists the register's households"
    for row, outcome in zip(rows, ("已走访", "不在家", "已走访"), strict=True):
        row[header.index("走访结果")].value = outcome
        row[header.index("需跟进")].value = "否"
    keep = {r[0].row for r in rows}
    for number in range(sheet.max_row, 1, -1):
        if number not in keep:
            sheet.delete_rows(number)
    book.save(demo_copy / "filled.xlsx")
    (demo_copy / VISITS_CSV).unlink()
    run = wanjia("-C", demo_copy, "records", "import", demo_copy / "filled.xlsx")
    assert run.code == 0 and "新增 3 条" in run.out, run.err


def test_check_warns_about_bad_internal_data_without_stopping_the_site(demo_copy, wanjia):
    store = demo_copy / VISITS_CSV   # a file of an earlier version, moved into the database once fixed
    lines = store.read_text("utf-8-sig").splitlines()
    store.write_text("\n".join(lines + [_row(**{"村（社区）": "新乔村"})]) + "\n", "utf-8")
    incidents = demo_copy / "data/incidents.csv"
    incidents.write_text(incidents.read_text("utf-8") + "2027-03,桃园村,打架,2\n", "utf-8")
    run = wanjia("-C", demo_copy, "check", "--all")
    assert run.code == 0
    assert any(h.startswith(f"{VISITS_CSV}:{len(lines) + 1}:3: 警告:") and "新乔村" in h and "内部数据" in h
               for h in run.err.splitlines()), run.err[-2000:]
    assert "data/incidents.csv:" in run.err and "类别「打架」" in run.err
    assert wanjia("-C", demo_copy, "report").code == 1  # the report will not count on bad rows


# ---------------------------------------------------------------- the database, the one store
def test_records_file_of_an_earlier_version_moves_in_once_and_never_overwrites(demo_copy, wanjia):
    """The demo's data/records/visits.csv (the store of earlier versions) is moved into the database by
    the first command; later runs read the database only, and a record changed there since (on the
    phone, say) is never put back by the old file."""
    lines = (demo_copy / VISITS_CSV).read_text("utf-8-sig").splitlines()
    first = wanjia("-C", demo_copy, "records", "export", demo_copy / "out.csv")
    assert first.code == 0, first.err
    rows = stored()
    assert len(rows) == len(lines) - 1 and {r["source"] for r in rows} == {"导入"}
    exported = (demo_copy / "out.csv").read_bytes().decode("utf-8-sig").splitlines()
    # What went in comes out, column for column (with the 来源 column the demo's old file lacks).
    differ = set(lines[1:]) ^ {line.removesuffix(",导入") for line in exported[1:]}
    assert exported[0] == lines[0] + ",来源" and not differ, sorted(differ)[:4]
    from generator.store import Store, database_path

    store = Store(database_path("qinghe"))
    store.db.execute("UPDATE records SET outcome = '拒绝' WHERE id = ?", (rows[0]["id"],))
    store.close()
    assert wanjia("-C", demo_copy, "records", "export", demo_copy / "again.csv").code == 0
    again = stored()
    assert len(again) == len(rows) and again[0]["outcome"] == "拒绝"
    # An edited file is read again: only its new rows come in.
    edit(demo_copy / VISITS_CSV, lines[-1], lines[-1] + "\n" + _row(日期="2027-01-04", 户号="xinqiao-1-007"))
    run = wanjia("-C", demo_copy, "check")
    assert run.code == 0 and len(stored()) == len(rows) + 1 and stored()[0]["outcome"] == "拒绝"


def test_a_database_of_the_first_version_is_migrated_with_its_phone_records(tmp_path):
    import sqlite3

    from generator.store import MIGRATIONS, Store

    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    old.executescript(MIGRATIONS[0] + "PRAGMA user_version=1;")
    old.execute("INSERT INTO users (name, cadre, role, password) VALUES ('李慧', 'li-hui', '干部', 'x')")
    old.execute("INSERT INTO records (household, day, village, grid, outcome, problems, note, follow_up, cadres, visit,"
                " source, recorded_at) VALUES ('xinqiao-1-001', '2027-01-04', 'xinqiao', 'xinqiao-1', '已走访', '[\"求助\"]',"
                " '想问法律援助', 1, '[\"li-hui\"]', '', '手机', '2027-01-04T11:00:00')")
    old.execute("INSERT INTO entries (client_id, record, user, received_at) VALUES ('abcdefgh12', 1, 1, 'x')")
    old.commit()
    old.close()
    store = Store(path)
    (row,) = store.rows("records")
    assert (row["household"], row["problems"], row["note"], row["cadres"], row["source"]) == (
        "xinqiao-1-001", ["求助"], "想问法律援助", ["li-hui"], "手机")
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert store.user("李慧") is not None
    store.close()
    Store(path).close()   # opening again migrates nothing


def test_a_database_written_by_a_newer_version_is_refused_in_chinese(demo_copy, wanjia, tmp_path):
    import sqlite3

    db = tmp_path / "newer.sqlite"
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version=99")
    con.close()
    run = wanjia("-C", demo_copy, "report", "--db", db)
    assert run.code == 1 and "Traceback" not in run.err and "更新版本的 wanjia" in run.err, run.err


def test_text_typed_in_a_record_never_becomes_a_formula_or_markup(demo_copy, wanjia, tmp_path):
    """OWASP's CSV injection, and markup: a note that reads as a formula stays text in the 考核 Excel
    and in the export; a note that reads as HTML is shown as the characters typed."""
    import csv
    import io

    import openpyxl

    formula, markup = '=HYPERLINK("http://x.example","点我")', "<script>alert(1)</script><b>粗</b>"
    (demo_copy / VISITS_CSV).unlink()
    base = {"日期": "2027-01-04", "时间": "19:00", "村（社区）": "新桥村", "网格": "新桥第一网格", "走访结果": "已走访",
            "需跟进": "是", "干部": "沈建明、张强"}
    text = io.StringIO()
    table = csv.writer(text)
    table.writerow(RECORD_COLUMNS)
    for household, kind, note in (("xinqiao-1-001", "求助", formula), ("xinqiao-1-002", "纠纷", markup)):
        cells = {**base, "户号": household, "问题类别": kind, "问题说明": note}
        table.writerow([cells.get(c, "") for c in RECORD_COLUMNS])
    path = demo_copy / "in.csv"
    path.write_text(text.getvalue(), "utf-8")
    run = wanjia("-C", demo_copy, "records", "import", path)
    assert run.code == 0 and "新增 2 条" in run.out, run.err
    assert {r["note"] for r in stored()} == {formula, markup}
    xlsx = tmp_path / "考核.xlsx"
    assert wanjia("-C", demo_copy, "report", "--year", "2027", "--xlsx", xlsx).code == 0
    cells = [c for sheet in openpyxl.load_workbook(xlsx).worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(c.value == formula and c.data_type == "s" for c in cells)
    out = tmp_path / "导出.csv"
    assert wanjia("-C", demo_copy, "records", "export", out).code == 0
    exported = out.read_bytes().decode("utf-8-sig")
    assert f"'{formula}" in exported.replace('""', '"') and f",{formula}" not in exported.replace('""', '"')
    assert wanjia("-C", demo_copy, "build", "--internal").code == 0
    report = (demo_copy / "site-internal/internal/report/index.html").read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report and "<script>alert(1)" not in report
    assert "<b>粗</b>" not in report


def test_a_database_that_cannot_be_opened_stops_records_import_in_chinese(demo_copy, wanjia, tmp_path):
    import sqlite3

    db = tmp_path / "newer.sqlite"
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version=99")
    con.close()
    path = _write(demo_copy / "in.csv", _row())
    run = wanjia("-C", demo_copy, "records", "import", path, "--db", db)
    assert run.code == 1 and "内部错误" not in run.err and f"{db}:1:1: 错误: 打不开走访记录数据库" in run.err, run.err
