"""Stage: the Plan as its users need it — "my visits" for a cadre's phone, the schedule of each
village, day and campaign, subscribable ICS feeds, the office's CSV and XLSX agenda and, in the
internal build only, the printable walk sheets (入户走访登记表) with household rows and the records
template they are typed back into.

The public pages carry counts, never households: the household lists exist only in `internal/`.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from html import escape

from ..cache import project_cache
from ..content.model import RECORD_COLUMNS, Project
from ..content.tables import csv_bytes, xlsx_bytes
from ..plan.schedule import LESSON, Visit
from . import ics
from .inputs import Outreach, ScheduleSections
from .rawhtml import html_block
from .templates import render
from .text import WEEKDAYS, frontmatter, law_of_this_work, link, md, page_url, percent, span_text

MATERIALS_PER_VISIT = 2  # what a cadre carries: the campaign's two best-matched 明白纸


def _carried(outreach: Outreach) -> dict[str, tuple]:
    return {m.campaign.id: m.materials[:MATERIALS_PER_VISIT] for m in outreach.matched}


def schedule_sections(outreach: Outreach) -> ScheduleSections:
    """The plan's sections of the village and campaign pages (pages.py writes those pages)."""
    plan, carry = outreach.plan, _carried(outreach)
    by_village, totals = plan.by_village(), plan.totals()
    by_campaign: dict[str, list[Visit]] = defaultdict(list)
    for v in plan.visits:
        by_campaign[v.campaign].append(v)
    villages = {v.id: village_schedule(v.id, outreach, by_village.get(v.id, []), carry)
                for v in outreach.project.township.villages}
    campaigns = {m.campaign.id: campaign_schedule(m, outreach, by_campaign[m.campaign.id], totals.get(m.campaign.id, {}))
                 for m in outreach.matched}
    return ScheduleSections(villages, campaigns)


def plan_pages(outreach: Outreach) -> dict[str, str | bytes]:
    """The plan's own pages and files: each cadre's and day's visits, the feeds, the agenda."""
    plan, project, carry = outreach.plan, outreach.project, _carried(outreach)
    by_cadre, by_village, by_day = plan.by_cadre(), plan.by_village(), plan.by_day()
    pages: dict[str, str | bytes] = {}
    written: dict[str, bytes] = {}   # a visit's event, written once for all the feeds it is in
    for v in project.township.villages:
        pages[f"calendar/villages/{v.id}.ics"] = plan_ics(outreach, by_village.get(v.id, []), f"{v.name}走访", written)
    pages["cadres/index.md"] = cadres_index(outreach)
    for cadre in project.township.cadres:
        visits = by_cadre.get(cadre.id)
        if visits:
            pages[f"cadres/{cadre.id}.md"] = cadre_page(cadre, outreach, visits, carry)
            pages[f"calendar/cadres/{cadre.id}.ics"] = plan_ics(outreach, visits, f"{cadre.name}的走访", written)
    pages["days/index.md"] = days_index(outreach, by_day)
    for day, visits in by_day.items():
        pages[f"days/{day.isoformat()}.md"] = day_page(day, outreach, visits, carry)
    pages["duties/index.md"] = duties_page(outreach)
    pages["calendar/agenda.csv"] = agenda_csv(outreach)
    pages["calendar/agenda.xlsx"] = agenda_xlsx(outreach)
    return pages


# ---------------------------------------------------------------- one visit, in words
def _spot(v, project: Project) -> str:
    """Where in the village: the grid walked, or the market, enterprise or school ("" for the whole village)."""
    if v.kind == "入户走访":
        return project.grid[v.grid][1].name
    return v.place if v.place and v.village in project.village else ""


def _where(v, project: Project) -> str:
    village = project.village.get(v.village)
    name, spot = (village.name if village else v.place), _spot(v, project)
    return f"{name} · {spot}" if spot else name


def _what(here: str, v, project: Project) -> str:
    if v.kind == "入户走访":
        return f"入户 {v.households} 户" + (f"（重点户 {v.priority}）" if v.priority else "")
    if v.kind in ("进校园", LESSON) and v.lesson:
        lesson = project.lesson[v.lesson]
        return f"{escape(v.kind)}：{_a(here, lesson.src, lesson.title)}"
    return escape(v.kind)


def _a(here: str, src: str, text: str) -> str:
    return f'<a href="{page_url(here, src)}">{escape(text)}</a>'


