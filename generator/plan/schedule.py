"""Stage: the door-to-door plan (走村入户) — who goes where, when, to how many households.

Objective, in order: (1) cover as many priority households (flagged in the register as 出租房屋、
流动人口、独居老人、留守儿童; without a register, the grids' rental households) as the campaign
windows allow, (2) then as many households in all, (3) then balance the load between cadres.

The planner is a deterministic greedy. First the activities with few possible slots: village
meetings, market stalls, enterprise and school visits; then every campaign's priority households;
then everyone else. Within a pass, campaigns whose windows close first go first (earliest deadline
first: the Spring Festival fortnight before the long winter slack), villages with the most rental
households first, grids in file order and households in walking (门牌) order; each visit takes the
earliest free slot and, of the team's three possible pairs, the one with the least work. The bench
compares it with the CP-SAT optimum (bench/schedule.py).

Hard rules, each checked by tests with an independent validator:
- no cadre in two places in one slot; a village is visited only by its own team (1 党政领导 + 2 部门
  负责人) and the grid's own 网格员;
- no visit on a cadre's leave, duty weekday or meeting; at most `slots_per_week` slots a week;
- in a busy farming period door-to-door runs in the evening only, at the lower capacity;
  village meetings (院坝会、村民会议) avoid busy periods entirely;
- market stalls only on the township's market days (集日), in the morning;
  enterprise visits on working days in the daytime; school visits on school days (term, no exams);
- statutory holidays are left alone unless the campaign says `on_holidays: true`, and even then 除夕
  and 初一 stay with the family unless the campaign names them (`on_holidays: [除夕, 初一]`);
- an activity with `weekends: false` is not planned on Saturdays and Sundays (调休 workdays are workdays).
"""
from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict, deque
from dataclasses import dataclass

from ..content.model import ROLES, Activity, Campaign, Grid, Project, Slot, Village
from .almanac import lunar_day, meeting_days
from .match import Matched, PlanYear

MEETINGS = ("院坝会", "村民会议")
LESSON_REACH_DAYS = 15  # a lesson is given within two weeks of its occasion
LESSON = "法治课"   # a school's own rule-of-law lesson (a campaign's school visit is 进校园)
DAYTIME = ("上午", "下午")


@dataclass(frozen=True)
class Visit:
    uid: str              # stable across re-plans: campaign, place and ordinal, not the date
    kind: str             # 入户走访 | 院坝会 | 村民会议 | 赶集摆摊 | 进企业 | 进校园 | 法治课
    date: dt.date
    slot: Slot
    village: str
    grid: str | None
    members: tuple[str, ...]
    campaign: str         # "" for a school's 法治课
    households: int       # households to visit (0 for other kinds)
    priority: int         # of which priority households
    place: str = ""       # the market, enterprise or school
    lesson: str | None = None                 # 进校园, 法治课: the lesson taught
    household_ids: tuple[str, ...] = ()       # internal only: the register's households, walking order
    school: str = ""                          # 进校园, 法治课: the school's id
    occasion: str = ""                        # 法治课: 国家宪法日, 春季开学 …

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


@dataclass(frozen=True)
class Plan:
    """Stage 3's value: the year's visits in date and slot order, and what could not be placed, why."""

    year: int
    visits: tuple[Visit, ...] = ()
    unplaced: tuple[Unplaced, ...] = ()

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

    def by_day(self) -> dict[dt.date, list[Visit]]:
        out: dict[dt.date, list[Visit]] = defaultdict(list)
        for v in self.visits:
            out[v.date].append(v)
        return out

    def lessons(self, school_id: str | None = None) -> list[Visit]:
        """The schools' own 法治课 (of one school, or all), in date order."""
        return [v for v in self.visits if v.kind == LESSON and (school_id is None or v.school == school_id)]

    def coverage(self, campaign_id: str) -> tuple[int, int]:
        """(households planned, households targeted) of a campaign's door-to-door work."""
        row = self.totals().get(campaign_id, {})
        return row.get("households", 0), row.get("households", 0) + row.get("left", 0)

    def totals(self) -> dict[str, dict[str, int]]:
        """Per campaign: visits of each kind, households and priority households planned, left over,
        and activities not placed — in one pass (a county plan has 65,000 visits)."""
        out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for v in self.visits:
            row = out[v.campaign]
            row[v.kind] += 1
            row["visits"] += 1
            row["households"] += v.households
            row["priority"] += v.priority
        for u in self.unplaced:
            out[u.campaign]["left"] += u.households_left
            out[u.campaign]["misses"] += 1
        return out


