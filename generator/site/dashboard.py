"""The assessment in the three forms its readers use: the terminal (`wanjia report`), the internal
site's report and 研判 pages with static SVG charts, and the XLSX laid out for the annual assessment.
"""
from __future__ import annotations

import datetime as dt
from html import escape

from ..content.model import SOURCES
from ..content.tables import xlsx_bytes
from ..plan.almanac import month_span
from ..plan.assess import Assessment, Rise, Tally
from . import charts
from .inputs import Outreach
from .text import frontmatter, link, percent


def _rate(t) -> str:
    return percent(t.reached, t.planned)


def _recommend(rise: Rise, outreach, a: Assessment) -> str:
    """What to do next month about a rise, in one sentence an organizer can act on: bring forward
    a campaign that answers it and runs next month, or start a drive of its own."""
    project = outreach.project
    village = project.village[rise.village].name
    following = month_span((a.as_of + dt.timedelta(days=1)).year, (a.as_of + dt.timedelta(days=1)).month)
    first, last = following.start, following.end
    soon = [cid for cid in rise.campaigns if any(w.end >= first and w.start <= last for m in outreach.matched
                                                    if m.campaign.id == cid for w in m.windows)]
    if soon:
        titles = "、".join(f"「{project.campaign[c].title}」" for c in soon)
        return f"下月在{village}把{titles}的入户往前排，先走出现{rise.kind}的网格"
    topics = "、".join(project.topic[t].name for t in rise.topics if t in project.topic)
    return f"下月在{village}开展{rise.kind}专项宣传（主题：{topics}），入户加院坝会"


def _schools(project, a: Assessment):
    """Every school, with the 课时 due by now and the 课时 its records show (a school with no lesson
    due yet is listed too: the 考核 asks about each school)."""
    return [(s.name, a.schools.get(s.id, Tally())) for s in project.township.schools]


# ---------------------------------------------------------------- terminal
def assessment_text(outreach, a: Assessment) -> str:
    project = outreach.project
    lines = [f"{project.township.name} 走访记录与研判（{a.start.isoformat()} 至 {a.as_of.isoformat()}）", "",
             f"记录 {sum(a.outcomes.values())} 条：" + "、".join(f"{k} {n}" for k, n in a.outcomes.most_common())
             + (f"（手机上门录入 {a.sources['手机']} 条，纸质登记表导入 {a.sources['导入']} 条）" if a.outcomes else ""), "",
             "| 活动 | 应走户数 | 已走到 | 完成率 |", "|---|--:|--:|--:|"]
    for m in outreach.matched:
        t = a.campaigns.get(m.campaign.id)
        if t and (t.planned or t.records):
            lines.append(f"| {m.campaign.title} | {t.planned} | {t.reached} | {_rate(t)} |")
    lines += ["", "| 村（社区） | 应走户数 | 已走到 | 完成率 |", "|---|--:|--:|--:|"]
    for v in project.township.villages:
        t = a.villages.get(v.id)
        if t and (t.planned or t.records):
            lines.append(f"| {v.name} | {t.planned} | {t.reached} | {_rate(t)} |")
    lines += ["", "| 学校 | 应上课时 | 已上课时 | 完成率 |", "|---|--:|--:|--:|"]
    lines += [f"| {name} | {t.planned} | {t.reached} | {_rate(t)} |" for name, t in _schools(project, a)]
    lines.append(f"\n逾期未记录的走访：{len(a.overdue)} 次" + (
        "（" + "；".join(f"{v.date:%m-%d} {project.village[v.village].name}{project.grid[v.grid][1].name}"
                         for v in a.overdue[:5]) + ("……" if len(a.overdue) > 5 else "") + "）" if a.overdue else ""))
    lines.append(f"未来 7 天要走：{len(a.upcoming)} 次")
    if a.never_reached:
        lines.append("登记表里还没走到的户：" + "、".join(f"{project.grid[g][1].name} {len(hs)} 户"
                                                 for g, hs in a.never_reached.items()))
    lines.append(f"待跟进的问题：{len(a.follow_ups)} 件")
    for r in a.follow_ups[:10]:
        lines.append(f"- {r.date:%m-%d} {project.village[r.village].name}{project.grid[r.grid][1].name} "
                     f"{'、'.join(r.problems) or '问题'}：{r.note or '（未写说明）'}")
    if a.signs:
        lines.append("\n需要核实的记录：")
        lines += [f"- {s}" for s in a.signs]
    if a.rises:
        lines.append("\n研判（本月上升的案事件）：")
        for rise in a.rises:
            lines.append(f"- {project.village[rise.village].name} {rise.kind}：{rise.evidence}。建议：{_recommend(rise, outreach, a)}")
    elif a.incidents:
        lines.append("\n研判：本月没有明显上升的案事件类别。")
    return "\n".join(lines)