def _purpose(v, project: Project) -> tuple[str, str]:
    """What a visit is for, as (title, page): its campaign, or the school of a 法治课."""
    if v.campaign:
        return project.campaign[v.campaign].title, f"campaigns/{v.campaign}.md"
    return f"{v.place}年度法治课", f"schools/{v.school}.md"


def visit_line(here: str, v, project, me: str | None = None, show_village: bool = True) -> str:
    """A visit as one line of HTML (a list item's content): when, where, what, with whom, for what.
    HTML, not Markdown: a county's plan pages hold 700,000 such links, and Python-Markdown spent
    most of a cold build parsing them; the addresses are the pages' directory URLs (page_url). Short,
    not a table row: phone screens are narrow."""
    village, spot = project.village.get(v.village), _spot(v, project)
    if not show_village:
        where = escape(spot or (village.name if village else v.place))
    elif village:
        where = _a(here, f"villages/{village.id}.md", village.name) + (f" · {escape(spot)}" if spot else "")
    else:
        where = escape(v.place)
    others = [c for c in v.members if c != me]
    title, page = _purpose(v, project)
    return (f"<strong>{escape(f'{v.slot.name} {v.slot.start}—{v.slot.end}')}</strong>　{where} · {_what(here, v, project)}<br>"
            f"{'同行' if me else '人员'}：{escape(project.who(others)) or '—'}　{_a(here, page, title)}")


def _carry_block(here: str, visits, project, carry) -> str:
    """What to take along, once per campaign on the page (not under every visit: a county cadre
    has 150 visits, and every link is checked at build time)."""
    campaigns = list(dict.fromkeys(v.campaign for v in visits if v.kind in ("入户走访", "赶集摆摊")))
    rows = [f"    - {escape(project.campaign[c].title)}：" + "、".join(
        f"[{escape(m.title)}]({link(here, m.src)})" for m in carry.get(c, ())) for c in campaigns
        if carry.get(c)]
    return ('\n??? tip "要带的明白纸（点开看，可打印）"\n' + "\n".join(rows) + "\n\n") if rows else ""


def _by_day(here: str, visits, project, carry, me: str | None = None, show_village: bool = True) -> str:
    """The year's visits, day by day, folded by month: a year is 20 phone screens, a month one or
    two. The phone opens the month of its next visit (wanjia.js); the page is the same every day.
    Each month is one block of HTML (see visit_line and rawhtml)."""
    out = [_carry_block(here, visits, project, carry)]
    months: dict[int, list] = defaultdict(list)
    for v in visits:
        months[v.date.month].append(v)
    for month, month_visits in months.items():
        body, day, week = [f'<details class="wj-plan-month">\n<summary>{month} 月（{len(month_visits)} 次）</summary>\n'], None, None
        for v in month_visits:
            if me and v.week != week:
                week = v.week
                monday = v.date - dt.timedelta(days=v.date.weekday())
                body.append(("</ul>\n" if day else "") + f"<h3>{md(monday)} 起这一周</h3>\n")
                day = None
            if v.date != day:
                body.append(("</ul>\n" if day else "") + "<p><strong>"
                            + _a(here, f"days/{v.date.isoformat()}.md", f"{md(v.date)} 周{WEEKDAYS[v.date.weekday()]}")
                            + "</strong></p>\n<ul>\n")
                day = v.date
            body.append(f"<li>{visit_line(here, v, project, me, show_village)}</li>\n")
        out.append(html_block("".join(body) + "</ul>\n</details>"))
    return "".join(out)


# ---------------------------------------------------------------- pages
def village_schedule(village_id: str, outreach, visits, carry) -> str:
    plan, project = outreach.plan, outreach.project
    here = f"villages/{village_id}.md"
    if not visits:
        return ""
    out = [f"\n## {plan.year} 年走访安排（{len(visits)} 次）\n\n"]
    if visits:
        out.append(f"[订阅本村走访日历]({link(here, f'calendar/villages/{village_id}.ics')})\n\n"
                   '<p class="wj-next" data-wj-next hidden></p>\n')
        out.append(_by_day(here, visits, project, carry, show_village=False))
    return "".join(out)


