"""Stage: turn the Project (and later the Plan) into site pages, as Markdown.

Pure functions from records to text: nothing here reads files or knows the site engine. Links are
relative `.md` paths so that the engine checks every one of them at build time.
"""
from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
from html import escape

from ..cache import NO_CACHE, Cache
from ..content.laws import article_label
from ..content.model import STAGES, Lesson, Material, Project
from ..plan.match import Matched, campaigns_for_village, in_season
from . import lessondocs, yearview
from .inputs import Outreach, ScheduleSections
from .templates import render
from .text import KIND_NAMES, WEEKDAYS, frontmatter, json_in_html, law_of_this_work, link, md, page_url, span_text

# The site's menu: fixed, so its size never grows with the number of pages.
NAV = [
    {"首页": "index.md"},
    {"宣传资料": "materials/index.md"},
    {"按主题找": "topics/index.md"},
    {"按对象找": "audiences/index.md"},
    {"宣传活动": "campaigns/index.md"},
    {"普法责任清单": "duties/index.md"},
    {"宣传日历": "calendar/index.md"},
    {"村（社区）": "villages/index.md"},
    {"我的走访安排": "cadres/index.md"},
    {"法治课": "lessons/index.md"},
    {"学校": "schools/index.md"},
]

# The lines every page's help box gives (their names from data/hotlines.yml); a township adds its
# own offices in data/township.yml `contact`.
GENERAL_LINES = ("12348", "110", "119", "12333", "12345")


def _chips(here: str, project: Project, topics=(), audiences=()) -> str:
    parts = [f'[{escape(project.topic[t].name)}]({link(here, f"topics/{t}.md")}){{ .wj-chip }}' for t in topics]
    parts += [f'[{escape(project.audience[a].name)}]({link(here, f"audiences/{a}.md")}){{ .wj-chip .wj-aud }}'
              for a in audiences]
    return " ".join(parts)


def _material_list(here: str, materials, project: Project) -> str:
    if not materials:
        return "暂无资料。\n"
    return "\n".join(f"- [{escape(m.title)}]({link(here, m.src)})  \n  {escape(m.summary)}" for m in materials) + "\n"


def _lesson_list(here: str, lessons) -> str:
    return "\n".join(f"- [{escape(le.title)}]({link(here, le.src)})（{le.stage}，{le.periods} 课时）"
                     for le in lessons) + "\n"


def _campaign_list(here: str, campaigns) -> str:
    return "\n".join(f"- [{escape(c.title)}]({link(here, f'campaigns/{c.id}.md')})" for c in campaigns) + "\n"


def _season_block(here: str, outreach: Outreach, audiences: tuple[str, ...] = ()) -> str:
    """这个时节用得上的资料: the year's stretches of days, each with its best materials; the phone's
    own date picks one (wanjia.js), so the page is the same whatever day it is built. Compact: days
    from 1 January, and each material's title and address once."""
    project = outreach.project
    stretches = in_season(outreach.plan_year.seasons, project, audiences)
    if not stretches:
        return ""
    used = sorted({mid for *_, ids in stretches for mid in ids})
    index = {mid: i for i, mid in enumerate(used)}
    first = dt.date(outreach.year, 1, 1)
    data = {"y": outreach.year,
            "s": [[(a - first).days, (b - a).days + 1, [index[mid] for mid in ids]] for a, b, ids in stretches],
            "m": [[project.material[mid].title, page_url(here, project.material[mid].src)] for mid in used]}
    return ('<section class="wj-season" data-wj-season hidden>\n<h2 id="season">这个时节用得上的资料</h2>\n'
            f'<ul data-wj-season-list></ul>\n<script type="application/json">{json_in_html(data)}</script>\n'
            "</section>\n\n")


def _help_box(project: Project) -> str:
    rows = "\n".join(f"    - **{h.number}** {escape(h.name)}" for n in GENERAL_LINES if (h := project.hotline.get(n)))
    return (f'!!! tip "常用求助电话"\n{rows}\n    - {escape(project.township.contact)}\n'
            "    - 各村（社区）人民调解委员会：调解不收费\n")