# ---------------------------------------------------------------- internal pages
def _table(head: tuple, rows: list[tuple]) -> str:
    return ("| " + " | ".join(head) + " |\n|" + "---|" * len(head) + "\n"
            + "".join("| " + " | ".join(str(c) for c in row) + " |\n" for row in rows))


def report_pages(outreach: Outreach, a: Assessment) -> dict[str, str | bytes]:
    project = outreach.project
    here = "internal/report/index.md"
    month = f"{a.as_of.year} 年 {a.as_of.month} 月"
    out = [frontmatter(f"走访记录与考核（{month}）"), f"# 走访记录与考核\n\n"
           f"{a.start.isoformat()} 至 {a.as_of.isoformat()}，记录 {sum(a.outcomes.values())} 条："
           + "、".join(f"{k} {n}" for k, n in a.outcomes.most_common()) + "。"
           f"[研判：下月往哪里推]({link(here, 'internal/report/yanpan.md')})　"
           f"[年度考核表（Excel）]({link(here, 'internal/report/assessment.xlsx')})\n\n"]
    out.append("## 各活动完成情况\n\n" + _table(("活动", "应走户数", "已走到", "完成率"), [
        (escape(m.campaign.title), t.planned, t.reached, _rate(t)) for m in outreach.matched
        if (t := a.campaigns.get(m.campaign.id)) and (t.planned or t.records)]))
    out.append("\n## 各村（社区）\n\n" + _table(("村（社区）", "应走户数", "已走到", "完成率"), [
        (f"[{escape(v.name)}]({link(here, f'villages/{v.id}.md')})", t.planned, t.reached, _rate(t))
        for v in project.township.villages if (t := a.villages.get(v.id)) and (t.planned or t.records)]))
    out.append("\n## 各网格\n\n" + _table(("网格", "应走户数", "已走到", "完成率"), [
        (escape(project.grid[g][1].name), t.planned, t.reached, _rate(t)) for g, t in a.grids.items()
        if t.planned or t.records]))
    out.append("\n## 各学校法治课（课时）\n\n" + _table(("学校", "应上课时", "已上课时", "完成率"), [
        (escape(name), t.planned, t.reached, _rate(t)) for name, t in _schools(project, a)]))
    out.append("\n## 各干部\n\n" + _table(("干部", "应走次数", "记录条数", "走到户数"), [
        (escape(project.who([c])), t.planned, t.records, t.reached) for c, t in a.cadres.items()]))
    out.append(f"\n## 逾期未记录的走访（{len(a.overdue)} 次）\n\n" + ("".join(
        f"- {v.date.isoformat()} {v.slot.name} {escape(project.village[v.village].name)}"
        f"{escape(project.grid[v.grid][1].name)}（{project.who(v.members)}）\n"
        for v in a.overdue[:200]) or "没有。\n"))
    out.append(f"\n## 未来 7 天要走（{len(a.upcoming)} 次）\n\n" + ("".join(
        f"- {v.date.isoformat()} {v.slot.name} {escape(village.name if (village := project.village.get(v.village)) else v.place)}"
        f" {v.kind}\n" for v in a.upcoming[:100]) or "没有。\n"))
    out.append("\n## 登记表里还没走到的户\n\n" + ("".join(
        f"??? note \"{escape(project.grid[g][1].name)}：{len(hs)} 户\"\n    "
        + "、".join(f"{escape(h.door)} {escape(h.head)}" + ("（重点户）" if h.priority else "") for h in hs) + "\n\n"
        for g, hs in a.never_reached.items()) or "都走到了。\n"))
    out.append(f"\n## 待跟进的问题（{len(a.follow_ups)} 件）\n\n" + ("".join(
        f"- {r.date.isoformat()} {escape(project.village[r.village].name)}{escape(project.grid[r.grid][1].name)} "
        f"{escape(r.door)} {escape(r.head)}：{'、'.join(r.problems) or '问题'} {escape(r.note)}\n"
        for r in a.follow_ups) or "没有。\n"))
    out.append("\n## 需要核实的记录\n\n" + ("".join(f"- {escape(s)}\n" for s in a.signs) or "没有发现异常。\n"))
    return {"internal/report/index.md": "".join(out), "internal/report/yanpan.md": yanpan_page(outreach, a),
            "internal/report/assessment.xlsx": assessment_xlsx(outreach, a)}


