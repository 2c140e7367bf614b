"""The assessment in the three forms its readers use: the terminal (`wanjia report`), the internal
site's report and 研判 pages with static SVG charts, and the XLSX laid out for the annual assessment.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from html import escape

from ..plan.assess import Assessment, Rise
from ..plan.records import INCIDENT_KINDS
from .pages import frontmatter, link
from ..content.tables import xlsx_bytes

COLORS = ("#00796b", "#e65100", "#6a1b9a", "#1565c0", "#ad1457", "#558b2f", "#4e342e", "#37474f", "#c62828", "#0277bd")


def _rate(t) -> str:
    return "—" if t.rate is None else f"{t.rate:.0%}"


def _recommend(rise: Rise, outreach, a: Assessment) -> str:
    """What to do next month about a rise, in one sentence an organizer can act on: bring forward
    a campaign that answers it and runs next month, or start a drive of its own."""
    project = outreach.project
    village = project.village[rise.village].name
    first = a.as_of + dt.timedelta(days=1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    soon = [cid for cid in rise.campaigns if any(w.end >= first and w.start <= last for m in outreach.matched
                                                    if m.campaign.id == cid for w in m.windows)]
    if soon:
        titles = "、".join(f"「{project.campaign[c].title}」" for c in soon)
        return f"下月在{village}把{titles}的入户往前排，先走出现{rise.kind}的网格"
    topics = "、".join(project.topic[t].name for t in rise.topics if t in project.topic)
    return f"下月在{village}开展{rise.kind}专项宣传（主题：{topics}），入户加院坝会"


# ---------------------------------------------------------------- terminal
def assessment_text(outreach, a: Assessment) -> str:
    project = outreach.project
    lines = [f"{project.township.name} 走访记录与研判（{a.start.isoformat()} 至 {a.as_of.isoformat()}）", "",
             f"记录 {sum(a.outcomes.values())} 条：" + "、".join(f"{k} {n}" for k, n in a.outcomes.most_common()), "",
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


# ---------------------------------------------------------------- charts
def stacked_months_svg(a: Assessment) -> str:
    """Township incidents in the twelve months up to as_of, stacked by category: what the 研判
    meeting looks at first."""
    y, m = a.as_of.year, a.as_of.month
    months = [((y * 12 + m - 1 - k) // 12, (y * 12 + m - 1 - k) % 12 + 1) for k in range(11, -1, -1)]
    kinds = [k for k in INCIDENT_KINDS if any(i.kind == k for i in a.incidents)]
    per: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for inc in a.incidents:
        per[inc.month][inc.kind] += inc.count
    top = max([sum(per[mo].values()) for mo in months] + [1])
    w, h, left, bottom = 340, 200, 28, 24
    bar = (w - left - 4) / 12
    parts = [f'<svg class="wj-chart" viewBox="0 0 {w} {h + 20 * ((len(kinds) + 3) // 4)}" role="img" '
             f'aria-label="近 12 个月各类案事件起数" xmlns="http://www.w3.org/2000/svg">']
    for k in range(0, top + 1, max(1, top // 4)):
        yy = h - bottom - (h - bottom - 10) * k / top
        parts.append(f'<line x1="{left}" x2="{w}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 4}" y="{yy + 4:.1f}" font-size="10" text-anchor="end">{k}</text>')
    for i, month in enumerate(months):
        x, yy = left + i * bar, h - bottom
        for ci, kind in enumerate(kinds):
            n = per[month][kind]
            if n:
                hh = (h - bottom - 10) * n / top
                yy -= hh
                parts.append(f'<rect x="{x + 2:.1f}" y="{yy:.1f}" width="{bar - 4:.1f}" height="{hh:.1f}" '
                             f'fill="{COLORS[ci % len(COLORS)]}"><title>{month[0]} 年 {month[1]} 月{kind} {n} 起</title></rect>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{h - bottom + 14}" font-size="10" text-anchor="middle">{month[1]}月</text>')
    for ci, kind in enumerate(kinds):
        x, yy = 4 + (ci % 4) * 84, h + 8 + 20 * (ci // 4)
        parts.append(f'<rect x="{x}" y="{yy}" width="12" height="12" fill="{COLORS[ci % len(COLORS)]}"/>'
                     f'<text x="{x + 16}" y="{yy + 11}" font-size="11">{kind}</text>')
    parts.append("</svg>")
    return "".join(parts)


def rise_svg(rise: Rise, village_name: str) -> str:
    """One village's monthly counts of one category, this month in red."""
    n = len(rise.series)
    w, h, bottom = 340, 110, 20
    top = max(rise.series + [1])
    bar = (w - 8) / max(n, 1)
    parts = [f'<svg class="wj-chart" viewBox="0 0 {w} {h}" role="img" xmlns="http://www.w3.org/2000/svg" '
             f'aria-label="{village_name}{rise.kind}各月起数">']
    for i, count in enumerate(rise.series):
        hh = (h - bottom - 16) * count / top
        x, y = 4 + i * bar, h - bottom - hh
        color = "#c62828" if i == n - 1 else "#90a4ae"
        parts.append(f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{bar - 4:.1f}" height="{hh:.1f}" fill="{color}"/>'
                     f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" font-size="10" text-anchor="middle">{count}</text>'
                     f'<text x="{x + bar / 2:.1f}" y="{h - 6}" font-size="10" text-anchor="middle">{rise.months[i][1]}月</text>')
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------- internal pages
def _table(head: tuple, rows: list[tuple]) -> str:
    return ("| " + " | ".join(head) + " |\n|" + "---|" * len(head) + "\n"
            + "".join("| " + " | ".join(str(c) for c in row) + " |\n" for row in rows))