# ---------------------------------------------------------------- pages
def site_pages(outreach: Outreach, sections: ScheduleSections, cache: Cache = NO_CACHE) -> dict[str, str | bytes]:
    """Every page of the site but the plan's own (agenda.py) and the internal reports: docs-relative
    path → Markdown (or a feed's bytes). The village and campaign pages carry the schedule
    `sections` agenda.py writes for them; materials and lessons get their header and footer."""
    project = outreach.project
    pages: dict[str, str | bytes] = {"index.md": home(outreach), "materials/index.md": materials_index(project),
             "calendar/index.md": yearview.calendar_page(outreach), "calendar/outreach.ics": yearview.outreach_ics(outreach),
             "search/index.md": search_page(project),
             "topics/index.md": topics_index(project), "audiences/index.md": audiences_index(project),
             "campaigns/index.md": campaigns_index(project), "villages/index.md": villages_index(project),
             "lessons/index.md": lessons_index(project), "schools/index.md": schools_index(project),
             "offline/index.md": offline_page()}
    for g in project.groups:
        if any(m.group == g.id for m in project.materials):
            pages[f"materials/{g.id}/index.md"] = group_page(g, project)
    for t in project.topics:
        pages[f"topics/{t.id}.md"] = topic_page(t.id, project)
    for a in project.audiences:
        pages[f"audiences/{a.id}.md"] = audience_page(a.id, project)
    for m in outreach.matched:
        pages[f"campaigns/{m.campaign.id}.md"] = campaign_page(m, outreach) + sections.campaign[m.campaign.id]
    for v in project.township.villages:
        pages[f"villages/{v.id}.md"] = village_page(v.id, project) + sections.village[v.id]
    for school in project.township.schools:
        pages[f"schools/{school.id}.md"] = school_page(school, outreach)
        pages[f"print/school-{school.id}.md"] = school_plan_sheet(school, outreach)
    feet = {m.id: sheet_foot(m, outreach, cache) for m in project.materials}  # each QR code drawn once
    sheets = {m.id: sheet_body(m, feet[m.id]) for m in project.materials}
    for matched in outreach.matched:
        pages[f"print/campaign-{matched.campaign.id}.md"] = print_bundle(matched, sheets)
    for material in project.materials:
        pages[material.src] = material_page(material, outreach, feet[material.id])
    lessondocs.prefetch(list(project.lessons), project.township.name, cache)
    for le in project.lessons:
        files = lessondocs.lesson_files(le, project.township.name, cache)
        pages[le.src] = lesson_page(le, outreach, files)
        pages.update((path, data) for path, (_, data) in files.items())
    return pages


def home(outreach: Outreach) -> str:
    project = outreach.project
    t = project.township
    here = "index.md"
    groups = []
    for g in project.groups:
        count = sum(1 for m in project.materials if m.group == g.id)
        if count:
            groups.append(f"-   [**{escape(g.name)}**]({link(here, f'materials/{g.id}/index.md')})  \n    {count} 份资料")
    return (frontmatter(f"{t.name}平安法治进万家", hide="[toc]")
            + f"# {escape(t.name)} 平安法治进万家\n\n"
            "在门口遇到村民的问题，用他说的话搜一搜；或者按遇到的事情找资料。\n{ .wj-lead }\n\n"
            + _search_form(link(here, "search/index.md").removesuffix("index.md")) + "\n\n"
            + _season_block(here, outreach) +
            "## 按遇到的事情找\n\n"
            '<div class="grid cards" markdown>\n\n' + "\n".join(groups) + "\n\n</div>\n\n"
            "## 宣传活动\n\n" + _campaign_list(here, project.campaigns) + "\n"
            f"## 更多\n\n- [{project.calendar.year} 年宣传日历]({link(here, 'calendar/index.md')})\n"
            f"- [按宣传对象找资料]({link(here, 'audiences/index.md')})\n"
            f"- [各村（社区）包村工作组]({link(here, 'villages/index.md')})\n"
            f"- [学校法治课]({link(here, 'lessons/index.md')})\n"
            '- <a href="wanjia-offline.zip" download>下载离线包</a>：拷到 U 盘或手机上，不联网也能看\n\n'
            + _help_box(project))


def offline_page() -> str:
    """What the service worker shows for a page never opened while there was a network."""
    return (frontmatter("离线", hide="[navigation, toc]") + "# 离线：这一页还没有存到手机上\n\n"
            "现在没有网络。有网络时打开过的页面都存在手机上，可以照常看：\n\n"
            '<ul data-wj-saved><li>（正在查找……）</li></ul>\n\n'
            "回到有信号的地方再打开这一页，它也会存下来。\n")