def campaign_schedule(matched, outreach, visits, row: dict) -> str:
    """The campaign's plan (its `visits` and its `row` of Plan.totals): coverage, the gatherings with
    their dates, and each village's share."""
    plan, project = outreach.plan, outreach.project
    c = matched.campaign
    here = f"campaigns/{c.id}.md"
    planned = row.get("households", 0)
    wanted = planned + row.get("left", 0)
    out = [f"\n## {plan.year} 年走访安排\n\n共 {len(visits)} 次"
           + (f"，入户 {planned}/{wanted} 户（{percent(planned, wanted)}），其中重点户 {row.get('priority', 0)} 户"
              if wanted else "") + "。\n\n"]
    gatherings = [v for v in visits if v.kind != "入户走访"]
    if gatherings:
        out.append("".join(f"- [{md(v.date)}]({link(here, f'days/{v.date.isoformat()}.md')}) {v.slot.name}　"
                           f"{escape(_where(v, project))} · {v.kind}\n" for v in gatherings[:60]))
        if len(gatherings) > 60:
            out.append(f"- ……共 {len(gatherings)} 次，见各村页面\n")
        out.append("\n")
    per_village: dict[str, list] = defaultdict(list)
    for v in visits:
        if v.kind == "入户走访":
            per_village[v.village].append(v)
    if per_village:
        out.append("| 村（社区） | 入户次数 | 户数 | 日期 |\n|---|--:|--:|---|\n")
        for vid, vs in per_village.items():
            village = project.village[vid]
            out.append(f"| [{escape(village.name)}]({link(here, f'villages/{vid}.md')}) | {len(vs)} | "
                       f"{sum(v.households for v in vs)} | {md(vs[0].date)}—{md(vs[-1].date)} |\n")
    return "".join(out)


def unplaced_page(outreach) -> str:
    """What the plan could not place and why (leave, duty, meetings, caps): the organizer's to-do,
    in the internal build only; the public pages show the plan, not the office's planning notes."""
    plan = outreach.plan
    out = [frontmatter("没排下的走访"), f"# {plan.year} 年没排下的走访\n\n"
           "按活动列出；调整请假、值班、会议或每人每周时段上限后重新生成（也可运行 wanjia plan 查看）。\n\n"]
    for m in outreach.matched:
        misses = [u for u in plan.unplaced if u.campaign == m.campaign.id]
        if misses:
            out.append(f"## {escape(m.campaign.title)}（{len(misses)} 处）\n\n"
                       + "".join(f"- {escape(u.reason)}\n" for u in misses) + "\n")
    if not plan.unplaced:
        out.append("全部排下了。\n")
    return "".join(out)


def cadre_page(cadre, outreach, visits, carry) -> str:
    plan, project = outreach.plan, outreach.project
    here = f"cadres/{cadre.id}.md"
    teams = [v for v in project.township.villages if cadre.id in v.team.members]
    return (frontmatter(f"{cadre.name}的走访安排") + f"# {escape(cadre.name)}的走访安排\n\n"
            f"{cadre.unit} · {cadre.role}　包村：" + ("、".join(f"[{escape(v.name)}]({link(here, f'villages/{v.id}.md')})"
                                                       for v in teams) or "无") + "\n\n"
            f"{plan.year} 年共 {len(visits)} 次。[订阅到手机日历]({link(here, f'calendar/cadres/{cadre.id}.ics')})\n\n"
            '<p class="wj-next" data-wj-next hidden></p>\n'
            + _by_day(here, visits, project, carry, me=cadre.id))


def cadres_index(outreach) -> str:
    project, plan = outreach.project, outreach.plan
    here = "cadres/index.md"
    load = {c.id: 0 for c in project.township.cadres}
    for v in plan.visits:
        for c in v.members:
            load[c] += 1
    rows = "\n".join(f"| [{escape(c.name)}]({link(here, f'cadres/{c.id}.md')}) | {c.unit} | {c.role} | {load[c.id]} |"
                     for c in project.township.cadres if load[c.id])
    return (frontmatter("我的走访安排") + "# 我的走访安排\n\n点自己的名字，看每周去哪个村、哪个网格。"
            f"也可以[按日子看]({link(here, 'days/index.md')})。\n\n"
            "| 姓名 | 单位 | 角色 | 走访次数 |\n|---|---|---|--:|\n" + rows + "\n\n"
            f"办公室用：[全年安排表（Excel）]({link(here, 'calendar/agenda.xlsx')})　"
            f"[CSV]({link(here, 'calendar/agenda.csv')})\n")