def report_pages(outreach, a: Assessment, pages: dict) -> None:
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
    out.append("\n## 各干部\n\n" + _table(("干部", "应走次数", "记录条数", "走到户数"), [
        (escape(project.cadre[c].name), t.planned, t.records, t.reached) for c, t in a.cadres.items()]))
    out.append(f"\n## 逾期未记录的走访（{len(a.overdue)} 次）\n\n" + ("".join(
        f"- {v.date.isoformat()} {v.slot.name} {escape(project.village[v.village].name)}"
        f"{escape(project.grid[v.grid][1].name)}（{'、'.join(project.cadre[c].name for c in v.members)}）\n"
        for v in a.overdue[:200]) or "没有。\n"))
    out.append(f"\n## 未来 7 天要走（{len(a.upcoming)} 次）\n\n" + ("".join(
        f"- {v.date.isoformat()} {v.slot.name} {escape(project.village.get(v.village).name if project.village.get(v.village) else v.place)}"
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
    pages["internal/report/index.md"] = "".join(out)
    pages["internal/report/yanpan.md"] = yanpan_page(outreach, a)
    pages["internal/report/assessment.xlsx"] = assessment_xlsx(outreach, a)


def yanpan_page(outreach, a: Assessment) -> str:
    project = outreach.project
    here = "internal/report/yanpan.md"
    out = [frontmatter("研判：下月往哪里推"), f"# 研判：{a.as_of.year} 年 {a.as_of.month} 月\n\n"
           "按各村每月上报的矛盾纠纷和案事件起数，找出本月明显上升的村和类别，"
           f"提出下月的宣传重点（上升：本月不少于 2 起，且不低于前三个月平均的 1.5 倍）。\n\n"]
    if not a.incidents:
        return "".join(out) + "还没有案事件数据：把综治信息系统导出的月度统计放到 data/incidents.csv。\n"
    out.append("## 全镇近 12 个月的案事件\n\n" + stacked_months_svg(a) + "\n\n")
    if not a.rises:
        out.append("本月没有明显上升的类别。\n")
    for rise in a.rises:
        village = project.village[rise.village]
        topics = set(rise.topics)
        materials = [m for m in project.materials if topics & set(m.topics)][:3]
        out.append(f"## {escape(village.name)}：{rise.kind}\n\n" + rise_svg(rise, village.name) + "\n\n"
                   f"**依据**：{rise.evidence}。  \n**建议**：{escape(_recommend(rise, outreach, a))}。  \n"
                   + ("**带的资料**：" + "、".join(f"[{escape(m.title)}]({link(here, m.src)})" for m in materials)
                      + "\n\n" if materials else "\n"))
    return "".join(out)


def assessment_xlsx(outreach, a: Assessment) -> bytes:
    """The annual assessment workbook: one sheet per thing the 考核 asks about."""
    project = outreach.project

    def rows(table, name):
        return [(name(k), t.planned, t.reached, round(t.rate * 100, 1) if t.rate is not None else "")
                for k, t in table.items() if t.planned or t.records]
    head = ("名称", "应走户数", "已走到户数", "完成率%")
    return xlsx_bytes({
        "活动完成情况": (head, rows(a.campaigns, lambda k: project.campaign[k].title)),
        "村（社区）": (head, rows(a.villages, lambda k: project.village[k].name)),
        "网格": (head, rows(a.grids, lambda k: project.grid[k][1].name)),
        "干部": (("干部", "单位", "应走次数", "记录条数", "走到户数"),
               [(project.cadre[c].name, project.cadre[c].unit, t.planned, t.records, t.reached)
                for c, t in a.cadres.items()]),
        "逾期走访": (("日期", "时段", "村（社区）", "网格", "人员"),
                 [(v.date.isoformat(), v.slot.name, project.village[v.village].name, project.grid[v.grid][1].name,
                   "、".join(project.cadre[c].name for c in v.members)) for v in a.overdue]),
        "待跟进": (("日期", "村（社区）", "网格", "门牌", "问题类别", "说明"),
                [(r.date.isoformat(), project.village[r.village].name, project.grid[r.grid][1].name, r.door,
                  "、".join(r.problems), r.note) for r in a.follow_ups]),
        "研判": (("村（社区）", "类别", "本月起数", "前三月平均", "建议"),
               [(project.village[r.village].name, r.kind, r.count, round(r.before, 1), _recommend(r, outreach, a))
                for r in a.rises]),
    }, a.as_of.year)