def yanpan_page(outreach, a: Assessment) -> str:
    project = outreach.project
    here = "internal/report/yanpan.md"
    out = [frontmatter("研判：下月往哪里推"), f"# 研判：{a.as_of.year} 年 {a.as_of.month} 月\n\n"
           "按各村每月上报的矛盾纠纷和案事件起数，找出本月明显上升的村和类别，"
           f"提出下月的宣传重点（上升：本月不少于 2 起，且不低于前三个月平均的 1.5 倍）。\n\n"]
    if not a.incidents:
        return "".join(out) + "还没有案事件数据：把综治信息系统导出的月度统计放到 data/incidents.csv。\n"
    out.append("## 全镇近 12 个月的案事件\n\n" + charts.stacked_months_svg(a) + "\n\n")
    if not a.rises:
        out.append("本月没有明显上升的类别。\n")
    for rise in a.rises:
        village = project.village[rise.village]
        topics = set(rise.topics)
        materials = [m for m in project.materials if topics & set(m.topics)][:3]
        out.append(f"## {escape(village.name)}：{rise.kind}\n\n" + charts.rise_svg(rise, village.name) + "\n\n"
                   f"**依据**：{rise.evidence}。  \n**建议**：{escape(_recommend(rise, outreach, a))}。  \n"
                   + ("**带的资料**：" + "、".join(f"[{escape(m.title)}]({link(here, m.src)})" for m in materials)
                      + "\n\n" if materials else "\n"))
    return "".join(out)


def assessment_xlsx(outreach, a: Assessment) -> bytes:
    """The annual assessment workbook: one sheet per thing the 考核 asks about."""
    project = outreach.project

    def rows(table, name):
        return [(name(k), t.planned, t.reached, (t.reached * 1000 // t.planned) / 10 if t.planned else "")
                for k, t in table.items() if t.planned or t.records]
    head = ("名称", "应走户数", "已走到户数", "完成率%")
    return xlsx_bytes({
        "活动完成情况": (head, rows(a.campaigns, lambda k: project.campaign[k].title)),
        "村（社区）": (head, rows(a.villages, lambda k: project.village[k].name)),
        "网格": (head, rows(a.grids, lambda k: project.grid[k][1].name)),
        "学校法治课": (("学校", "应上课时", "已上课时", "完成率%"),
                  [(name, t.planned, t.reached, (t.reached * 1000 // t.planned) / 10 if t.planned else "")
                   for name, t in _schools(project, a)]),
        "干部": (("干部", "单位", "应走次数", "记录条数", "走到户数"),
               [(project.cadre[c].name, project.cadre[c].unit, t.planned, t.records, t.reached)
                for c, t in a.cadres.items()]),
        "逾期走访": (("日期", "时段", "村（社区）", "网格", "人员"),
                 [(v.date.isoformat(), v.slot.name, project.village[v.village].name, project.grid[v.grid][1].name,
                   project.who(v.members)) for v in a.overdue]),
        "待跟进": (("日期", "村（社区）", "网格", "门牌", "问题类别", "说明", "来源"),
                [(r.date.isoformat(), project.village[r.village].name, project.grid[r.grid][1].name, r.door,
                  "、".join(r.problems), r.note, r.source) for r in a.follow_ups]),
        "记录来源": (("来源", "条数"), [(s, a.sources[s]) for s in SOURCES]),
        "研判": (("村（社区）", "类别", "本月起数", "前三月平均", "建议"),
               [(project.village[r.village].name, r.kind, r.count, round(r.before, 1), _recommend(r, outreach, a))
                for r in a.rises]),
    }, a.as_of.year)
