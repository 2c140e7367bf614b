"""Stage: the door-to-door plan (走村入户) — who goes where, when, to how many households.

Objective, in order: (1) cover as many priority households (出租房屋户, the rental/migrant-dense
grids) as the campaign windows allow, (2) then as many households in all, (3) then balance the load
between cadres. The planner is a deterministic greedy in two passes that follow that order: first
every campaign's priority households, then everyone else. Within a pass, campaigns whose windows
close first go first (earliest deadline first: the Spring Festival fortnight before the long winter
slack), villages with the most rental households first, grids in walking (file) order; each visit
takes the earliest free slot and, of the team's three possible pairs, the one with the least work.

Hard rules, each checked by tests with an independent validator:
- no cadre in two places in one slot; a village is visited only by its own team (1 党政领导 + 2 部门负责人);
- no visit on a cadre's leave; at most `slots_per_week` slots a week per cadre;
- in a busy farming period door-to-door runs in the evening only, at the lower capacity;
  village meetings (院坝会、村民会议) avoid busy periods entirely;
- statutory holidays are left alone unless the campaign says `on_holidays: true`.
"""
from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from .match import Matched
from .model import Campaign, Grid, Slot, Village

MEETINGS = ("院坝会", "村民会议")


@dataclass(frozen=True)
class Visit:
    uid: str              # stable across re-plans: campaign, village, grid and ordinal, not the date
    kind: str             # 入户走访 | 院坝会 | 村民会议
    date: dt.date
    slot: Slot
    village: str
    grid: str | None
    members: tuple[str, ...]
    campaign: str
    households: int       # households to visit (0 for a meeting: the whole village is invited)
    priority: int         # of which priority (rental) households

    @property
    def week(self) -> tuple[int, int]:
        return self.date.isocalendar()[:2]


@dataclass(frozen=True)
class Unplaced:
    campaign: str
    village: str
    kind: str
    needed: int            # slots needed
    placed: int            # slots found
    households_left: int
    reason: str


@dataclass
class Plan:
    year: int
    visits: list[Visit] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)

    def by_cadre(self) -> dict[str, list[Visit]]:
        out: dict[str, list[Visit]] = defaultdict(list)
        for v in self.visits:
            for c in v.members:
                out[c].append(v)
        return out

    def by_village(self) -> dict[str, list[Visit]]:
        out: dict[str, list[Visit]] = defaultdict(list)
        for v in self.visits:
            out[v.village].append(v)
        return out

    def coverage(self, campaign_id: str) -> tuple[int, int]:
        """(households planned, households targeted) of a campaign's door-to-door work."""
        planned = sum(v.households for v in self.visits if v.campaign == campaign_id and v.kind == "入户走访")
        left = sum(u.households_left for u in self.unplaced if u.campaign == campaign_id)
        return planned, planned + left


def _targets(village: Village, target: str, share: int, visits: int) -> list[tuple[Grid, int, int]]:
    """(grid, priority households, other households) to visit, in the order they are walked."""
    grids = sorted(village.grids, key=lambda g: -g.rental) if target != "全部农户" else list(village.grids)
    out = []
    for g in grids:
        total = g.households if target != "按比例" else math.ceil(g.households * share / 100)
        priority = min(g.rental, total)
        out.append((g, priority * visits, (total - priority) * visits))
    if target != "全部农户":  # priority households of every grid before the others
        return [(g, p, 0) for g, p, _ in out] + [(g, 0, o) for g, _, o in out]
    return out


class _Book:
    """Who is taken when: slots booked per cadre, load per cadre, slots per cadre per week."""

    def __init__(self, project):
        self.settings = project.schedule
        self.names = {c.id: c.name for c in project.township.cadres}
        teams = defaultdict(int)
        for v in project.township.villages:
            for c in v.team.members:
                teams[c] += 1
        self.shared = {c for c, n in teams.items() if n > 1}  # on more than one village's team
        self.taken: set[tuple[str, dt.date, str]] = set()
        self.load: dict[str, int] = defaultdict(int)
        self.weekly: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
        self.away: set[tuple[str, dt.date]] = set()
        for lv in self.settings.leave:
            day = lv.start
            while day <= lv.end:
                self.away.add((lv.cadre, day))
                day += dt.timedelta(days=1)

    def free(self, cadre: str, day: dt.date, slot: str) -> bool:
        return ((cadre, day, slot) not in self.taken and (cadre, day) not in self.away
                and self.weekly[(cadre, day.isocalendar()[:2])] < self.settings.slots_per_week)

    def take(self, members, day: dt.date, slot: str) -> None:
        for c in members:
            self.taken.add((c, day, slot))
            self.load[c] += 1
            self.weekly[(c, day.isocalendar()[:2])] += 1


