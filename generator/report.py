"""Terminal reports: plain text for organizers — the calendar, the plan, search results, the law."""
from __future__ import annotations

from .content.model import ACTIVITY_TYPES, Project
from .plan.match import PlanYear
from .site.inputs import Outreach
from .site.text import KIND_NAMES, md, percent, span_text


def calendar_text(project: Project, the_year: PlanYear) -> str:
    cal, year = the_year.calendar, the_year.number
    lines = [f"{project.township.name} {year} 年宣传日历（农事区域：{cal.region}）",
             f"节假日来源：{cal.holiday_source or '无'}"]
    lines += [f"注意：{n}" for n in cal.notes]
    for month in range(1, 13):
        first, last = cal.month(month).start, cal.month(month).end

        def inside(spans, first=first, last=last):
            return [s for s in spans if s.clip(first, last)]
        lines.append(f"\n── {month} 月 " + "─" * 30)
        lines.append("  节气　" + "　".join(f"{md(d)} {n}" for d, n in cal.terms if d.month == month))
        fest = [f"{md(d)} {n}" for d, n in cal.festivals if d.month == month]
        if fest:
            lines.append("  节日　" + "　".join(fest))
        off = sorted(d for d in cal.holidays if d.month == month)
        if off:
            lines.append("  放假　" + "　".join(f"{md(d)} {cal.holidays[d]}" for d in off))
        work = sorted(d for d in cal.workdays if d.month == month)
        if work:
            lines.append("  调休上班　" + "　".join(md(d) for d in work))
        farming = [(n, s) for n, spans in cal.periods.items() for s in inside(spans) if s.kind == "农事"]
        if farming:
            lines.append("  农事　" + "　".join(f"{n}{'(忙)' if n in cal.busy else ''} {span_text(s)}" for n, s in farming))
        other = [(n, s) for n, spans in cal.periods.items() for s in inside(spans) if s.kind in ("返乡", "假期", "考试")]
        if other:
            lines.append("  时令　" + "　".join(f"{n} {span_text(s)}" for n, s in other))
        pub = inside(cal.publicity)
        if pub:
            lines.append("  宣传日　" + "　".join(f"{s.name} {span_text(s)}" for s in pub))
        for m in the_year.matched:
            for w in inside(m.windows):
                lines.append(f"  ▶ {m.campaign.title}　{span_text(w)}")
    return "\n".join(lines)


def search_text(answer, project) -> str:
    import re

    def plain(html: str) -> str:
        return re.sub(r"</?mark>", "", html.replace("<mark>", "【").replace("</mark>", "】"))
    lines = []
    if not answer.words:
        return "请输入要找的内容，比如“工钱要不回来”。"
    if not answer.hits:
        lines.append(f"没有找到和「{answer.query}」有关的内容。")
    elif answer.relaxed:
        lines.append(f"没有完全符合「{answer.query}」的内容，下面是部分相关的：")
    if answer.suggestions:
        lines.append("您是不是要找：" + "、".join(answer.suggestions))
    for i, h in enumerate(answer.hits, 1):
        topics = "、".join(project.topic[t].name for t in h.topics if t in project.topic)
        audiences = "、".join(project.audience[a].name for a in h.audiences if a in project.audience)
        lines.append(f"\n{i}. 【{KIND_NAMES.get(h.kind, h.kind)}】{h.title}")
        if topics or audiences:
            lines.append(f"   主题：{topics or '—'}　对象：{audiences or '—'}")
        lines.append(f"   {plain(h.snippet)}")
        if h.path:
            lines.append(f"   页面：{h.path.removesuffix('.md')}/")
    return "\n".join(lines)


def plan_text(outreach: Outreach) -> str:
    plan, project = outreach.plan, outreach.project
    lines = [f"{project.township.name} {plan.year} 年走村入户安排：共 {len(plan.visits)} 次", "",
             "| 活动 | 次数 | 入户（已排/目标） | 覆盖率 | 重点户 | 会议·集市·企业·学校 | 没排下 |",
             "|---|--:|--:|--:|--:|---|--:|"]
    totals = plan.totals()
    for m in outreach.matched:
        row = totals.get(m.campaign.id, {})
        planned = row.get("households", 0)
        wanted = planned + row.get("left", 0)
        rate = percent(planned, wanted)
        others = "、".join(f"{kind} {row[kind]}" for kind in ACTIVITY_TYPES[1:] if row.get(kind)) or "—"
        lines.append(f"| {m.campaign.title} | {row.get('visits', 0)} | {planned}/{wanted} | {rate} | "
                     f"{row.get('priority', 0)} | {others} | {row.get('misses', 0)} |")
    load: dict[str, int] = {}
    for v in plan.visits:
        for c in v.members:
            load[c] = load.get(c, 0) + 1
    if load:
        busiest = sorted(load.items(), key=lambda kv: -kv[1])[:3]
        lines.append("\n走访最多的干部：" + "、".join(f"{project.who([c])} {n} 次" for c, n in busiest))
    if plan.unplaced:
        lines.append("\n没排下的：")
        lines += [f"- {u.reason}" for u in plan.unplaced]
    return "\n".join(lines)


def law_text(library, name: str, version: str, articles: list, day) -> str:
    """A law's versions (with the day each takes effect and its source) and the asked articles."""
    from .content.laws import article_label

    lines = [f"《{name}》"]
    in_force = library.in_force(name, day)
    for v in library.versions(name):
        sources = "；".join(t.source + ("（摘录）" if t.partial and t.has_text else "") for t in library.texts(name, v))
        mark = "  ← " + f"{day} 施行的版本" if v == in_force else ""
        lines.append(f"  {v} 版，{library.effective(name, v)} 施行；{sources}{mark}")
    if r := library.repeal(name, version):
        lines.append(f"  已于 {r.on} 被《{r.by}》{article_label(r.article)}废止")
    for no in articles:
        text = library.article(name, version, no)
        lines.append("")
        lines.append(text if text else f"{article_label(no)}：{version} 版中没有这一条（或条文不在数据库中）")
    if not articles:
        last = library.last_article(name, version)
        lines.append(f"\n{version} 版共 {last[0] if last else '?'} 条；加上条文序号显示条文，如 wanjia laws show {name} 1")
    return "\n".join(lines)


def law_status_text(project, library, day) -> str:
    """Every cited law: the version cited, the version in force on `day`, repeal — for the 司法所."""
    cited: dict[tuple[str, str], list[str]] = {}
    for page in (*project.materials, *project.lessons):
        for c in page.citations:
            cited.setdefault((c.law, c.version), []).append(page.id)
    lines = [f"引用的法律（{day} 的现行情况；法律来源：{'；'.join(library.sources)}）", ""]
    for (name, version), pages in sorted(cited.items()):
        now = library.in_force(name, day)
        repeal = library.repeal(name, version)
        if repeal and repeal.on <= day:
            state = f"已于 {repeal.on} 被《{repeal.by}》废止"
        elif now == version:
            state = "现行有效"
        elif now:
            state = f"已有新版本 {now}（{library.effective(name, now)} 施行）"
        else:
            state = "数据库中没有现行版本" if library.versions(name) else "数据库中没有这部法律"
        lines.append(f"《{name}》{version}：{state}；{len(pages)} 页引用")
    return "\n".join(lines)