def days_index(outreach, by_day) -> str:
    here = "days/index.md"
    out = [frontmatter("按日子看走访"), f"# {outreach.plan.year} 年按日子看走访\n\n"]
    month = None
    for day in sorted(by_day):
        if day.month != month:
            month = day.month
            out.append(f"\n## {month} 月\n\n")
        out.append(f"[{day.day}日（{len(by_day[day])}）]({link(here, f'days/{day.isoformat()}.md')}){{ .wj-chip }} ")
    return "".join(out) + "\n"


VISITS_PER_BLOCK = 40   # a busy day's list, in blocks a page too long for a phone can be cut between


def day_page(day: dt.date, outreach, visits, carry) -> str:
    project, cal = outreach.project, outreach.cal
    here = f"days/{day.isoformat()}.md"
    notes = [n for n in (cal.holidays.get(day), cal.busy_on(day) and f"{cal.busy_on(day)}（农忙，只在晚上入户）") if n]
    out = [frontmatter(f"{md(day)}走访"), f"# {day.year}年{md(day)} 周{WEEKDAYS[day.weekday()]} 走访安排\n\n",
           (f"{'；'.join(notes)}\n{{ .wj-muted }}\n\n" if notes else ""), f"共 {len(visits)} 次。\n",
           _carry_block(here, visits, project, carry)]
    slots: dict[str, list] = defaultdict(list)
    for v in visits:
        slots[v.slot.name].append(v)
    for slot, slot_visits in slots.items():
        out.append(f"\n## {escape(slot)}\n\n")
        for at in range(0, len(slot_visits), VISITS_PER_BLOCK):
            out.append(html_block("<ul>\n" + "".join(f"<li>{visit_line(here, v, project)}</li>\n"
                                                      for v in slot_visits[at:at + VISITS_PER_BLOCK]) + "</ul>"))
    return "".join(out)


# ---------------------------------------------------------------- feeds and spreadsheets
def plan_ics(outreach: Outreach, visits: Sequence[Visit], name: str, written: dict[str, bytes]) -> bytes:
    """A subscribable feed of visits; a visit's UID survives a re-plan that moves it. `written`
    keeps each visit's event for the next feed it is in."""
    project = outreach.project

    def event(v: Visit) -> bytes:
        if v.uid not in written:
            where = _where(v, project).replace(" · ", "")
            who = project.who(v.members)
            detail = f"{_purpose(v, project)[0]}；" + (f"{v.households} 户；" if v.households else "") + who
            start, end = (dt.datetime.combine(v.date, dt.time.fromisoformat(t)) for t in (v.slot.start, v.slot.end))
            written[v.uid] = ics.vevent(ics.Event(f"{v.uid}@{project.township.id}.wanjia", f"{v.kind}：{where}",
                                                  start, end, where, detail), outreach.year)
        return written[v.uid]

    return ics.calendar(name, "走村入户", (event(v) for v in visits))


AGENDA_HEADER = ("日期", "星期", "时段", "开始", "结束", "村（社区）", "网格或地点", "内容", "户数", "重点户", "人员",
                 "活动", "走访编号")


def _agenda_rows(outreach):
    project = outreach.project
    for v in outreach.plan.visits:
        village = project.village.get(v.village)
        place = project.grid[v.grid][1].name if v.grid else (v.place or "全村")
        yield (v.date.isoformat(), f"周{WEEKDAYS[v.date.weekday()]}", v.slot.name, v.slot.start, v.slot.end,
               village.name if village else "", place, v.kind, v.households, v.priority,
               project.who(v.members),
               _purpose(v, project)[0], v.uid)


def agenda_csv(outreach) -> bytes:
    """The office's agenda: one row per visit (no household data), for spreadsheets."""
    return csv_bytes(AGENDA_HEADER, _agenda_rows(outreach))