def plan(outreach) -> Plan:
    project, cal = outreach.project, outreach.cal
    slots = {s.name: s for s in project.schedule.slots}
    book = _Book(project)
    result = Plan(outreach.year)
    order = sorted(outreach.matched, key=lambda m: (m.windows[0].end if m.windows else dt.date.max,
                                                    m.days, m.campaign.id))
    ordinal: dict[tuple[str, str], int] = defaultdict(int)
    left: dict[tuple[str, str], list] = {}
    candidates = {m.campaign.id: list(_candidates(m, cal, slots)) for m in order}
    for phase in ("priority", "others"):
        for matched in order:
            villages = sorted(project.campaign_villages(matched.campaign), key=lambda v: (-v.rental, v.id))
            for activity in matched.campaign.activities:
                for village in villages:
                    if activity.type == "入户走访":
                        key = (matched.campaign.id, village.id)
                        todo = left.setdefault(key, [[g, p, o] for g, p, o in _targets(
                            village, activity.target, activity.share, activity.visits_per_household) if p + o])
                        _door_to_door(matched, village, todo, phase, candidates[matched.campaign.id],
                                      slots, book, result, ordinal)
                    elif activity.type in MEETINGS and phase == "priority":
                        _meeting(matched, activity.type, village, candidates[matched.campaign.id], slots, book,
                                 result)
    placed_by = defaultdict(int)
    for v in result.visits:
        if v.kind == "入户走访":
            placed_by[(v.campaign, v.village)] += 1
    by_id = {m.campaign.id: m for m in order}
    for (campaign_id, village_id), todo in left.items():
        if todo:
            matched = by_id[campaign_id]
            village = project.village[village_id]
            households = sum(p + o for _, p, o in todo)
            placed = placed_by[(campaign_id, village_id)]
            needed = placed + sum(math.ceil((p + o) / book.settings.households_per_slot) for _, p, o in todo)
            result.unplaced.append(Unplaced(campaign_id, village_id, "入户走访", needed, placed, households,
                                            _why(matched, village, needed, placed, households, book, cal)))
    result.visits.sort(key=lambda v: (v.date, list(slots).index(v.slot.name), v.village, v.uid))
    return result


def _candidates(matched: Matched, cal, slots: dict[str, Slot], evening_only_when_busy: bool = True):
    """(day, slot name, busy period or None) inside the campaign's windows, earliest first."""
    campaign: Campaign = matched.campaign
    for window in matched.windows:
        for day in window.dates():
            if cal.is_holiday(day) and not campaign.on_holidays:
                continue
            busy = cal.busy_on(day)
            for name in slots:
                if busy and evening_only_when_busy and name != "晚上":
                    continue
                yield day, name, busy


def _pairs(village: Village) -> list[tuple[str, str]]:
    leader, a, b = village.team.members
    return [(leader, a), (leader, b), (a, b)]


def _door_to_door(matched, village, todo, phase, candidates, slots, book, result, ordinal) -> None:
    """Place visits for what is left of this village's demand: priority households or the rest."""
    settings = book.settings
    campaign = matched.campaign
    column = 1 if phase == "priority" else 2
    rows = [row for row in todo if row[column]]
    current = 0
    pairs = _pairs(village)
    for day, name, busy in candidates:
        if current == len(rows):
            break
        pair = None
        for candidate in pairs:  # the free pair with the least work so far
            if book.free(candidate[0], day, name) and book.free(candidate[1], day, name) and (
                    pair is None or book.load[candidate[0]] + book.load[candidate[1]]
                    < book.load[pair[0]] + book.load[pair[1]]):
                pair = candidate
        if pair is None:
            continue
        capacity = settings.busy_households_per_slot if busy else settings.households_per_slot
        row = rows[current]
        grid = row[0]
        taken = min(row[column], capacity)
        row[column] -= taken
        # Already walking this grid: fill the rest of the slot with its other households.
        extra = 0
        for other in (todo if phase == "priority" else ()):
            if other[0] is grid and other[2] and taken + extra < capacity:
                more = min(other[2], capacity - taken - extra)
                other[2] -= more
                extra += more
        book.take(pair, day, name)
        ordinal[(campaign.id, grid.id)] += 1
        result.visits.append(Visit(f"{campaign.id}-{grid.id}-{ordinal[(campaign.id, grid.id)]}", "入户走访", day,
                                   slots[name], village.id, grid.id, pair, campaign.id, taken + extra,
                                   taken if phase == "priority" else 0))
        while current < len(rows) and not rows[current][column]:
            current += 1
    todo[:] = [row for row in todo if row[1] + row[2]]


def _meeting(matched, kind, village, candidates, slots, book, result) -> None:
    campaign = matched.campaign
    team = village.team.members
    for day, name, busy in candidates:
        if busy or name != "晚上":  # a meeting needs the village at home and not in the fields
            continue
        if all(book.free(c, day, name) for c in team):
            book.take(team, day, name)
            result.visits.append(Visit(f"{campaign.id}-{village.id}-{kind}", kind, day, slots[name], village.id,
                                       None, team, campaign.id, 0, 0))
            return
    result.unplaced.append(Unplaced(campaign.id, village.id, kind, 1, 0, 0,
                                    f"{village.name}「{campaign.title}」的{kind}找不到全组三人都有空、又不在农忙的晚上"))


def _why(matched, village, needed, placed, households, book, cal) -> str:
    """A reason an organizer can act on: the numbers, and what took the team's time."""
    windows = matched.windows
    text = (f"{village.name}「{matched.campaign.title}」入户走访需 {needed} 个时段，窗口内只排到 {placed} 个，"
            f"还差约 {households} 户")
    if not windows:
        return text + "：活动本年度没有可用的日子"
    first, last = windows[0].start, windows[-1].end
    causes = []
    for lv in book.settings.leave:
        if lv.cadre in village.team.members and lv.start <= last and lv.end >= first:
            causes.append(f"{book.names.get(lv.cadre, lv.cadre)} {lv.start:%m-%d} 至 {lv.end:%m-%d} {lv.reason}")
    busy_days = sum(1 for w in windows for d in w.dates() if cal.busy_on(d))
    if busy_days:
        causes.append(f"{busy_days} 天在农忙期，只能晚上走、每次户数减半")
    shared = [book.names[c] for c in village.team.members if c in book.shared]
    if shared:
        causes.append(f"{'、'.join(shared)} 同时包其他村，时段要分给两个村")
    causes.append(f"每人每周最多 {book.settings.slots_per_week} 个时段")
    return text + "：" + "；".join(causes)
