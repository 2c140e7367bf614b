"""The outreach calendar: the year's solar terms, festivals, holidays, farming periods,
publicity days, campaigns and school lessons, as a month-by-month page and a subscribable feed."""
from __future__ import annotations

import datetime as dt
from html import escape

from ..plan.almanac import PROVISIONAL_SOURCE, Span, YearCalendar
from . import ics
from .charts import month_bars
from .inputs import Outreach
from .templates import render
from .text import WEEKDAYS, frontmatter, link, md, span_text


def _cell_class(d: dt.date, cal: YearCalendar) -> str:
    classes = []
    farming = cal.farming_on(d)
    if cal.busy_on(d):
        classes.append("wj-busy")
    elif farming:
        classes.append("wj-slack")
    if any(s.kind == "返乡" and s.start <= d <= s.end for spans in cal.periods.values() for s in spans):
        classes.append("wj-return")
    if cal.is_holiday(d):
        classes.append("wj-holiday")
    elif d in cal.workdays:
        classes.append("wj-workday")
    return " ".join(classes)


def _month_grid(year: int, month: int, cal: YearCalendar, labels: dict) -> str:
    span = cal.month(month)
    cells: list[dict | None] = [None] * span.start.weekday()
    cells += [{"day": d.day, "label": labels.get(d, ""), "classes": _cell_class(d, cal)} for d in span.dates()]
    cells += [None] * (-len(cells) % 7)
    weeks = [cells[i:i + 7] for i in range(0, len(cells), 7)]
    return render("month.html", weekdays=WEEKDAYS, weeks=weeks).rstrip("\n")


def calendar_page(outreach: Outreach) -> str:
    cal, project, year = outreach.cal, outreach.project, outreach.year
    here = "calendar/index.md"
    labels: dict[dt.date, str] = {}
    for s in cal.publicity:
        if s.days == 1:
            short = s.name
            for prefix in ("中国", "全国", "国际", "全民", "国家"):
                short = short.removeprefix(prefix)
            labels[s.start] = short[:5]
    for d, name in cal.terms:
        labels[d] = name
    for d, name in cal.festivals:
        labels[d] = name
    out = [frontmatter(f"{year} 年宣传日历", hide="[toc]"), f"# {year} 年宣传日历（{escape(cal.region)}）\n\n",
           f"节气、节日、法定节假日、农忙农闲和各项宣传活动的时间。"
           f"[订阅到手机日历]({link(here, 'calendar/outreach.ics')})（ICS）。\n{{ .wj-lead }}\n\n",
           '<p class="wj-key"><span class="wj-busy">农忙</span><span class="wj-slack">农闲</span>'
           '<span class="wj-return">返乡在家</span><span class="wj-holiday">法定假日</span>'
           '<span class="wj-workday">调休上班</span></p>\n\n']
    if cal.notes:  # in plain words: the file names are for the office, in `wanjia check`
        known = ("通知发布前，这里只标了法定节日当天，没有调休。" if cal.holiday_source == PROVISIONAL_SOURCE
                 else "这里的调休安排还没有和通知核对过，可能不全。")
        out.append(f'!!! warning "放假安排待核对"\n    {year} 年的放假和调休以国务院办公厅的放假通知为准：{known}\n\n')
    for month in range(1, 13):
        first, last = cal.month(month).start, cal.month(month).end
        out.append(f"## {month} 月 {{ #m{month} }}\n\n")
        out.append(_month_grid(year, month, cal, labels) + "\n\n")
        bars = month_bars(year, month, outreach.matched)
        if bars:
            out.append(bars + "\n\n")
        facts = []
        terms = [f"{name} {md(d)}" for d, name in cal.terms if d.month == month]
        facts.append(f"- **节气**：{'、'.join(terms)}")
        fest = [f"{name} {md(d)}" for d, name in cal.festivals if d.month == month]
        if fest:
            facts.append(f"- **节日**：{'、'.join(fest)}")
        hol = sorted({name for d, name in cal.holidays.items() if d.month == month})
        if hol:
            days = [d for d, _ in cal.holidays.items() if d.month == month]
            facts.append(f"- **放假**：{'、'.join(hol)}（{len(days)} 天）")
        farming = sorted({f"{s.name} {span_text(s)}" for n, spans in cal.periods.items() for s in spans
                          if spans[0].kind == "农事" and s.clip(first, last)})
        if farming:
            facts.append(f"- **农事**：{'；'.join(farming)}")
        pub = [f"{s.name} {span_text(s)}" for s in cal.publicity if s.clip(first, last)]
        if pub:
            facts.append(f"- **宣传日**：{'、'.join(pub)}")
        acts = [f"[{escape(m.campaign.title)}]({link(here, f'campaigns/{m.campaign.id}.md')}) {span_text(w)}"
                for m in outreach.matched for w in m.windows if w.clip(first, last)]
        if acts:
            facts.append(f"- **宣传活动**：{'；'.join(acts)}")
        lessons = [f"{md(v.date)} {escape(v.place)}《{escape(project.lesson[v.lesson].title)}》"
                   for v in outreach.plan.lessons() if v.date.month == month and v.lesson]
        if lessons:
            facts.append(f"- **法治课**：{'；'.join(sorted(lessons))}")
        out.append("\n".join(facts) + "\n\n")
    return "".join(out)


def outreach_ics(outreach: Outreach) -> bytes:
    """The outreach calendar as a feed: campaign windows, farming periods, publicity days (all-day,
    not busy) and the school lessons."""
    project, cal, year = outreach.project, outreach.cal, outreach.year
    events = []

    def event(uid: str, summary: str, span: Span, category: str, description: str = "") -> None:
        events.append(ics.Event(f"{uid}-{span.start:%Y%m%d}@{project.township.id}.wanjia", summary, span.start,
                                span.end + dt.timedelta(days=1), description=description, category=category,
                                transparent=True))

    for m in outreach.matched:
        for w in m.windows:
            event(f"campaign-{m.campaign.id}", m.campaign.title, w, "宣传活动", m.campaign.goal)
    for name, spans in cal.periods.items():
        for s in spans:
            if s.kind == "农事":
                event(f"period-{_slug(name)}", f"{name}{'（农忙）' if name in cal.busy else ''}", s, "农事")
    for s in cal.publicity:
        event(f"publicity-{_slug(s.name)}", s.name, s, "宣传日")
    for v in outreach.plan.lessons():
        lesson = project.lesson[v.lesson] if v.lesson else None
        if lesson:
            event(f"lesson-{v.school}", f"法治课：{v.place}《{lesson.title}》", Span(v.date, v.date), "法治课",
                  f"{v.occasion}；{lesson.stage}；法治副校长 {project.cadre[v.members[0]].name}")
    return ics.feed(f"{project.township.name}宣传日历 {year}", "平安法治进万家", year, events)


def _slug(name: str) -> str:
    return name.encode("utf-8").hex()[:16]