INDEX_SHOWN = 8  # materials per group on the index: its size stays the same for a county's 1,500


def materials_index(project: Project) -> str:
    here = "materials/index.md"
    out = [frontmatter("宣传资料"), "# 宣传资料\n\n按村民遇到的事情分组。每份资料都可以打印成一页明白纸。\n"]
    for g in project.groups:
        items = [m for m in project.materials if m.group == g.id]
        if items:
            group_page = f"materials/{g.id}/index.md"
            more = (f"\n[{escape(g.name)}：全部 {len(items)} 份]({link(here, group_page)}){{ .md-button }}\n"
                    if len(items) > INDEX_SHOWN else "")
            out.append(f"\n## [{escape(g.name)}]({link(here, group_page)}) {{ #{g.id} }}\n\n"
                       + _material_list(here, items[:INDEX_SHOWN], project) + more)
    return "".join(out)


def group_page(g, project: Project) -> str:
    here = f"materials/{g.id}/index.md"
    items = [m for m in project.materials if m.group == g.id]
    return (frontmatter(g.name) + f"# {escape(g.name)}\n\n{len(items)} 份资料。\n\n"
            + _material_list(here, items, project))


def topics_index(project: Project) -> str:
    here = "topics/index.md"
    out = [frontmatter("按主题找"), "# 按主题找\n"]
    for g in project.groups:
        topics = [t for t in project.topics if t.group == g.name]
        if topics:
            out.append(f"\n## {escape(g.name)}\n\n")
            out.extend(f"- [{escape(t.name)}]({link(here, f'topics/{t.id}.md')})"
                       f"（{sum(1 for m in project.materials if t.id in m.topics)} 份资料）\n" for t in topics)
    return "".join(out)


def topic_page(topic_id: str, project: Project) -> str:
    here = f"topics/{topic_id}.md"
    t = project.topic[topic_id]
    materials = [m for m in project.materials if topic_id in m.topics]
    lessons = [le for le in project.lessons if topic_id in le.topics]
    campaigns = [c for c in project.campaigns if topic_id in c.topics]
    out = [frontmatter(t.name), f"# {escape(t.name)}\n\n"]
    if t.keywords:
        out.append(f"村民常说：{'、'.join(escape(k) for k in t.keywords)}\n{{ .wj-muted }}\n\n")
    out.append("## 资料\n\n" + _material_list(here, materials, project))
    if lessons:
        out.append("\n## 法治课\n\n" + _lesson_list(here, lessons))
    if campaigns:
        out.append("\n## 相关宣传活动\n\n" + _campaign_list(here, campaigns))
    return "".join(out)


def audiences_index(project: Project) -> str:
    here = "audiences/index.md"
    return (frontmatter("按对象找") + "# 按宣传对象找\n\n"
            + "".join(f"- [{escape(a.name)}]({link(here, f'audiences/{a.id}.md')})"
                      f"（{sum(1 for m in project.materials if a.id in m.audiences)} 份资料）\n"
                      for a in project.audiences))


def audience_page(audience_id: str, project: Project) -> str:
    here = f"audiences/{audience_id}.md"
    a = project.audience[audience_id]
    materials = [m for m in project.materials if audience_id in m.audiences]
    campaigns = [c for c in project.campaigns if audience_id in c.audiences]
    out = [frontmatter(a.name), f"# 给{escape(a.name)}的资料\n\n", _material_list(here, materials, project)]
    if campaigns:
        out.append("\n## 相关宣传活动\n\n" + _campaign_list(here, campaigns))
    return "".join(out)


def campaigns_index(project: Project) -> str:
    here = "campaigns/index.md"
    out = [frontmatter("宣传活动"), "# 宣传活动\n\n"]
    for c in project.campaigns:
        out.append(f"## [{escape(c.title)}]({link(here, f'campaigns/{c.id}.md')})\n\n"
                   f"{escape(c.goal)}\n\n牵头：{c.lead}　覆盖：{len(project.campaign_villages(c))} 个村（社区）\n\n")
    return "".join(out)


def describe_window(w: dict) -> str:
    """A window expression in the words it was written in."""
    if w.get("around"):
        return f"{w['around']}前 {w['before']} 天至后 {w['after']} 天"
    if w.get("period"):
        return f"{w['period']}期间"
    if w.get("from"):
        return f"{w['from']} 至 {w['to']}"
    return "、".join(f"{m} 月" for m in w.get("months") or ())