def agenda_xlsx(outreach) -> bytes:
    """The same agenda as an Excel workbook, plus each cadre's totals by kind of visit."""
    project, plan = outreach.project, outreach.plan
    kinds = sorted({v.kind for v in plan.visits})
    per_cadre: dict[str, dict[str, int]] = {c.id: defaultdict(int) for c in project.township.cadres}
    for v in plan.visits:
        for c in v.members:
            per_cadre[c][v.kind] += 1
    totals = [(c.name, c.unit, c.role, *(per_cadre[c.id][k] for k in kinds), sum(per_cadre[c.id].values()))
              for c in project.township.cadres if per_cadre[c.id]]
    sheets = {"走访安排": (AGENDA_HEADER, list(_agenda_rows(outreach))),
              "干部工作量": (("姓名", "单位", "角色", *kinds, "合计"), totals),
              "普法责任清单": (DUTIES_HEADER, list(_duty_rows(outreach))),
              "法治教育年度计划": (SCHOOL_PLAN_HEADER, list(_school_plan_rows(outreach)))}
    # Writing the workbook is most of its cost (12 s for a county); its rows are all it is made of.
    key = json.dumps([outreach.year, sheets], ensure_ascii=False, default=str)
    return project_cache(project.root).memo("xlsx", key, lambda: xlsx_bytes(sheets, outreach.year))


SCHOOL_PLAN_HEADER = ("学校", "法治副校长", "年份", "日期", "星期", "时机", "学段", "课程", "课时")


def _school_plan_rows(outreach):
    """Each school's 法治课 of the plan year and the next, as the school's own plan lists them."""
    project = outreach.project
    for school in project.township.schools:
        for year, lessons in ((outreach.year, outreach.plan.lessons(school.id)),
                              (outreach.year + 1, [v for v in outreach.next_lessons if v.school == school.id])):
            for v in lessons:
                lesson = project.lesson[v.lesson]
                yield (school.name, project.who([school.vice_principal]), year, v.date.isoformat(),
                       "周" + WEEKDAYS[v.date.weekday()], v.occasion, lesson.stage, lesson.title, lesson.periods)


# ---------------------------------------------------------------- 普法责任清单: who does what (谁执法谁普法)
DUTIES_HEADER = ("单位", "职责", "宣传活动", "主题", "时间", "活动安排")


def _duties(outreach) -> dict[str, list[tuple[str, object]]]:
    """Each unit's campaigns of the year, leading first: unit → [(牵头|配合, matched campaign)]."""
    out: dict[str, list[tuple[str, object]]] = defaultdict(list)
    for m in sorted(outreach.matched, key=lambda m: (m.windows[0].start if m.windows else dt.date.max, m.campaign.id)):
        out[m.campaign.lead].append(("牵头", m))
        for unit in m.campaign.partners:
            out[unit].append(("配合", m))
    return dict(sorted(out.items(), key=lambda kv: kv[0]))


def _duty_rows(outreach):
    project, totals = outreach.project, outreach.plan.totals()
    for unit, duties in _duties(outreach).items():
        for role, m in duties:
            c = m.campaign
            kinds = "、".join(f"{k} {n} 次" for k, n in sorted(totals.get(c.id, {}).items())
                             if k in {a.type for a in c.activities})
            yield (unit, role, c.title, "、".join(project.topic[t].name for t in c.topics),
                   "、".join(span_text(w) for w in m.windows) or "本年度没有可用的日子", kinds or "—")


def duties_page(outreach) -> str:
    """The year's 普法责任清单 per unit: the campaigns each leads or joins, their topics and dates."""
    here = "duties/index.md"
    project = outreach.project
    out = [frontmatter(f"{outreach.year} 年普法责任清单"), f"# {outreach.year} 年普法责任清单\n\n",
           f"按“谁执法谁普法”的要求，{escape(project.township.name)}各单位今年牵头或配合的法治宣传活动。",
           law_of_this_work(here, project), "\n\n",
           f"[下载 Excel（含本清单）]({link(here, 'calendar/agenda.xlsx')})\n"]
    rows = list(_duty_rows(outreach))
    for unit in dict.fromkeys(r[0] for r in rows):
        out.append(f"\n## {escape(unit)}\n\n")
        for _, role, title, topics, when, kinds in (r for r in rows if r[0] == unit):
            cid = next(m.campaign.id for m in outreach.matched if m.campaign.title == title)
            out.append(f"- **{role}** [{escape(title)}]({link(here, f'campaigns/{cid}.md')})：{escape(topics)}；"
                       f"{when}；{escape(kinds)}\n")
    return "".join(out)


# ---------------------------------------------------------------- internal: walk sheets and records
OUTCOMES = "☐已走访 ☐不在家 ☐拒绝 ☐已搬离"
PROBLEMS = "☐纠纷 ☐隐患 ☐求助"


