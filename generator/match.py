"""Stage: match each campaign to its date windows in the year and to the materials and lessons
that fit its topics and audiences, and warn where the timing cannot work in the countryside.

Material ranking is deliberately simple and explainable to an organizer: a material qualifies by
sharing a topic with the campaign; among those, more shared audiences, then topics, rank first.
"""
from __future__ import annotations

from dataclasses import dataclass

from .calendar import Almanac, Span, YearCalendar
from .model import Campaign, Lesson, Material, Project
from .problems import Problems


@dataclass
class Matched:
    campaign: Campaign
    windows: list[Span]
    materials: list[Material]
    lessons: list[Lesson]

    @property
    def days(self) -> int:
        return sum(w.days for w in self.windows)


def materials_for(campaign: Campaign, project: Project) -> list[Material]:
    topics, audiences = set(campaign.topics), set(campaign.audiences)
    chosen = {m.id: m for m in project.materials if topics & set(m.topics)}
    for extra in campaign.materials:
        chosen.setdefault(extra, project.material[extra])

    def rank(m: Material):
        return (-len(audiences & set(m.audiences)), -len(topics & set(m.topics)), m.id)

    return sorted(chosen.values(), key=rank)


def lessons_for(campaign: Campaign, project: Project) -> list[Lesson]:
    return [le for le in project.lessons if set(le.topics) & set(campaign.topics)]


def campaigns_for_village(village_id: str, project: Project) -> list[Campaign]:
    return [c for c in project.campaigns if any(v.id == village_id for v in project.campaign_villages(c))]


def match(project: Project, almanac: Almanac, year: int, problems: Problems) -> list[Matched]:
    cal = almanac.year(year)
    out = []
    for campaign in project.campaigns:
        windows = almanac.campaign_windows(campaign, year)
        _warn_timing(campaign, windows, cal, almanac, year, problems)
        out.append(Matched(campaign, windows, materials_for(campaign, project), lessons_for(campaign, project)))
    return out


def _warn_timing(campaign: Campaign, windows: list[Span], cal: YearCalendar, almanac: Almanac,
                 year: int, problems: Problems) -> None:
    where = campaign.when[0]["pos"] if campaign.when else campaign.pos
    if not windows:
        raw = [s for w in campaign.when for s in almanac.resolve_window(w, year)]
        why = f"避开 {'、'.join(campaign.avoid)} 之后" if raw and campaign.avoid else ""
        problems.warning(where, f"活动「{campaign.title}」{year} 年{why}没有可用的日子；请放宽时间窗口或减少 avoid")
        return
    days = [d for w in windows for d in w.dates()]
    if not campaign.on_holidays:
        on_holiday = sum(1 for d in days if cal.is_holiday(d))
        if on_holiday and on_holiday * 2 >= len(days):
            problems.warning(where, f"活动「{campaign.title}」{year} 年的窗口有 {on_holiday}/{len(days)} 天是法定节假日；"
                                    "如果就是要在节假日开展（如春节返乡），请写 on_holidays: true")
    if any(a.type == "入户走访" for a in campaign.activities):
        busy = [d for d in days if cal.busy_on(d)]
        if busy and len(busy) * 2 >= len(days):
            names = "、".join(sorted({cal.busy_on(d) for d in busy}))
            slack = [n for n, spans in cal.periods.items() if spans and spans[0].kind == "农事" and n not in cal.busy]
            problems.warning(where, f"活动「{campaign.title}」{year} 年的窗口有 {len(busy)}/{len(days)} 天在农忙"
                                    f"（{names}），入户只能安排在晚上；建议改到"
                                    f"{'或'.join(slack[:2]) or '农闲时节'}，或在 avoid 中写上 {names}")