def campaign_page(m: Matched, outreach) -> str:
    c, project = m.campaign, outreach.project
    here = f"campaigns/{c.id}.md"
    villages = project.campaign_villages(c)
    windows = "；".join(describe_window(w) for w in c.when)
    avoid = f"（避开：{'、'.join(c.avoid)}）" if c.avoid else ""
    dates = "、".join(span_text(w) for w in m.windows) or "本年度没有可用的日子"
    activity_rows = "\n".join(
        f"| {a.type} | {a.describe_target} | "
        f"{a.visits_per_household} | {escape(a.note) or '—'} |" for a in c.activities)
    village_links = "、".join(f"[{escape(v.name)}]({link(here, f'villages/{v.id}.md')})" for v in villages)
    return _own_page(c.title, "campaign", f"# {escape(c.title)}\n\n"
            f"!!! abstract \"活动目标\"\n    {escape(c.goal)}\n\n"
            f"{_chips(here, project, c.topics, c.audiences)}\n\n"
            f"**时间**：{escape(windows)}{escape(avoid)}  \n"
            f"**{outreach.year} 年**：{dates}（共 {m.days} 天，[看日历]({link(here, 'calendar/index.md')})）  \n"
            f"**牵头单位**：{c.lead}" + (f"　**配合**：{'、'.join(c.partners)}" if c.partners else "")
            + f"（[普法责任清单]({link(here, 'duties/index.md')})）{law_of_this_work(here, project)}  \n"
            f"**覆盖**：{len(villages)} 个村（社区），{sum(v.households for v in villages)} 户\n\n"
            "## 活动形式\n\n| 形式 | 覆盖要求 | 每户次数 | 说明 |\n|---|---|---|---|\n"
            f"{activity_rows}\n\n"
            "## 要带的资料\n\n" + _material_list(here, m.materials, project) + "\n"
            + _season_block(here, outreach, c.audiences)
            + (f"\n## 相关法治课\n\n{_lesson_list(here, m.lessons)}" if m.lessons else "")
            + f"\n[打印这次活动的全部明白纸]({link(here, f'print/campaign-{c.id}.md')}){{ .md-button }}\n"
            + _related_block(here, outreach.related.get(f"campaign:{c.id}", []), m.materials)
            + f"\n## 覆盖的村（社区）\n\n{village_links}\n")


def _related_block(here: str, related, already) -> str:
    shown = {x.src for x in already}
    extra = [h for h in related if h.path not in shown]
    if not extra:
        return ""
    return "\n## 相关资料\n\n" + "".join(f"- [{escape(h.title)}]({link(here, h.path)})\n" for h in extra)


def villages_index(project: Project) -> str:
    here = "villages/index.md"
    rows = "\n".join(
        f"| [{escape(v.name)}]({link(here, f'villages/{v.id}.md')}) | {len(v.grids)} | {v.households} | "
        f"{v.rental} | {v.migrants} | {escape(project.who([v.team.leader]))} |"
        for v in project.township.villages)
    return (frontmatter("村（社区）") + "# 村（社区）\n\n每个村由一名党政领导和两名部门负责人包村。\n\n"
            "| 村（社区） | 网格 | 户数 | 出租户 | 流动人口 | 包村领导 |\n|---|--:|--:|--:|--:|---|\n"
            + rows + "\n")


def village_page(village_id: str, project: Project) -> str:
    here = f"villages/{village_id}.md"
    v = project.village[village_id]
    team = [project.cadre[c] for c in v.team.members]
    team_rows = "\n".join(f"| {'包村领导' if i == 0 else '包村部门负责人'} | {escape(c.name)} | {c.unit} |"
                          f" {escape(c.phone) if c.phone and c.phone_public else ''} |" for i, c in enumerate(team))
    grid_rows = "\n".join(f"| {escape(g.name)} | {g.households} | {g.rental} | {g.migrants} |" for g in v.grids)
    schools = [s for s in project.township.schools if s.village == village_id]
    out = [frontmatter(v.name), f"# {escape(v.name)}\n\n",
           f"{len(v.grids)} 个网格，{v.households} 户；出租房屋 {v.rental} 户，流动人口 {v.migrants} 人。\n\n",
           "## 包村工作组\n\n| 分工 | 姓名 | 单位 | 工作电话 |\n|---|---|---|---|\n", team_rows, "\n\n",
           "## 网格\n\n| 网格 | 户数 | 出租户 | 流动人口 |\n|---|--:|--:|--:|\n", grid_rows, "\n\n",
           "## 宣传活动\n\n", _campaign_list(here, campaigns_for_village(village_id, project)) or "暂无。\n"]
    if schools:
        out.append("\n## 学校\n\n" + "".join(f"- {escape(s.name)}\n" for s in schools))
    return "".join(out)