def internal_pages(outreach: Outreach) -> dict[str, str | bytes]:
    """Walk sheets per campaign and village, with the register's households where there is one,
    and the records template (one row per household to visit) for `wanjia records import`."""
    plan, project = outreach.plan, outreach.project
    pages: dict[str, str | bytes] = {}
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for v in plan.visits:
        if v.kind == "入户走访":
            groups[(v.campaign, v.village)].append(v)
    index = [frontmatter("内部：入户走访登记表"), "# 入户走访登记表（内部）\n\n"
             "!!! danger \"内部资料\"\n    含农户姓名和门牌，只在镇村内部使用，不得上传公开网站或转发。\n\n"
             "[走访记录与考核](report/index.md)　[研判：下月往哪里推](report/yanpan.md)　"
             f"[没排下的走访（{len(plan.unplaced)} 处）](unplaced.md)\n\n"
             "走访记录导入模板：[Excel](records-template.xlsx)　[CSV](records-template.csv)。走访后按登记表填写，"
             "再用 `wanjia records import` 导入。\n\n"]
    for m in outreach.matched:
        mine = [(vid, vs) for (cid, vid), vs in groups.items() if cid == m.campaign.id]
        if not mine:
            continue
        index.append(f"## {escape(m.campaign.title)}\n\n")
        for vid, vs in mine:
            path = f"internal/walk/{m.campaign.id}/{vid}.md"
            pages[path] = walk_sheets(m, project.village[vid], vs, outreach)
            index.append(f"- [{escape(project.village[vid].name)}]({link('internal/index.md', path)})（{len(vs)} 张）\n")
        index.append("\n")
    pages["internal/index.md"] = "".join(index)
    pages["internal/unplaced.md"] = unplaced_page(outreach)
    pages["internal/records-template.csv"] = records_template(outreach)
    pages["internal/records-template.xlsx"] = records_template_xlsx(outreach)
    return pages


def walk_sheets(matched, village, visits, outreach: Outreach) -> str:
    project = outreach.project
    register = {h.id: h for hs in project.register.values() for h in hs}
    sheets = []
    for v in visits:
        listed = [register[h] for h in v.household_ids if h in register]
        rows = [{"door": h.door, "head": h.head, "flags": "、".join(h.flags)} if h else {"door": "", "head": "", "flags": ""}
                for h in (listed[i] if i < len(listed) else None for i in range(max(v.households, len(listed))))]
        sheets.append({"uid": v.uid, "grid": project.grid[v.grid][1].name, "rows": rows,
                       "who": project.who(v.members),
                       "when": f"{v.date.isoformat()}（周{WEEKDAYS[v.date.weekday()]}）{v.slot.name} {v.slot.start}—{v.slot.end}"})
    return (frontmatter(f"登记表：{village.name}", hide="[navigation, toc]")
            + '<p class="wj-print-bar"><button type="button" data-wj-print>打印全部登记表</button></p>\n\n'
            + render("walk_sheet.html", sheets=sheets, village=village.name, campaign=matched.campaign.title,
                     topics="、".join(project.topic[t].name for t in matched.campaign.topics),
                     carry="、".join(m.title for m in matched.materials[:MATERIALS_PER_VISIT]),
                     outcomes=OUTCOMES, problems=PROBLEMS))


def _template_rows(outreach):
    """One row per household of every door-to-door visit, filled with what the plan knows."""
    project = outreach.project
    register = {h.id: h for hs in project.register.values() for h in hs}
    for v in outreach.plan.visits:
        if v.kind != "入户走访":
            continue
        base = {"日期": v.date.isoformat(), "村（社区）": project.village[v.village].name,
                "网格": project.grid[v.grid][1].name, "干部": project.who(v.members),
                "走访编号": v.uid}
        for hid in v.household_ids:
            h = register[hid]
            yield [{**base, "户号": h.id, "门牌": h.door, "户主": h.head}.get(col, "") for col in RECORD_COLUMNS]
        if not v.household_ids:
            yield [base.get(col, "") for col in RECORD_COLUMNS]


def records_template(outreach) -> bytes:
    return csv_bytes(RECORD_COLUMNS, _template_rows(outreach))


def records_template_xlsx(outreach) -> bytes:
    return xlsx_bytes({"走访记录": (RECORD_COLUMNS, list(_template_rows(outreach)))}, outreach.year)