def _targets(village: Village, activity: Activity, register=None) -> list[tuple[Grid, int, int]]:
    """(grid, priority households, other households) to visit, in the order they are walked."""
    return [(row[0], row[1], row[2]) for row in _demand(village, activity, register or {})]


def _demand(village: Village, activity: Activity, register: dict) -> list[list]:
    """Rows [grid, priority left, others left, priority ids, other ids] in walking order: the
    village's priority households first, across its grids, kind by kind in the activity's order
    (留守儿童 before 独居老人 …); then, for 全部, everyone else. `share` takes that part of each
    grid. Without a register a grid's known priority households are its rental households, and
    its other kinds cannot be told apart."""
    flags, visits = activity.flags, activity.visits_per_household

    def rank(flagged: tuple[str, ...]) -> int | None:
        ranks = [flags.index(f) for f in flagged if f in flags]
        return min(ranks) if ranks else None

    priority: list[tuple[int, int, Grid, list[str], int]] = []   # (rank, grid order, grid, ids, count)
    others: list[tuple[int, Grid, list[str], int]] = []
    for order, g in enumerate(village.grids):
        listed = register.get(g.id)
        if listed:
            ranked = [(r, h.id) for h in listed if (r := rank(h.flags)) is not None]
            rest = [h.id for h in listed if rank(h.flags) is None] if not activity.only_flagged else []
        else:
            rental = g.rental if "出租房屋" in flags else 0
            ranked = [(flags.index("出租房屋"), "")] * min(rental, g.households) if rental else []
            rest = [""] * (g.households - len(ranked)) if not activity.only_flagged else []
        wanted = math.ceil((len(ranked) + len(rest)) * activity.share / 100)
        ranked.sort(key=lambda pair: pair[0])  # stable: walking order within a kind
        ranked, rest = ranked[:wanted], rest[:max(0, wanted - len(ranked))]
        for r in sorted({r for r, _ in ranked}):
            ids = [hid for rr, hid in ranked if rr == r]
            priority.append((r, order, g, [i for i in ids if i], len(ids)))
        if rest:
            others.append((order, g, [i for i in rest if i], len(rest)))
    rows = [[g, n * visits, 0, deque(ids * visits), deque()] for _, _, g, ids, n in sorted(priority, key=lambda p: p[:2])]
    rows += [[g, 0, n * visits, deque(), deque(ids * visits)] for _, g, ids, n in others]
    return rows