def lessons_index(project: Project) -> str:
    here = "lessons/index.md"
    out = [frontmatter("法治课"), "# 法治课\n\n按学段分，每课一个课时，供法治副校长和老师使用。\n"]
    for stage in STAGES:
        lessons = [le for le in project.lessons if le.stage == stage]
        out.append(f"\n## {stage}\n\n" + (_lesson_list(here, lessons) if lessons else "暂无。\n"))
    return "".join(out)


def schools_index(project: Project) -> str:
    here = "schools/index.md"
    out = [frontmatter("学校"), "# 学校与法治副校长\n\n",
           "按《中小学法治副校长聘任与管理办法》，法治副校长每年在学校承担或组织不少于 4 课时法治教育。\n\n",
           "| 学校 | 学段 | 法治副校长 |\n|---|---|---|\n"]
    for s in project.township.schools:
        vp = project.cadre[s.vice_principal]
        out.append(f"| [{escape(s.name)}]({link(here, f'schools/{s.id}.md')}) | {'、'.join(s.stages)} | "
                   f"{escape(vp.name)}（{vp.unit}） |\n")
    return "".join(out)


def school_year_table(here: str, project: Project, lessons) -> str:
    """A school's 法治课 of one year as a table: date, occasion, stage, lesson."""
    rows = "".join(f"| {md(v.date)}（周{WEEKDAYS[v.date.weekday()]}） | {escape(v.occasion)} | "
                   f"{project.lesson[v.lesson].stage} | [{escape(project.lesson[v.lesson].title)}]"
                   f"({link(here, project.lesson[v.lesson].src)}) |\n" for v in lessons if v.lesson)
    return "| 日期 | 时机 | 学段 | 课程 |\n|---|---|---|---|\n" + rows


def school_page(school, outreach: Outreach) -> str:
    here = f"schools/{school.id}.md"
    project = outreach.project
    vp = project.cadre[school.vice_principal]
    years = ((outreach.year, outreach.plan.lessons(school.id)),
             (outreach.year + 1, [v for v in outreach.next_lessons if v.school == school.id]))
    out = [frontmatter(school.name), f"# {escape(school.name)}\n\n",
           f"**学段**：{'、'.join(school.stages)}　**法治副校长**：{escape(vp.name)}（{vp.unit}）",
           f"{law_of_this_work(here, project)}\n\n",
           "法治课都排在学期中的上课日上午，避开考试周、节假日和法治副校长的会议、值班、请假；"
           "同一节课两年内不重复。\n\n"]
    for year, lessons in years:
        provisional = "（放假安排以国务院办公厅通知为准，日子可能调整）" if year != outreach.year else ""
        out.append(f"## {year} 年法治课安排（{len(lessons)} 课时）\n\n{provisional}\n\n"
                   + school_year_table(here, project, lessons) + "\n")
    out.append(f"[打印法治教育年度计划]({link(here, f'print/school-{school.id}.md')}){{ .md-button }}　"
               f"[订阅到手机日历]({link(here, 'calendar/outreach.ics')})\n")
    return "".join(out)


def school_plan_sheet(school, outreach: Outreach) -> str:
    """The school's 法治教育年度计划 for its files: both years on one printed page."""
    here = f"print/school-{school.id}.md"
    project = outreach.project
    vp = project.cadre[school.vice_principal]
    out = [frontmatter(f"法治教育年度计划：{school.name}", hide="[navigation, toc]"),
           '<p class="wj-print-bar"><button type="button" data-wj-print>打印年度计划</button></p>\n\n',
           f"# {escape(school.name)}法治教育年度计划\n\n",
           f"法治副校长：{escape(vp.name)}（{vp.unit}）　学段：{'、'.join(school.stages)}　"
           f"每年不少于 4 课时（《中小学法治副校长聘任与管理办法》）\n\n"]
    for year, lessons in ((outreach.year, outreach.plan.lessons(school.id)),
                          (outreach.year + 1, [v for v in outreach.next_lessons if v.school == school.id])):
        out.append(f"## {year} 年（{len(lessons)} 课时）\n\n" + school_year_table(here, project, lessons) + "\n")
    out.append(f"{escape(project.township.name)}　制表：{escape(project.township.contact)}\n")
    return "".join(out)


