"""The door-to-door plan, checked by a validator written apart from the planner, on the demo and on
random townships; stable UIDs across re-plans; reasons for what could not be placed."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace

from conftest import REPO, demo_outreach
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.content.model import Grid, Leave, Team, Village
from generator.plan import almanac, schedule
from generator.plan.almanac import Almanac
from generator.plan.match import plan_year
from generator.problems import Problems


def _lunar_day(d: dt.date) -> int:
    from borax.calendars.lunardate import LunarDate
    return LunarDate.from_solar_date(d.year, d.month, d.day).day


def violations(outreach, plan) -> list[str]:
    """Every hard rule, checked from the plan alone."""
    project, cal = outreach.project, outreach.cal
    rules = project.schedule
    out = []
    seen = Counter((c, v.date, v.slot.name) for v in plan.visits for c in v.members)
    out += [f"{c} twice at {d} {s}" for (c, d, s), n in seen.items() if n > 1]
    weekly = Counter((c, v.date.isocalendar()[:2]) for v in plan.visits for c in v.members)
    by_role = dict(rules.role_slots_per_week)
    limit = {c.id: by_role.get(c.role, rules.slots_per_week) for c in project.township.cadres}
    out += [f"{c} over weekly limit in {w}" for (c, w), n in weekly.items() if n > limit[c]]
    windows = {m.campaign.id: m.windows for m in outreach.matched}
    market = project.township.market
    family = {d: {"除夕": "除夕", "春节": "初一"}[n] for d, n in cal.festivals if n in ("除夕", "春节")}
    meetings = [(day, m) for m in rules.meetings for day in almanac.meeting_days(m, outreach.plan_year.number)]
    for v in plan.visits:
        for day, m in meetings:
            if day == v.date and (not m.slots or v.slot.name in m.slots) and (
                    not m.cadres or set(m.cadres) & set(v.members)):
                out.append(f"{v.uid}: a member is at {m.reason}")
        for lv in rules.leave:
            if lv.cadre in v.members and lv.start <= v.date <= lv.end:
                out.append(f"{v.uid}: {lv.cadre} is on leave")
        for d in rules.duty:
            if d.cadre in v.members and v.date.isoweekday() in d.weekdays and (not d.slots or v.slot.name in d.slots):
                out.append(f"{v.uid}: {d.cadre} is on duty")
        if v.kind == schedule.LESSON:
            school = project.school[v.school]
            if v.members != (school.vice_principal,) or not cal.is_school_day(v.date) or v.slot.name != "上午" \
                    or project.lesson[v.lesson].stage not in school.stages:
                out.append(f"{v.uid}: a 法治课 is the school's 法治副校长 on a school-day morning, at its stage")
            continue
        campaign = project.campaign[v.campaign]
        if v.kind in ("入户走访", "进企业", *schedule.MEETINGS):
            village = project.village[v.village]
            own = set(village.team.members)
            if v.kind == "入户走访":
                worker = project.grid[v.grid][1].worker
                if len(set(v.members) & own) != 2 or not set(v.members) <= own | {worker}:
                    out.append(f"{v.uid}: a door-to-door visit is a pair of the village's team (+ its grid worker)")
            elif not set(v.members) <= own:
                out.append(f"{v.uid}: not the village's own team")
        if v.kind in ("进企业", "进校园") and cal.is_day_off(v.date) or v.kind in ("进企业", "进校园", "赶集摆摊") \
                and v.slot.name == "晚上":
            out.append(f"{v.uid}: enterprises and schools are visited on working days in the daytime")
        if v.kind == "进校园":
            school = next(s for s in project.township.schools if s.name == v.place)
            if v.members != (school.vice_principal,) or not cal.is_school_day(v.date) or v.lesson is None:
                out.append(f"{v.uid}: a school lesson is the school's 法治副校长 on a school day")
        if v.kind == "赶集摆摊" and (market is None or not market.meets_on(v.date, _lunar_day(v.date))
                                     or len(v.members) != 2):
            out.append(f"{v.uid}: a market stall is two cadres on a market day")
        if not any(w.start <= v.date <= w.end for w in windows[v.campaign]):
            out.append(f"{v.uid}: outside the campaign's windows")
        if cal.is_holiday(v.date) and not campaign.on_holidays:
            out.append(f"{v.uid}: on a holiday")
        if family.get(v.date) and family[v.date] not in campaign.holiday_days:
            out.append(f"{v.uid}: on {family[v.date]}, which stays with the family unless the campaign names it")
        activity = next((a for a in campaign.activities if a.type == v.kind), None)
        if activity and not activity.weekends and v.date.isoweekday() >= 6 and v.date not in cal.workdays \
                and not cal.is_holiday(v.date):
            out.append(f"{v.uid}: on a weekend, which the activity leaves free")
        busy = cal.busy_on(v.date)
        if busy and v.kind == "入户走访" and ((project.calendar.evening_busy and v.slot.name != "晚上")
                                             or v.households > rules.busy_households_per_slot):
            out.append(f"{v.uid}: busy season must be evening (unless evening_busy is false) at the lower capacity")
        if busy and v.kind in schedule.MEETINGS:
            out.append(f"{v.uid}: meeting in a busy period")
        if v.households > rules.households_per_slot:
            out.append(f"{v.uid}: over capacity")
        if v.household_ids and len(v.household_ids) != v.households:
            out.append(f"{v.uid}: household list does not match the count")
    visited = Counter((v.campaign, h) for v in plan.visits for h in v.household_ids)
    allowed = {c.id: max((a.visits_per_household for a in c.activities), default=1) for c in project.campaigns}
    out += [f"household {h} listed {n} times in {c}" for (c, h), n in visited.items() if n > allowed[c]]
    return out


def test_demo_plan_keeps_every_rule():
    outreach = demo_outreach()
    plan = outreach.plan
    assert plan.visits and violations(outreach, plan) == []
    assert len({v.uid for v in plan.visits}) == len(plan.visits)
    planned_priority = sum(v.priority for v in plan.visits)
    assert planned_priority > 0


def test_priority_households_come_first_in_a_village():
    outreach = demo_outreach()
    visits = [v for v in outreach.plan.visits if v.campaign == "rental-migrant-registration" and v.village == "xinqiao"
              and v.kind == "入户走访"]
    firsts = [v.priority for v in visits[:5]]
    assert all(p > 0 for p in firsts)


def test_unplaceable_demand_names_the_reason():
    outreach = demo_outreach()
    project = outreach.project
    leave = Leave("zhou-guohua", dt.date(2027, 1, 1), dt.date(2027, 12, 31), "借调县里")
    leave2 = Leave("xu-ming", dt.date(2027, 1, 1), dt.date(2027, 12, 31), "病假")
    project = replace(project, schedule=replace(project.schedule, leave=project.schedule.leave + (leave, leave2)))
    plan = schedule.plan(project, outreach.plan_year)
    miss = [u for u in plan.unplaced if u.village == "taoyuan" and u.kind == "入户走访"]
    assert miss and miss[0].placed == 0
    assert "周国华 01-01 至 12-31 借调县里" in miss[0].reason and "徐明" in miss[0].reason
    assert "窗口内只排到 0 个" in miss[0].reason


def test_replan_after_one_change_keeps_other_visits():
    outreach = demo_outreach()
    before = {v.uid: v for v in outreach.plan.visits}
    project = outreach.project
    first = next(v for v in outreach.plan.visits if v.village == "nanzhuang" and "jiang-zhiyuan" in v.members)
    changed = replace(project, schedule=replace(project.schedule, leave=project.schedule.leave +
                                                (Leave("jiang-zhiyuan", first.date, first.date + dt.timedelta(days=4)),)))
    after = {v.uid: v for v in schedule.plan(changed, outreach.plan_year).visits}
    # villages whose team shares nobody with 南庄村 are untouched, UID for UID and date for date
    nanzhuang = set(project.village["nanzhuang"].team.members)
    independent = [v.id for v in project.township.villages if not set(v.team.members) & nanzhuang]
    for uid, visit in before.items():
        if visit.village in independent:
            assert after.get(uid) == visit, uid
    moved = [uid for uid in before if uid in after and before[uid].village == "nanzhuang" and before[uid] != after[uid]]
    assert moved  # the change did move 南庄村's visits, under the same UIDs


def test_plan_feeds_parse_and_round_trip(built_demo):
    from icalendar import Calendar

    outreach = demo_outreach(built_demo.parent)
    mine = [v for v in outreach.plan.visits if "li-hui" in v.members]
    raw = (built_demo / "calendar/cadres/li-hui.ics").read_bytes()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded as RFC 5545 asks
    feed = Calendar.from_ical(raw)
    events = list(feed.walk("VEVENT"))
    assert [(str(e["uid"]), e["dtstart"].dt, e["dtend"].dt) for e in events] == [
        (f"{v.uid}@qinghe.wanjia", dt.datetime.combine(v.date, dt.time.fromisoformat(v.slot.start)),
         dt.datetime.combine(v.date, dt.time.fromisoformat(v.slot.end))) for v in mine]
    again = list(Calendar.from_ical(feed.to_ical()).walk("VEVENT"))  # and survives icalendar's own round trip
    assert [str(e["summary"]) for e in again] == [str(e["summary"]) for e in events]
    csv = (built_demo / "calendar/agenda.csv").read_bytes().decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("日期,星期,时段") and len(csv.splitlines()) > 100


def test_cadre_and_village_pages_show_the_plan(built_demo, built_internal):
    page = (built_demo / "cadres/li-hui/index.html").read_text("utf-8")
    assert "李慧的走访安排" in page and "起这一周" in page and "同行" in page
    village = (built_demo / "villages/xinqiao/index.html").read_text("utf-8")
    assert "年走访安排" in village
    # the office's planning notes (what did not fit, and why: leave, duty) are in the internal build only
    public = "\n".join(p.read_text("utf-8") for p in built_demo.rglob("*.html"))
    assert "没排下" not in public and "春节值班" not in public
    unplaced = (built_internal / "internal/unplaced/index.html").read_text("utf-8")
    assert "没排下的走访" in unplaced and "张强 02-05 至 02-08 春节值班" in unplaced


def test_plan_command(wanjia):
    run = wanjia("-C", REPO, "plan", "2027")
    assert run.code == 0 and "覆盖率" in run.out and "没排下的" in run.out


@st.composite
def townships(draw):
    n = draw(st.integers(1, 5))
    cadres = [f"l{i}" for i in range(n)] + [f"h{i}" for i in range(n + 1)]
    villages = []
    for i in range(n):
        heads = (f"h{i}", f"h{(i + 1) % (n + 1)}") if n > 1 else ("h0", "h1")
        grids = tuple(Grid(f"v{i}g{j}", f"网格{j}", draw(st.integers(0, 300)), draw(st.integers(0, 40)))
                      for j in range(draw(st.integers(1, 4))))
        villages.append(Village(f"v{i}", f"村{i}", grids, Team(f"l{i}", heads)))
    leaves = tuple(Leave(draw(st.sampled_from(cadres)), dt.date(2027, m, 1), dt.date(2027, m, draw(st.integers(1, 28))))
                   for m in draw(st.lists(st.integers(1, 12), max_size=3)))
    capacity = draw(st.integers(3, 20))
    return villages, leaves, capacity, draw(st.integers(1, 8))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(townships())
def test_random_townships_keep_every_rule(case):
    from generator.content.model import Cadre

    villages, leaves, capacity, weekly = case
    outreach = demo_outreach()
    project = outreach.project
    cadres = tuple(Cadre(c, c, "党政办", "党政领导" if c.startswith("l") else "部门负责人")
                   for c in sorted({m for v in villages for m in v.team.members}))
    market = replace(project.township.market, village=villages[0].id)
    project = replace(project, township=replace(project.township, villages=tuple(villages), cadres=cadres,
                                                schools=(), market=market, enterprises=()),
                      schedule=replace(project.schedule, leave=leaves, households_per_slot=capacity,
                                       busy_households_per_slot=max(1, capacity // 2), slots_per_week=weekly))
    the_year = replace(outreach.plan_year, schools={})
    outreach = replace(outreach, project=project, plan_year=the_year)
    plan = schedule.plan(project, the_year)
    assert violations(outreach, plan) == []
    for m in outreach.matched:  # planned + left over is exactly the demand
        planned, wanted = plan.coverage(m.campaign.id)
        assert planned <= wanted


def test_market_enterprise_school_and_meeting_visits_are_planned():
    outreach = demo_outreach()
    kinds = Counter(v.kind for v in outreach.plan.visits)
    for kind in ("入户走访", "院坝会", "村民会议", "赶集摆摊", "进企业", "进校园"):
        assert kinds[kind] > 0, kind
    school = next(v for v in outreach.plan.visits if v.kind == "进校园")
    assert outreach.project.lesson[school.lesson].stage in next(
        s.stages for s in outreach.project.township.schools if s.name == school.place)


def test_register_households_walked_in_door_order_priority_first():
    outreach = demo_outreach()
    project = outreach.project
    register = {h.id: h for hs in project.register.values() for h in hs}
    visits = [v for v in outreach.plan.visits if v.campaign == "winter-door-to-door" and v.grid == "xinqiao-1"]
    ids = [h for v in visits for h in v.household_ids]
    assert len(ids) == len(set(ids)) and set(ids) <= set(register)
    # every flagged household is walked before the others: visits with flagged households come
    # first, and a visit's flagged count is what it says
    flagged = [sum(register[h].priority for h in v.household_ids) for v in visits]
    assert [v.priority for v in visits] == flagged and flagged == sorted(flagged, key=lambda n: n == 0)
    assert flagged[0] > 0 and flagged[-1] == 0
    for v in visits:  # a walk sheet in walking order by 门牌, numbers as numbers (2 before 10)
        doors = [int(register[h].door.removeprefix("新桥村一组").removesuffix("号")) for h in v.household_ids]
        assert doors == sorted(doors)


def test_duty_day_and_meeting_are_kept_free():
    outreach = demo_outreach()
    assert not [v for v in outreach.plan.visits if "feng-tao" in v.members and v.date.isoweekday() == 3]
    assert not [v for v in outreach.plan.visits if v.date == dt.date(2027, 1, 8)]  # 镇年度工作会议: everyone


def test_agenda_spreadsheet_and_day_pages(built_demo):
    import openpyxl

    book = openpyxl.load_workbook(built_demo / "calendar/agenda.xlsx", read_only=True)
    rows = list(book["走访安排"].iter_rows(values_only=True))
    csv_rows = (built_demo / "calendar/agenda.csv").read_text("utf-8-sig").splitlines()
    assert rows[0][:3] == ("日期", "星期", "时段") and len(rows) == len(csv_rows)
    assert "干部工作量" in book.sheetnames
    day = next((built_demo / "days").iterdir())
    page = (day / "index.html").read_text("utf-8")
    assert "走访安排" in page and "周" in page
    campaign = (built_demo / "campaigns/spring-land-contract/index.html").read_text("utf-8")
    assert "年走访安排" in campaign and "赶集摆摊" in campaign


def test_internal_build_has_walk_sheets_with_households_and_public_build_has_none(built_internal, built_demo):
    import csv

    names = [row["户主"] for row in csv.DictReader((REPO / "data/households.csv").open(encoding="utf-8"))]
    sheet = (built_internal / "internal/walk/winter-door-to-door/xinqiao/index.html").read_text("utf-8")
    assert "入户走访登记表" in sheet and "☐已走访 ☐不在家 ☐拒绝 ☐已搬离" in sheet
    assert sum(name in sheet for name in names[:50]) > 10
    assert 'name="robots" content="noindex' in sheet and "内部版本" in sheet
    template = (built_internal / "internal/records-template.csv").read_text("utf-8-sig").splitlines()
    assert template[0].startswith("日期,时间,村（社区）,网格,户号")
    public = "".join(p.read_text("utf-8", errors="ignore") for p in built_demo.rglob("*")
                     if p.is_file() and p.suffix in (".html", ".csv", ".ics", ".json"))
    assert not [n for n in names if n in public]
    assert not (built_demo / "internal").exists()


def test_evening_busy_false_lets_busy_season_visits_happen_by_day():
    outreach = demo_outreach()
    project = outreach.project
    straw = project.campaign["harvest-straw-burning"]
    in_busy = replace(straw, when=({"period": "三夏", "pos": straw.pos},), avoid=())
    for evening_busy, daytime_expected in ((True, False), (False, True)):
        changed = replace(project, campaigns=tuple(in_busy if c.id == straw.id else c for c in project.campaigns),
                          calendar=replace(project.calendar, evening_busy=evening_busy))
        the_year = plan_year(changed, Almanac(changed), 2027, Problems())
        plan = schedule.plan(changed, the_year)
        busy = [v for v in plan.visits if v.campaign == straw.id and v.kind == "入户走访"
                and the_year.calendar.busy_on(v.date)]
        assert busy, "the campaign now runs in 三夏"
        assert any(v.slot.name != "晚上" for v in busy) == daytime_expected
        assert all(v.households <= changed.schedule.busy_households_per_slot for v in busy)
        o = replace(outreach, project=changed, plan_year=the_year, plan=plan)
        assert violations(o, plan) == []


def test_a_plan_line_is_html_with_typed_names_as_text():
    """The plan's lines are written as HTML (Python-Markdown is not asked to parse 700,000 links on a
    county): what a township typed (a campaign's title) shows as text, never as markup, and every
    link is the page's address relative to the page the line is on."""
    from generator.site import agenda

    outreach = demo_outreach()
    project = outreach.project
    v = next(v for v in outreach.plan.visits if v.kind == "入户走访" and v.campaign)
    evil = "<img src=x onerror=alert(1)>冬季走访"
    typed = replace(project, campaigns=tuple(replace(c, title=evil) if c.id == v.campaign else c
                                             for c in project.campaigns))
    line = agenda.visit_line("cadres/someone.md", v, typed)
    assert "<img" not in line and "&lt;img src=x onerror=alert(1)&gt;冬季走访" in line
    assert f'href="../../campaigns/{v.campaign}/"' in line and f'href="../../villages/{v.village}/"' in line
    assert agenda.visit_line("days/2027-01-05.md", v, project).count('href="../../') == 2


def test_the_plans_cache_key_is_every_input_but_the_text_of_materials_and_lessons():
    """The year's plan and its pages are reused across an edit to a material's text, and only then:
    its title, a lesson's text, a village, the year each make a new key."""
    from generator import pipeline

    o = demo_outreach()
    p, year = o.project, o.plan_year
    key = pipeline.plan_inputs(p, year)
    m, le = p.materials[0], p.lessons[0]
    assert pipeline.plan_inputs(replace(p, materials=(replace(m, body=m.body + "\n新的一句。"), *p.materials[1:])),
                                year) == key
    assert pipeline.plan_inputs(replace(p, lessons=(replace(le, body=le.body + "\n新的一句。"), *p.lessons[1:])),
                                year) == key
    changed = [replace(p, materials=(replace(m, title=m.title + "（新）"), *p.materials[1:])),
               replace(p, materials=(replace(m, seasons=(*m.seasons, "冬闲")), *p.materials[1:])),
               replace(p, township=replace(p.township, villages=(replace(p.township.villages[0], name="新村"),
                                                               *p.township.villages[1:])))]
    assert all(pipeline.plan_inputs(q, year) != key for q in changed)
    assert pipeline.plan_inputs(p, plan_year(p, o.almanac, year.number + 1, Problems())) != key


def test_the_plans_cache_key_does_not_change_once_the_plan_is_made():
    """What a plan leaves on the values it read (the calendar's table of busy days) is not an input:
    the key before planning and after is the same, so a rebuild finds the plan it stored."""
    from generator import pipeline

    o = demo_outreach()
    fresh = plan_year(o.project, o.almanac, o.plan_year.number, Problems())
    before = pipeline.plan_inputs(o.project, fresh)
    schedule.plan(o.project, fresh)
    assert hasattr(fresh.calendar, "_busy_days")
    pipeline._last_inputs.clear()
    assert pipeline.plan_inputs(o.project, fresh) == before
