"""Stage: closing the loop — the records measured against the Plan (督查督办, 年度考核), and the
monthly incident analysis (研判) that says where outreach should go next.

Everything is computed "as of" a day: the end of the month or year asked for. A planned visit is
due from its date; it is overdue when GRACE_DAYS have passed with no record for it (CHT's
task windows); it is done when a record names its 走访编号, or a record was made in its grid on
its day. Coverage counts distinct households reached (outcome 已走访), never records.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from ..content.model import Project
from .almanac import month_span
from .match import PlanYear
from .records import INCIDENT_KINDS, Incident, LessonRecord, Record
from .schedule import LESSON, Plan

GRACE_DAYS = 3          # a visit may be logged a few days late before it counts as overdue
UPCOMING_DAYS = 7
QUICK_MINUTES = 2       # households logged closer together than this, several in a row: implausible
QUICK_RUN = 5
FULL_CONTACT_MIN = 20   # a 100% contact rate over this many records is implausible (someone is never home)
RISE_FACTOR = 1.5       # this month ≥ 1.5 × the average of the three before, and at least RISE_MIN
RISE_MIN = 2


@dataclass
class Tally:
    planned: int = 0      # households planned with dates up to as_of
    reached: int = 0      # distinct households reached
    records: int = 0

    @property
    def rate(self) -> float | None:
        return self.reached / self.planned if self.planned else None


@dataclass
class Rise:
    village: str
    kind: str
    count: int
    before: float           # average of the three months before
    months: list[tuple[int, int]]  # the six months up to this one
    series: list[int]       # the village's counts of this kind in those months
    campaigns: list[str]    # campaigns (ids) whose topics answer it and cover the village
    topics: tuple[str, ...]

    @property
    def evidence(self) -> str:
        return f"本月 {self.count} 起，前三个月平均 {self.before:.1f} 起"


@dataclass
class Assessment:
    as_of: dt.date
    start: dt.date
    campaigns: dict[str, Tally] = field(default_factory=dict)
    villages: dict[str, Tally] = field(default_factory=dict)
    grids: dict[str, Tally] = field(default_factory=dict)
    cadres: dict[str, Tally] = field(default_factory=dict)   # planned = visits due, reached = households
    schools: dict[str, Tally] = field(default_factory=dict)  # planned = 课时 due, reached = 课时 given
    overdue: list = field(default_factory=list)              # planned visits
    upcoming: list = field(default_factory=list)
    never_reached: dict[str, list] = field(default_factory=dict)  # grid → register households
    follow_ups: list[Record] = field(default_factory=list)
    signs: list[str] = field(default_factory=list)
    rises: list[Rise] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)
    sources: Counter = field(default_factory=Counter)          # 手机 | 导入 → records


def period(year: int, month: int | None) -> tuple[dt.date, dt.date]:
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    span = month_span(year, month)
    return span.start, span.end


def assess(project: Project, year: PlanYear, plan: Plan, records: Sequence[Record], incidents: Sequence[Incident],
           start: dt.date, as_of: dt.date, lessons: Sequence[LessonRecord] = ()) -> Assessment:
    """Stage 6 (the internal build and `wanjia report`): the records measured against the plan."""
    out = Assessment(as_of, start, incidents=list(incidents))
    records = [r for r in records if start <= r.date <= as_of]
    out.outcomes = Counter(r.outcome for r in records)
    out.sources = Counter(r.source for r in records)
    campaign_of = _campaign_of(project, year, plan)
    done_uids = {r.visit for r in records if r.visit}
    done_grid_days = {(r.grid, r.date) for r in records}
    due = [v for v in plan.visits if start <= v.date <= as_of]

    def tally(table: dict, key: str) -> Tally:
        return table.setdefault(key, Tally())

    for v in due:
        if v.kind != "入户走访" or v.grid is None:
            continue
        for table, key in ((out.campaigns, v.campaign), (out.villages, v.village), (out.grids, v.grid)):
            tally(table, key).planned += v.households
        for c in v.members:
            tally(out.cadres, c).planned += 1
    reached: dict[tuple[int, str], set] = defaultdict(set)
    for r in records:
        who = r.household or r.door or r.head
        campaign = campaign_of(r)
        for table, key in ((out.campaigns, campaign), (out.villages, r.village), (out.grids, r.grid)):
            if key is None:
                continue
            t = tally(table, key)
            t.records += 1
            if r.reached and who not in reached[(id(table), key)]:
                reached[(id(table), key)].add(who)
                t.reached += 1
        for c in r.cadres:
            t = tally(out.cadres, c)
            t.records += 1
            t.reached += r.reached
    for v in due:
        done = v.uid in done_uids or (v.grid, v.date) in done_grid_days
        if not done and v.kind == "入户走访" and (as_of - v.date).days > GRACE_DAYS:
            out.overdue.append(v)
    out.upcoming = [v for v in plan.visits if as_of < v.date <= as_of + dt.timedelta(days=UPCOMING_DAYS)]
    # Register households in grids whose visits are due, never reached this period.
    reached_ids = {r.household for r in records if r.reached and r.household}
    due_grids = {v.grid for v in due if v.kind == "入户走访"}
    for grid, households in project.register.items():
        if grid in due_grids:
            missing = [h for h in households if h.id not in reached_ids]
            if missing:
                out.never_reached[grid] = missing
    for v in due:
        if v.kind == LESSON and v.school:
            tally(out.schools, v.school).planned += project.lesson[v.lesson].periods if v.lesson else 1
    for le in lessons:
        if start <= le.date <= as_of:
            t = tally(out.schools, le.school)
            t.records += 1
            t.reached += le.periods
    out.follow_ups = _open_follow_ups(records)
    out.signs = _signs(records, project)
    if incidents:
        out.rises = _rises(project, year, incidents, as_of)
    return out


def _campaign_of(project: Project, year: PlanYear, plan: Plan):
    """The campaign a record belongs to: its visit's, else the first campaign covering the village
    whose window holds the day (earliest deadline first, as the planner orders them)."""
    planned = {v.uid: v.campaign for v in plan.visits}
    spans = []
    for m in sorted(year.matched, key=lambda m: (m.windows[0].end if m.windows else dt.date.max, m.campaign.id)):
        if any(a.type == "入户走访" for a in m.campaign.activities):
            villages = {v.id for v in project.campaign_villages(m.campaign)}
            spans.append((m.campaign.id, villages, m.windows))

    def campaign_of(r: Record) -> str | None:
        if r.visit in planned:
            return planned[r.visit]
        for cid, villages, windows in spans:
            if r.village in villages and any(w.start <= r.date <= w.end for w in windows):
                return cid
        return None
    return campaign_of


def _open_follow_ups(records: list[Record]) -> list[Record]:
    """Follow-ups not closed by a later record of the same household without one."""
    latest: dict[tuple, Record] = {}
    for r in sorted(records, key=lambda r: (r.date, r.time)):
        who = (r.village, r.grid, r.household or r.door or r.head)
        if r.follow_up:
            latest[who] = r
        elif who in latest and r.reached:
            del latest[who]
    return sorted(latest.values(), key=lambda r: (r.date, r.village, r.grid))


def _minutes(time: str) -> int:
    h, m = time.split(":")
    return int(h) * 60 + int(m)


def _signs(records: list[Record], project) -> list[str]:
    """Signs that records were not made at the door (fake-visit checks of canvassing tools)."""
    out = []
    by_team_day: dict[tuple, list[Record]] = defaultdict(list)
    for r in records:
        if r.time:
            by_team_day[(r.cadres, r.date)].append(r)
    for (cadres, day), rs in sorted(by_team_day.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        rs.sort(key=lambda r: r.time)
        run = [rs[0]]
        longest: list[Record] = []
        for prev, cur in pairwise(rs):
            run = run + [cur] if _minutes(cur.time) - _minutes(prev.time) < QUICK_MINUTES else [cur]
            longest = max(longest, run, key=len)
        if len(longest) >= QUICK_RUN:
            who = project.who(cadres)
            out.append(f"{who} {day:%m-%d} {longest[0].time}—{longest[-1].time} 记了 {len(longest)} 户，"
                       f"每户不到 {QUICK_MINUTES} 分钟：请核实是否真的入户")
        late = [r for r in rs if _minutes(r.time) < 7 * 60 or _minutes(r.time) > 21 * 60 + 30]
        if late:
            who = project.who(cadres)
            out.append(f"{who} {day:%m-%d} 有 {len(late)} 条记录的时间在 21:30 以后或 7:00 以前（如 {late[0].time}）")
    per_cadre: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        for c in r.cadres:
            per_cadre[c].append(r)
    for c, rs in sorted(per_cadre.items()):
        if len(rs) >= FULL_CONTACT_MIN and all(r.reached for r in rs):
            out.append(f"{project.who([c])}的 {len(rs)} 条记录全部是“已走访”，没有一户不在家：请抽查核实")
    leave = project.schedule.leave
    for r in records:
        for lv in leave:
            if lv.cadre in r.cadres and lv.start <= r.date <= lv.end:
                out.append(f"{project.who([lv.cadre])} {r.date:%m-%d} {lv.reason}，却有他/她的走访记录（{r.pos}）")
                break
    return out


def _rises(project: Project, year: PlanYear, incidents: Sequence[Incident], as_of: dt.date) -> list[Rise]:
    """Village × category counts that rose this month, with the campaigns that answer them."""
    month = (as_of.year, as_of.month)
    counts: dict[tuple[str, str], dict[tuple[int, int], int]] = defaultdict(dict)
    for i in incidents:
        counts[(i.village, i.kind)][i.month] = i.count

    def back(k: int) -> tuple[int, int]:
        y, m = month
        m -= k
        while m <= 0:
            y, m = y - 1, m + 12
        return y, m

    out = []
    for (village, kind), series in counts.items():
        now = series.get(month, 0)
        before = sum(series.get(back(k), 0) for k in (1, 2, 3)) / 3
        if now >= RISE_MIN and now >= RISE_FACTOR * before and now > before:
            topics = INCIDENT_KINDS[kind]
            campaigns = [c.id for c in project.campaigns if set(c.topics) & set(topics)
                         and any(v.id == village for v in project.campaign_villages(c))]
            months = [back(k) for k in range(5, -1, -1)]
            out.append(Rise(village, kind, now, before, months, [series.get(m, 0) for m in months], campaigns, topics))
    out.sort(key=lambda r: (-(r.count - r.before), r.village, r.kind))
    return out