# ---------------------------------------------------------------- site search
def page_record(project: Project, src: str):
    """(kind, record) of a material, lesson or campaign page, else None."""
    stem = posixpath.splitext(posixpath.basename(src))[0]
    for kind, table in (("material", project.material), ("lesson", project.lesson)):
        record = table.get(stem)
        if record is not None and record.src == src:
            return kind, record
    if src.startswith("campaigns/") and stem in project.campaign:
        return "campaign", project.campaign[stem]
    return None


def _search_form(action: str) -> str:
    return (f'<form class="wj-search-page" action="{action}" role="search">'
            '<input type="search" name="q" aria-label="搜索" placeholder="用村民的话搜，如：工钱要不回来">'
            '<button type="submit">搜索</button></form>')


def search_page(project: Project) -> str:
    return (frontmatter("搜索", hide="[toc]") + "# 搜索\n\n" + _search_form("./") + "\n\n"
            "可以直接说村民的原话，比如“包工头跑了，工钱找谁要”“过年打牌犯法吗”。\n{ .wj-muted }\n")


# ---------------------------------------------------------------- the township's own pages, decorated
def _own_page(title: str, kind: str, body: str) -> str:
    """A hand-written page as the engine renders it: its title and kind (the theme wraps a
    material for its print layout) as front matter (JSON is YAML), then the Markdown."""
    meta = json.dumps({"title": title, "wanjia": {"kind": KIND_NAMES[kind]}}, ensure_ascii=False, sort_keys=True)
    return f"---\n{meta}\n---\n\n{body}"


def material_page(m: Material, outreach: Outreach, foot: str = "") -> str:
    """A material, which printed is its 明白纸: the print style keeps the title, the point, the
    sections marked wj-on-sheet and the sheet's foot (hidden on screen), and nothing else."""
    return _own_page(m.title, "material",
                     material_header(m, outreach.project) + _mark_sheet_sections(m.body)
                     + material_footer(m, outreach) + "\n" + foot)


SHEET_SECTIONS = ("遇到了怎么办", "去哪里求助")


def _mark_sheet_sections(body: str) -> str:
    """The sections a 明白纸 prints, each wrapped in <div class="wj-on-sheet">."""
    parts = re.split(r"(?m)^(?=## )", body)
    out = []
    for part in parts:
        title = part[3:].split("\n", 1)[0].strip() if part.startswith("## ") else ""
        out.append(f'<div class="wj-on-sheet" markdown>\n\n{part.rstrip()}\n\n</div>\n\n'
                   if title in SHEET_SECTIONS else part)
    return "".join(out)


def lesson_page(le: Lesson, outreach: Outreach, files: dict[str, tuple[str, bytes]]) -> str:
    return _own_page(le.title, "lesson",
                     lesson_header(le, outreach.project) + le.body + lesson_footer(le) + _take_along(le, files))


def _take_along(le: Lesson, files: dict[str, tuple[str, bytes]]) -> str:
    """The Word files a 法治副校长 takes into the classroom, saved under the names a school files them by."""
    saved = re.sub(r'[\\/:*?"<>|{}]', "", le.title)  # a file name Windows accepts
    links = "　".join(f'[{name}（Word）]({link(le.src, path)}){{ download="{saved}-{name}.docx" }}'
                     for path, (name, _) in files.items())
    return f"\n## 上课带的材料\n\n{links}\n"


def material_header(m: Material, project: Project) -> str:
    here = m.src
    badge = ("wj-ok", "已审核") if m.review.status == "已审核" else ("wj-pending", "待审核")
    by = f"　{escape(m.review.by)} {m.review.on or ''}" if m.review.by else ""
    return (f"# {escape(m.title)}\n\n"
            f'<span class="wj-badge {badge[0]}">{badge[1]}</span>{by}\n{{ .wj-review }}\n\n'
            f"!!! abstract \"一句话要点\"\n    {escape(m.summary)}\n\n"
            f"{_chips(here, project, m.topics, m.audiences)}\n\n")