class _Book:
    """Who is taken when: slots booked per cadre, load per cadre, slots per cadre per week.

    Kept per cadre with integer keys (day ordinal × 4 + slot): a county plan asks "is this cadre
    free?" ten million times."""

    def __init__(self, project, year: int):
        self.settings = project.schedule
        by_role = dict(self.settings.role_slots_per_week)
        self.limits = {c.id: by_role.get(c.role, self.settings.slots_per_week) for c in project.township.cadres}
        self.names = project.cadre_name
        self.slot_index = {s.name: i for i, s in enumerate(self.settings.slots)}
        teams: dict[str, int] = defaultdict(int)
        for v in project.township.villages:
            for c in v.team.members:
                teams[c] += 1
        self.shared = {c for c, n in teams.items() if n > 1}  # on more than one village's team
        self.taken: dict[str, set[int]] = defaultdict(set)
        self.load: dict[str, int] = defaultdict(int)
        self.weekly: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.away: dict[str, set[int]] = defaultdict(set)  # day ordinals of leave and duty days
        for lv in self.settings.leave:
            self.away[lv.cadre].update(range(lv.start.toordinal(), lv.end.toordinal() + 1))
        # Duty: (weekday, slot index) pairs a cadre is away, every week.
        self.duty: dict[str, set[tuple[int, int]]] = defaultdict(set)
        for d in self.settings.duty:
            slots = [self.slot_index[s] for s in d.slots if s in self.slot_index] or list(self.slot_index.values())
            self.duty[d.cadre].update((w - 1, s) for w in d.weekdays for s in slots)
        everyone = list(self.names)
        for m in self.settings.meetings:
            for day in meeting_days(m, year):
                for c in m.cadres or everyone:
                    for s in m.slots or self.slot_index:
                        if s in self.slot_index:
                            self.taken[c].add(self.key(day, s))

    def key(self, day: dt.date, slot: str) -> int:
        return day.toordinal() * 4 + self.slot_index[slot]

    def free(self, cadre: str, day: dt.date, slot: str) -> bool:
        return self.free_at(cadre, self.key(day, slot), day.toordinal(), day.weekday())

    def free_at(self, cadre: str, key: int, ordinal: int, weekday: int) -> bool:
        return (key not in self.taken[cadre] and ordinal not in self.away[cadre]
                and (weekday, key % 4) not in self.duty.get(cadre, ())
                and self.weekly[cadre][(ordinal - weekday) // 7] < self.limits.get(cadre, self.settings.slots_per_week))

    def take(self, members, day: dt.date, slot: str) -> None:
        key, ordinal, weekday = self.key(day, slot), day.toordinal(), day.weekday()
        for c in members:
            self.taken[c].add(key)
            self.load[c] += 1
            self.weekly[c][(ordinal - weekday) // 7] += 1

    def week_full(self, members, day: dt.date) -> bool:
        """Fewer than two of `members` have a slot left this week: no pair can go out again."""
        week = (day.toordinal() - day.weekday()) // 7
        return sum(self.weekly[c][week] < self.limits.get(c, self.settings.slots_per_week) for c in members) < 2

    def best_pair(self, pairs, day: dt.date, slot: str):
        """The free pair with the least work so far (None when no pair is free)."""
        key, ordinal, weekday = self.key(day, slot), day.toordinal(), day.weekday()
        free = {c for c in {c for pair in pairs for c in pair} if self.free_at(c, key, ordinal, weekday)}
        best = None
        for pair in pairs:
            if pair[0] in free and pair[1] in free and (
                    best is None or self.load[pair[0]] + self.load[pair[1]] < self.load[best[0]] + self.load[best[1]]):
                best = pair
        return best


class _Planner:
    def __init__(self, project: Project, year: PlanYear):
        self.project = project
        self.year = year.number
        self.cal = year.calendar
        self.slots = {s.name: s for s in project.schedule.slots}
        self.schools_wanted = year.schools
        self.book = _Book(project, year.number)
        self.visits: list[Visit] = []
        self.unplaced: list[Unplaced] = []
        self.ordinal: dict[str, int] = defaultdict(int)
        self.resume: dict[tuple[str, str], int] = {}  # (campaign, village) → first slot worth trying
        # A visit's households are listed in walking order (the register's order, by 门牌).
        self.walk_order = {h.id: k for hs in project.register.values() for k, h in enumerate(hs)}
        self.order = sorted(year.matched, key=lambda m: (m.windows[0].end if m.windows else dt.date.max,
                                                             m.days, m.campaign.id))
        # In a busy farming period door to door is in the evening only, unless the township says
        # otherwise (calendar.yml evening_busy: false); the lower capacity holds either way.
        evening = project.calendar.evening_busy
        self.candidates = {m.campaign.id: list(_candidates(m, self.cal, self.slots, evening_only_when_busy=evening))
                           for m in self.order}
        self.next_week = {cid: _next_week(c) for cid, c in self.candidates.items()}
        # Markets, enterprises and schools keep their daytime in the busy season too.
        self.any_slot = {m.campaign.id: list(_candidates(m, self.cal, self.slots, evening_only_when_busy=False))
                         for m in self.order}

    def uid(self, *parts: str) -> str:
        key = "-".join(parts)
        self.ordinal[key] += 1
        return f"{key}-{self.ordinal[key]}"

    def add(self, kind, day, slot, village, members, campaign, **extra) -> None:
        self.book.take(members, day, slot)
        place = extra.pop("uid_place", extra.get("grid") or village)
        self.visits.append(Visit(self.uid(campaign.id, place) if kind == "入户走访" else
                                        self.uid(campaign.id, place, kind), kind, day, self.slots[slot],
                                        village, extra.pop("grid", None), tuple(members), campaign.id,
                                        extra.pop("households", 0), extra.pop("priority", 0), **extra))

    def miss(self, matched, village_id, kind, reason, needed=1, placed=0, households=0) -> None:
        self.unplaced.append(Unplaced(matched.campaign.id, village_id, kind, needed, placed, households, reason))

    def run(self, lessons_only: bool = False) -> Plan:
        project = self.project
        self.lessons()  # the school year's lessons first: a school has few days that fit
        if lessons_only:
            return Plan(self.year, tuple(self.visits), tuple(self.unplaced))
        left: dict[tuple[str, str], list] = {}
        for phase in ("fixed", "priority", "others"):
            for matched in self.order:
                campaign = matched.campaign
                villages = sorted(project.campaign_villages(campaign), key=lambda v: (-v.rental, v.id))
                for activity in campaign.activities:
                    if phase == "fixed" and activity.type == "赶集摆摊":
                        self.market(matched, activity)
                    elif phase == "fixed" and activity.type == "进校园":
                        self.schools(matched, villages)
                    for village in villages:
                        if activity.type == "入户走访" and phase != "fixed":
                            todo = left.setdefault((campaign.id, village.id), [
                                row for row in _demand(village, activity, project.register) if row[1] + row[2]])
                            self.door_to_door(matched, activity, village, todo, phase)
                        elif activity.type in MEETINGS and phase == "fixed":
                            self.meeting(matched, activity, village)
                        elif activity.type == "进企业" and phase == "fixed":
                            self.enterprises(matched, activity, village)
        self.report_left(left)
        order = list(self.slots)
        self.visits.sort(key=lambda v: (v.date, order.index(v.slot.name), v.village, v.uid))
        return Plan(self.year, tuple(self.visits), tuple(self.unplaced))

    # -------------------------------------------------------- the schools' own lessons
    def lessons(self) -> None:
        """Each school's 法治课 on a school day morning from its occasion on (within two weeks), when
        the 法治副校长 is free — no meeting, duty or leave — and within their weekly limit."""
        for school in self.project.township.schools:
            for wanted in self.schools_wanted.get(school.id, ()):
                vp, start = school.vice_principal, wanted.earliest
                day = next((start + dt.timedelta(days=k) for k in range(LESSON_REACH_DAYS)
                            if self.cal.is_school_day(start + dt.timedelta(days=k))
                            and self.book.free(vp, start + dt.timedelta(days=k), "上午")), None)
                if day is None or "上午" not in self.slots:
                    self.unplaced.append(Unplaced("", school.village or "", LESSON, 1, 0, 0,
                                                  f"{school.name}「{wanted.occasion}」的法治课：{start:%m-%d} 起两周内没有"
                                                  f"法治副校长有空的上课日上午（开会、值班、请假或考试周）"))
                    continue
                self.book.take((vp,), day, "上午")
                self.visits.append(Visit(self.uid("lesson", school.id), LESSON, day, self.slots["上午"],
                                         school.village or "", None, (vp,), "", 0, 0, place=school.name,
                                         lesson=wanted.lesson.id, school=school.id, occasion=wanted.occasion))

    # -------------------------------------------------------- door to door
    def door_to_door(self, matched, activity, village, todo, phase) -> None:
        """Place visits for what is left of this village's demand: priority households or the rest."""
        settings, book = self.project.schedule, self.book
        column = 1 if phase == "priority" else 2
        rows = [row for row in todo if row[column]]
        current = 0
        pairs = _pairs(village)
        candidates = self.candidates[matched.campaign.id]
        next_week = self.next_week[matched.campaign.id]
        key = (matched.campaign.id, village.id)
        # A slot that was not free for this village stays not free (bookings only grow), so each
        # village's scan resumes where the last one stopped: the plan is linear in the slots.
        index = self.resume.get(key, 0)
        while index < len(candidates) and current < len(rows):
            day, name, busy = candidates[index]
            index += 1
            if not activity.weekends and self.cal.is_day_off(day) and not self.cal.is_holiday(day):
                continue
            pair = book.best_pair(pairs, day, name)
            if pair is None:
                if book.week_full(village.team.members, day):
                    index = next_week[index - 1]
                continue
            capacity = settings.busy_households_per_slot if busy else settings.households_per_slot
            grid = rows[current][0]
            # The grid the next household in priority order lives in; once there, the pair also
            # walks the grid's households of the later kinds (rows are in priority order).
            taken, ids = 0, []
            for row in rows[current:]:
                if row[0] is grid and row[column] and taken < capacity:
                    more = min(row[column], capacity - taken)
                    row[column] -= more
                    taken += more
                    ids += [row[2 + column].popleft() for _ in range(min(more, len(row[2 + column])))]
            # Room left, and no priority household of the village left to walk: the rest of the
            # slot goes to this grid's other households.
            extra = 0
            last_priority = phase == "priority" and not any(r[column] for r in rows[current:])
            for other in (todo if last_priority else ()):
                if other[0] is grid and other[2] and taken + extra < capacity:
                    more = min(other[2], capacity - taken - extra)
                    other[2] -= more
                    extra += more
                    ids += [other[4].popleft() for _ in range(min(more, len(other[4])))]
            members = pair + ((grid.worker,) if grid.worker and book.free(grid.worker, day, name) else ())
            self.add("入户走访", day, name, village.id, members, matched.campaign, grid=grid.id,
                     households=taken + extra, priority=taken if phase == "priority" else 0,
                     household_ids=tuple(sorted(ids, key=self.walk_order.__getitem__)))
            while current < len(rows) and not rows[current][column]:
                current += 1
        self.resume[key] = index
        todo[:] = [row for row in todo if row[1] + row[2]]

    def report_left(self, left) -> None:
        placed_by: dict[tuple[str, str], int] = defaultdict(int)
        for v in self.visits:
            if v.kind == "入户走访":
                placed_by[(v.campaign, v.village)] += 1
        by_id = {m.campaign.id: m for m in self.order}
        per_slot = self.project.schedule.households_per_slot
        for (campaign_id, village_id), todo in left.items():
            if todo:
                matched, village = by_id[campaign_id], self.project.village[village_id]
                households = sum(p + o for _, p, o, *_ in todo)
                placed = placed_by[(campaign_id, village_id)]
                needed = placed + sum(math.ceil((p + o) / per_slot) for _, p, o, *_ in todo)
                self.miss(matched, village_id, "入户走访", _why(matched, village, needed, placed, households,
                                                                  self.book, self.cal), needed, placed, households)

    # -------------------------------------------------------- gatherings
    def meeting(self, matched, activity, village) -> None:
        team, book = village.team.members, self.book
        last = None
        for k in range(activity.times):
            found = None
            for day, name, busy in self.candidates[matched.campaign.id]:
                if busy or name != "晚上":  # a meeting needs the village at home and not in the fields
                    continue
                if not activity.weekends and self.cal.is_day_off(day) and not self.cal.is_holiday(day):
                    continue
                if last and (day - last).days < 7:  # repeated meetings a week apart at least
                    continue
                if all(book.free(c, day, name) for c in team):
                    found = (day, name)
                    break
            if found is None:
                self.miss(matched, village.id, activity.type,
                          f"{village.name}「{matched.campaign.title}」的第 {k + 1} 次{activity.type}找不到全组三人都有空、"
                          "又不在农忙的晚上", activity.times, k)
                return
            last = found[0]
            self.add(activity.type, *found, village.id, team, matched.campaign)

    def market(self, matched, activity) -> None:
        """Market stalls (赶集摆摊) on 集日 mornings, by two cadres of the lead and partner units."""
        market, campaign = self.project.township.market, matched.campaign
        if market is None:
            self.miss(matched, "", "赶集摆摊", f"「{campaign.title}」要赶集摆摊，但 data/township.yml 没有写集市（market）")
            return
        where = self.project.village[market.village]
        units = (campaign.lead, *campaign.partners)
        staff = [c for c in self.project.township.cadres if c.role in ("部门负责人", "工作人员", "民警")]

        def rank(c):  # the lead unit's people first, then the partners', then anyone's
            return units.index(c.unit) if c.unit in units else len(units)

        for window in matched.windows:
            days = [d for d in window.dates() if market.meets_on(d, lunar_day(d))
                    and (not self.cal.is_holiday(d) or holiday_open(campaign, d, self.cal)) and "上午" in self.slots]
            placed = 0
            for day in _spread(days, activity.times):
                free = sorted((c for c in staff if self.book.free(c.id, day, "上午")),
                              key=lambda c: (rank(c), self.book.load[c.id]))
                if len(free) >= 2:
                    self.add("赶集摆摊", day, "上午", market.village, (free[0].id, free[1].id), campaign,
                             place=market.place, uid_place=market.village)
                    placed += 1
            if placed < activity.times:
                why = (f"这段时间{where.name}{market.place}只有 {len(days)} 个集日" if len(days) < activity.times
                       else "集日上午没有两名干部有空")
                self.miss(matched, market.village, "赶集摆摊",
                          f"「{campaign.title}」在 {window.start:%m-%d} 至 {window.end:%m-%d} 要赶集摆摊 "
                          f"{activity.times} 次，只排到 {placed} 次：{why}", activity.times, placed)

    def enterprises(self, matched, activity, village) -> None:
        """进企业: the village's team visits each enterprise in it, on working days in the daytime."""
        campaign = matched.campaign
        for enterprise in (e for e in self.project.township.enterprises if e.village == village.id):
            placed = 0
            for day, name, _ in self.any_slot[campaign.id]:
                if placed == activity.times:
                    break
                if name not in DAYTIME or self.cal.is_day_off(day):
                    continue
                pair = self.book.best_pair(_pairs(village), day, name)
                if pair:
                    self.add("进企业", day, name, village.id, pair, campaign, place=enterprise.name,
                             uid_place=enterprise.id)
                    placed += 1
            if placed < activity.times:
                self.miss(matched, village.id, "进企业",
                          f"「{campaign.title}」到{enterprise.name}宣传 {activity.times} 次，只排到 {placed} 次："
                          f"窗口内工作日的白天{village.name}包村组没有两人同时有空", activity.times, placed)

    def schools(self, matched, villages) -> None:
        """进校园: one lesson at each school in the campaign's villages, taught by its 法治副校长."""
        campaign, cal = matched.campaign, self.cal
        ids = {v.id for v in villages}
        for school in self.project.township.schools:
            if school.village and school.village not in ids:
                continue
            lessons = [le for le in matched.lessons if le.stage in school.stages] or \
                      [le for le in self.project.lessons if le.stage in school.stages]
            if not lessons:
                self.miss(matched, school.village or "", "进校园",
                          f"{school.name}没有适合本校学段（{'、'.join(school.stages)}）的法治课")
                continue
            found = next(((d, n) for d, n, _ in self.any_slot[campaign.id]
                          if n in DAYTIME and cal.is_school_day(d) and self.book.free(school.vice_principal, d, n)), None)
            if found is None:
                self.miss(matched, school.village or "", "进校园",
                          f"「{campaign.title}」的时间窗口内{school.name}没有上课日（假期或考试周），"
                          "或法治副校长没有空")
                continue
            self.add("进校园", *found, school.village or "", (school.vice_principal,), campaign, place=school.name,
                     lesson=lessons[0].id, uid_place=school.id, school=school.id)


def check_working_time(project: Project, year: PlanYear, problems) -> None:
    """Leave and meetings the year cannot use: on a statutory holiday (nobody plans visits then anyway)
    or outside the plan year — likely a typo in the date."""
    cal, settings = year.calendar, project.schedule
    for lv in settings.leave:
        if lv.end < cal.first or lv.start > cal.last:
            problems.warning(lv.pos, f"请假 {lv.start} 至 {lv.end} 不在规划年度 {year.number} 年内，排班用不上：日期写对了吗？")
    for m in settings.meetings:
        if m.date is not None and m.date.year != year.number:
            problems.warning(m.pos, f"会议「{m.reason}」的日期 {m.date} 不在规划年度 {year.number} 年内：日期写对了吗？")
        elif m.date is not None and cal.is_holiday(m.date):
            problems.warning(m.pos, f"会议「{m.reason}」在 {m.date}，这天是法定节假日（{cal.holidays[m.date]}）：日期写对了吗？")
    roles = dict(settings.role_slots_per_week)
    for role in roles:
        if role not in ROLES:
            problems.error(settings.pos, f"role_slots_per_week 中的「{role}」不是干部角色"
                                         f"（可写：{'、'.join(ROLES)}）")


def plan(project: Project, year: PlanYear) -> Plan:
    """Stage 3: the door-to-door plan of the year (and meetings, market stalls, enterprise and school
    visits, and the schools' own 法治课)."""
    return _Planner(project, year).run()


def lessons_plan(project: Project, year: PlanYear) -> Plan:
    """The schools' 法治课 alone, for a year not yet planned (the next year's school plans)."""
    return _Planner(project, year).run(lessons_only=True)


def _spread(days: list[dt.date], times: int) -> list[dt.date]:
    """`times` of the days, spread evenly (first and last included when there are enough)."""
    if len(days) <= times:
        return days
    if times == 1:
        return days[:1]
    return [days[round(i * (len(days) - 1) / (times - 1))] for i in range(times)]


def _candidates(matched: Matched, cal, slots: dict[str, Slot], evening_only_when_busy: bool = True):
    """(day, slot name, busy period or None) inside the campaign's windows, earliest first."""
    campaign: Campaign = matched.campaign
    for window in matched.windows:
        for day in window.dates():
            if cal.is_holiday(day) and not holiday_open(campaign, day, cal):
                continue
            busy = cal.busy_on(day)
            for name in slots:
                if busy and evening_only_when_busy and name != "晚上":
                    continue
                yield day, name, busy


def holiday_open(campaign: Campaign, day: dt.date, cal) -> bool:
    """A statutory holiday the campaign may work on: `on_holidays`, and 除夕 and 初一 only if named."""
    if not campaign.on_holidays:
        return False
    family = {d: n for d, n in cal.festivals if n in ("除夕", "春节")}
    name = {"除夕": "除夕", "春节": "初一"}.get(family.get(day, ""), "")
    return not name or name in campaign.holiday_days


def _next_week(candidates) -> list[int]:
    """For each candidate, the index of the first candidate in a later ISO week."""
    out = [len(candidates)] * len(candidates)
    following = len(candidates)
    for i in range(len(candidates) - 1, -1, -1):
        if i + 1 < len(candidates) and candidates[i + 1][0].isocalendar()[:2] != candidates[i][0].isocalendar()[:2]:
            following = i + 1
        out[i] = following
    return out


def _pairs(village: Village) -> list[tuple[str, str]]:
    leader, a, b = village.team.members
    return [(leader, a), (leader, b), (a, b)]


def _why(matched, village, needed, placed, households, book, cal) -> str:
    """A reason an organizer can act on: the numbers, and what took the team's time."""
    windows = matched.windows
    text = (f"{village.name}「{matched.campaign.title}」入户走访需 {needed} 个时段，窗口内只排到 {placed} 个，"
            f"还差约 {households} 户")
    if not windows:
        return text + "：活动本年度没有可用的日子"
    def inside(day: dt.date) -> bool:  # in a window itself, not in the gap between two
        return any(w.start <= day <= w.end for w in windows)

    causes = []
    settings = book.settings
    team = set(village.team.members)
    for lv in settings.leave:
        if lv.cadre in team and any(w.start <= lv.end and lv.start <= w.end for w in windows):
            causes.append(f"{book.names.get(lv.cadre, lv.cadre)} {lv.start:%m-%d} 至 {lv.end:%m-%d} {lv.reason}")
    for d in settings.duty:
        if d.cadre in team:
            when = "、".join("一二三四五六日"[w - 1] for w in d.weekdays) + ("".join(d.slots) if d.slots else "")
            causes.append(f"{book.names.get(d.cadre, d.cadre)} 每周{when}{d.reason}")
    days = [(day, m) for m in settings.meetings if not m.cadres or set(m.cadres) & team
            for day in meeting_days(m, windows[0].start.year) if inside(day)]
    if days:
        days.sort(key=lambda dm: dm[0])
        causes.append("开会：" + "、".join(f"{day:%m-%d} {m.reason}" for day, m in days[:3])
                      + (f" 等 {len(days)} 次" if len(days) > 3 else ""))
    busy_days = sum(1 for w in windows for d in w.dates() if cal.busy_on(d))
    if busy_days:
        causes.append(f"{busy_days} 天在农忙期，只能晚上走、每次户数减半")
    shared = [book.names[c] for c in village.team.members if c in book.shared]
    if shared:
        causes.append(f"{'、'.join(shared)} 同时包其他村，时段要分给两个村")
    limits = sorted({book.limits.get(c, settings.slots_per_week) for c in team})
    causes.append(f"每人每周最多 {'、'.join(map(str, limits))} 个时段")
    return text + "：" + "；".join(causes)
