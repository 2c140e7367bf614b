"""Stage: match each campaign to its date windows in the year and to the materials and lessons
that fit its topics and audiences, and warn where the timing cannot work in the countryside.

Material ranking is deliberately simple and explainable to an organizer: a material qualifies by
sharing a topic with the campaign; among those, more shared audiences, then topics, rank first.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

from ..content.model import Campaign, Lesson, Material, Project
from ..problems import Problems
from .almanac import ALL_YEAR, Almanac, Span, YearCalendar


@dataclass(frozen=True)
class Matched:
    """A campaign placed in the year: its date windows, and the materials and lessons that fit it."""

    campaign: Campaign
    windows: tuple[Span, ...]
    materials: tuple[Material, ...]
    lessons: tuple[Lesson, ...]

    @property
    def days(self) -> int:
        return sum(w.days for w in self.windows)


@dataclass(frozen=True)
class PlanYear:
    """Stage 2's value: one year of the township — its calendar, the campaigns placed in it and each
    school's rule-of-law lessons."""

    number: int
    calendar: YearCalendar
    matched: tuple[Matched, ...]
    schools: Mapping[str, tuple[SchoolLesson, ...]]
    seasons: tuple[SeasonStretch, ...] = ()   # which materials are in season when


def plan_year(project: Project, almanac: Almanac, number: int, problems: Problems) -> PlanYear:
    """The year `number` for this township, with the warnings its timing deserves."""
    cal = almanac.year(number)
    for note in cal.notes:
        problems.warning(project.calendar.pos, note)
    matched = match(project, almanac, number, problems)
    schools = school_lessons(project, almanac, number)
    for school in project.township.schools:
        if len(schools[school.id]) < MIN_PERIODS:
            problems.warning(school.pos, f"{school.name} {number} 年只排到 {len(schools[school.id])} 节法治课，"
                                         "不足每年 4 课时：请补充该学段的课程或检查校历")
        for stage in school.stages:
            used = sum(1 for s in schools[school.id] if s.stage == stage)
            have = sum(1 for le in project.lessons if le.stage == stage)
            if used and have < 2 * used:
                problems.warning(school.pos, f"{school.name}的{stage}每年要上 {used} 节法治课，课程只有 {have} 节："
                                             "连续两年会有重复，请补充这个学段的课程")
    return PlanYear(number, cal, tuple(matched), schools, season_stretches(project, almanac, number))


def materials_for(campaign: Campaign, project: Project) -> tuple[Material, ...]:
    topics, audiences = set(campaign.topics), set(campaign.audiences)
    chosen = {m.id: m for m in project.materials if topics & set(m.topics)}
    for extra in campaign.materials:
        chosen.setdefault(extra, project.material[extra])

    def rank(m: Material):
        return (-len(audiences & set(m.audiences)), -len(topics & set(m.topics)), m.id)

    return tuple(sorted(chosen.values(), key=rank))


def lessons_for(campaign: Campaign, project: Project) -> tuple[Lesson, ...]:
    return tuple(le for le in project.lessons if set(le.topics) & set(campaign.topics))


def campaigns_for_village(village_id: str, project: Project) -> list[Campaign]:
    return [c for c in project.campaigns if any(v.id == village_id for v in project.campaign_villages(c))]


def match(project: Project, almanac: Almanac, year: int, problems: Problems) -> list[Matched]:
    cal = almanac.year(year)
    out = []
    for campaign in project.campaigns:
        for w in campaign.when:
            for why in almanac.missing_days(w, year):
                problems.error(w["pos"], f"活动「{campaign.title}」{year} 年的时间窗口{why}；"
                                         "要写腊月最后一天请写 除夕，或改成 腊月二十九")
        windows = almanac.campaign_windows(campaign, year)
        _warn_timing(campaign, windows, cal, almanac, year, problems)
        out.append(Matched(campaign, tuple(windows), materials_for(campaign, project), lessons_for(campaign, project)))
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
            names = "、".join(sorted({cal.busy_on(d) or "" for d in busy}))
            slack = [n for n, spans in cal.periods.items() if spans and spans[0].kind == "农事" and n not in cal.busy]
            problems.warning(where, f"活动「{campaign.title}」{year} 年的窗口有 {len(busy)}/{len(days)} 天在农忙"
                                    f"（{names}），入户只能安排在晚上；建议改到"
                                    f"{'或'.join(slack[:2]) or '农闲时节'}，或在 avoid 中写上 {names}")


# ---------------------------------------------------------------- materials in season
SEASON_SHOWN = 6  # materials a page suggests for the time of year


@dataclass(frozen=True)
class SeasonStretch:
    """Days on which the same materials are in season, each with how many of its seasons hold."""

    start: dt.date
    end: dt.date
    fits: tuple[tuple[str, int], ...]   # (material id, seasons holding), materials in season only