def material_footer(m: Material, outreach) -> str:
    project = outreach.project
    out = []
    if m.citations:
        out.append("\n## 法律依据\n\n")
        for c in m.citations:
            arts = "、".join(article_label(a) for a in c.articles)
            texts = [outreach.laws.article(c.law, c.version, a) for a in c.articles]
            if any(texts):
                # The article's own words, folded away so the page stays short on a phone.
                body = "\n".join(f"    {escape(t).replace(chr(10), '<br>')}\n" for t in texts if t)
                out.append(f'??? quote "《{escape(c.law)}》（{c.version} 版）{arts}"\n{body}\n')
            else:
                out.append(f"- 《{escape(c.law)}》（{c.version} 版）{arts}\n")
    related = outreach.related.get(f"material:{m.id}")
    if related:
        out.append("\n## 相关资料\n\n" + "".join(f"- [{escape(h.title)}]({link(m.src, h.path)})\n" for h in related))
    out.append('\n<p class="wj-sheet-buttons"><button type="button" class="md-button" data-wj-print>打印明白纸</button>'
               ' <button type="button" class="md-button" data-wj-image hidden>生成图片（发微信群）</button></p>\n')
    out.append("\n" + _help_box(project))
    return "".join(out)


def lesson_footer(le: Lesson) -> str:
    """The quiz, drawn by templates/quiz.html."""
    if not le.quiz:
        return ""
    return "\n## 小测验\n\n" + render("quiz.html", items=le.quiz) + "\n"


def _section(body: str, title: str) -> str:
    """The Markdown of one `## title` section of a material."""
    m = re.search(rf"^## {re.escape(title)}\s*$(.*?)(?=^## |\Z)", body, flags=re.M | re.S)
    return m.group(1).strip() if m else ""


def qr_code(url: str):
    """The QR code of a page's address (segno). One fixed mask: trying all eight for the "best" was
    85 % of making a code, and any mask scans."""
    import segno

    return segno.make(url, error="m", mask=0)


def _qr_svg(url: str, cache: Cache) -> str:
    def make() -> bytes:
        import io

        out = io.BytesIO()
        qr_code(url).save(out, kind="svg", scale=3, border=1, xmldecl=False, svgns=True, nl=False,
                          title="扫码打开这份资料")
        return out.getvalue()

    return cache.memo("qr", url, make).decode("utf-8")


def sheet_foot(m: Material, outreach: Outreach, cache: Cache = NO_CACHE) -> str:
    """The foot of a material's 明白纸: the QR code to its public page (where the township has a
    public address), the township's office and the national lines."""
    project = outreach.project
    site = project.township.site_url
    qr = ""
    if site:
        url = site.rstrip("/") + "/" + m.src.removesuffix(".md") + "/"
        qr = f'<div class="wj-qr" data-url="{escape(url)}">{_qr_svg(url, cache)}<p>扫码看全文</p></div>'
    return render("sheet_foot.html", qr=qr, township=project.township.name, contact=project.township.contact,
                  badge="已审核" if m.review.status == "已审核" else "待审核")


def sheet_body(m: Material, foot: str) -> str:
    """A material's 明白纸 as one page of a campaign's bundle."""
    return render("sheet.html", title=m.title, summary=m.summary, steps=_section(m.body, "遇到了怎么办"),
                  help=_section(m.body, "去哪里求助"), foot=foot)


def print_bundle(matched: Matched, sheets: dict[str, str]) -> str:
    c = matched.campaign
    sheets_md = "\n".join(sheets[m.id] for m in matched.materials)
    return (frontmatter(f"资料包：{c.title}", hide="[navigation, toc]")
            + f'<p class="wj-print-bar"><button type="button" data-wj-print>打印全部 {len(matched.materials)} 张明白纸</button>'
              ' <button type="button" data-wj-image hidden>生成图片（发微信群）</button></p>\n\n'
            + sheets_md)


def lesson_header(le: Lesson, project: Project) -> str:
    here = le.src
    objectives = "\n".join(f"    - {escape(o)}" for o in le.objectives)
    return (f"# {escape(le.title)}\n\n"
            f"**学段**：{le.stage}　**课时**：{le.periods} × {le.minutes} 分钟\n\n"
            f"{_chips(here, project, le.topics)}\n\n"
            f'!!! note "教学目标"\n{objectives}\n\n')