def season_stretches(project: Project, almanac: Almanac, year: int) -> tuple[SeasonStretch, ...]:
    """The year cut where any material's season begins or ends (a phone in another year looks up
    the same day of the year). Materials for 全年 are not seasonal and are left out."""
    spans: dict[str, list[Span]] = {}
    known = set(almanac.period_names()) | set(almanac.day_names())  # a what-if region may lack some
    for m in project.materials:
        words = [w for w in m.seasons if w != ALL_YEAR and w in known]
        spans[m.id] = [s for w in words for s in almanac.season_spans(w, year)]
    cuts = sorted({d for ss in spans.values() for s in ss for d in (s.start, s.end + dt.timedelta(days=1))})
    out = []
    for start, following in pairwise(cuts):
        fits = tuple((mid, n) for mid, ss in spans.items() if (n := sum(s.start <= start <= s.end for s in ss)))
        if fits:
            out.append(SeasonStretch(start, following - dt.timedelta(days=1), fits))
    return tuple(out)


def in_season(stretches: tuple[SeasonStretch, ...], project: Project, audiences: tuple[str, ...] = ()
              ) -> tuple[tuple[dt.date, dt.date, tuple[str, ...]], ...]:
    """Each stretch's best materials: more of its seasons holding first, then more of `audiences`
    shared, then by id; adjacent stretches with the same list are one."""
    wanted = set(audiences)
    out: list[tuple[dt.date, dt.date, tuple[str, ...]]] = []
    for s in stretches:
        ranked = sorted(s.fits, key=lambda f: (-f[1], -len(wanted & set(project.material[f[0]].audiences)), f[0]))
        chosen = tuple(mid for mid, _ in ranked[:SEASON_SHOWN])
        if out and out[-1][2] == chosen and out[-1][1] + dt.timedelta(days=1) == s.start:
            out[-1] = (out[-1][0], s.end, chosen)
        else:
            out.append((s.start, s.end, chosen))
    return tuple(out)


# ---------------------------------------------------------------- school lessons (法治副校长)
@dataclass(frozen=True)
class SchoolLesson:
    """A lesson a school should have in the year: its occasion, the first day it may be given,
    and which lesson. The planner gives it a day (schedule.py), clear of the 法治副校长's other work."""

    school: str
    occasion: str
    earliest: dt.date
    stage: str
    lesson: Lesson


# Occasions a rule-of-law lesson is usually given, most important first, with the topics that suit them.
OCCASIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("国家宪法日", "国家宪法日", ("constitution", "village-democracy", "mediation")),
    ("全民国家安全教育日", "全民国家安全教育日", ("national-security", "constitution")),
    ("春季开学", "春季学期+7", ("school-bullying", "minors", "traffic-safety", "fire-safety")),
    ("秋季开学", "秋季学期+7", ("school-bullying", "minors", "traffic-safety", "fraud")),
    ("国际禁毒日前", "国际禁毒日-12", ("drugs", "drowning", "minors")),
    ("全国消防日", "全国消防日", ("fire-safety", "fraud", "labor-contract")),
)
MIN_PERIODS = 4  # 《中小学法治副校长聘任与管理办法》: at least 4 课时 a year in each school


def school_lessons(project: Project, almanac: Almanac, year: int) -> dict[str, tuple[SchoolLesson, ...]]:
    """Each school's lessons of the year: at least four, on the occasions that matter most, the
    school's stages taking turns. Lessons rotate year by year (each stage's lessons in a fixed order,
    this year's share starting where last year's ended), so no lesson comes back within two years
    while a stage has at least twice as many lessons as it uses in a year."""
    cal = almanac.year(year)
    first_of_year = dt.date(year, 1, 1)

    def occasion_day(expr: str) -> dt.date | None:
        m = re.fullmatch(r"(.+?)([+-]\d+)?", expr)
        assert m is not None  # the pattern matches any non-empty text
        name, offset = m.group(1), int(m.group(2) or 0)
        if name in cal.periods:  # a term: its real start, not the part carried over from last year
            starts = [s.start for s in cal.periods[name] if s.start != first_of_year]
        else:
            starts = [s.start for s in cal.publicity if s.name == name]
        return starts[0] + dt.timedelta(days=offset) if starts else None

    plans: dict[str, tuple[SchoolLesson, ...]] = {}
    for school in project.township.schools:
        wanted = max(MIN_PERIODS, 2 * len(school.stages))
        occasions = [(name, day, topics) for name, expr, topics in OCCASIONS if (day := occasion_day(expr))][:wanted]
        occasions.sort(key=lambda o: o[1])
        stages = [school.stages[i % len(school.stages)] for i in range(len(occasions))]
        chosen: list[SchoolLesson] = []
        for stage in dict.fromkeys(stages):
            mine = [o for o, s in zip(occasions, stages, strict=True) if s == stage]
            pool = sorted((le for le in project.lessons if le.stage == stage), key=lambda le: le.id)
            if not pool:
                continue
            k = len(mine)
            share = [pool[(year * k + j) % len(pool)] for j in range(min(k, len(pool)))]
            for name, day, topics in mine:  # each occasion takes the best-fitting lesson of the share
                lesson = max(share, key=lambda le: len(set(le.topics) & set(topics))) if share else pool[0]
                if share:
                    share.remove(lesson)
                chosen.append(SchoolLesson(school.id, name, day, stage, lesson))
        plans[school.id] = tuple(sorted(chosen, key=lambda s: s.earliest))
    return plans
