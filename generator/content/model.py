"""The content model: typed records for everything a township keeps, and the schema of each file kind.

Records are plain frozen dataclasses. Each schema below is the single definition from which both
validation (with file:line:col errors) and the editors' JSON Schema are derived.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from ..problems import Pos
from .schema import ArticleNumber, Bool, Date, DateText, Field, Id, Int, List, Mapping, Obj, OneOf, Ref, Str, Type

# Stages of the 青少年法治教育大纲, with the folder each stage's lessons live in.
STAGES = {"小学低年级": "primary-lower", "小学高年级": "primary-upper", "初中": "junior", "高中": "senior"}
STAGE_AUDIENCE = {"小学低年级": "students-primary-lower", "小学高年级": "students-primary-upper",
                  "初中": "students-junior", "高中": "students-senior"}
UNITS = ("党政办", "综治办", "司法所", "派出所", "信访办", "安监办", "农业服务中心", "人社所",
         "妇联", "团委", "民政办", "村委会", "法院", "检察院", "消防救援")
ROLES = ("党政领导", "部门负责人", "网格员", "法律明白人", "民警", "工作人员")
REVIEW_STATUS = ("待审核", "已审核")
ACTIVITY_TYPES = ("入户走访", "院坝会", "村民会议", "赶集摆摊", "进企业", "进校园")
# Who a door-to-door activity is for: everyone (priority households first), only the priority
# households, or only households of the listed kinds, in that order of priority.
EVERYONE, PRIORITY = "全部", "重点户"
FAMILY_DAYS = ("除夕", "初一")  # kept free on holidays unless a campaign names them


def _pos() -> Pos:
    return field(default=Pos("?"), compare=False, repr=False)


# ---------------------------------------------------------------- taxonomy
@dataclass(frozen=True)
class Group:
    id: str
    name: str
    pos: Pos = _pos()


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    group: str  # a Group name, as in the shared taxonomy
    keywords: tuple[str, ...] = ()
    pos: Pos = _pos()


@dataclass(frozen=True)
class Audience:
    id: str
    name: str
    pos: Pos = _pos()


# ---------------------------------------------------------------- township
@dataclass(frozen=True)
class Grid:
    id: str
    name: str
    households: int
    rental: int = 0
    migrants: int = 0
    worker: str | None = None  # the grid's 网格员 (a cadre id), who joins its door-to-door visits
    pos: Pos = _pos()


@dataclass(frozen=True)
class Team:
    leader: str
    heads: tuple[str, ...]
    pos: Pos = _pos()

    @property
    def members(self) -> tuple[str, ...]:
        return (self.leader, *self.heads)


@dataclass(frozen=True)
class Village:
    id: str
    name: str
    grids: tuple[Grid, ...]
    team: Team  # required by the schema
    kind: str = "行政村"
    pos: Pos = _pos()

    @property
    def households(self) -> int:
        return sum(g.households for g in self.grids)

    @property
    def rental(self) -> int:
        return sum(g.rental for g in self.grids)

    @property
    def migrants(self) -> int:
        return sum(g.migrants for g in self.grids)


@dataclass(frozen=True)
class Cadre:
    id: str
    name: str
    unit: str
    role: str
    phone: str | None = None
    phone_public: bool = False  # only a roster-marked public line may appear on the public site
    pos: Pos = _pos()


@dataclass(frozen=True)
class School:
    id: str
    name: str
    stages: tuple[str, ...]
    vice_principal: str  # a cadre id: the school's 法治副校长 (required by the schema)
    village: str | None = None
    pos: Pos = _pos()


@dataclass(frozen=True)
class Market:
    """The township's market (集市): where stalls go and on which days of the month it meets."""

    village: str
    place: str
    days: tuple[int, ...]   # days of the month, e.g. 逢三逢八 = 3, 8, 13, 18, 23, 28
    lunar: bool = True      # rural markets mostly count days by the lunar calendar
    pos: Pos = _pos()

    def meets_on(self, day: dt.date, lunar_day: int) -> bool:
        return (lunar_day if self.lunar else day.day) in self.days


@dataclass(frozen=True)
class Enterprise:
    id: str
    name: str
    village: str
    workers: int = 0
    pos: Pos = _pos()


@dataclass(frozen=True)
class Household:
    """A row of the internal register data/households.csv: never on the public site."""

    id: str
    grid: str
    door: str                 # 门牌
    head: str = ""            # 户主
    phone: str = ""
    flags: tuple[str, ...] = ()   # of HOUSEHOLD_FLAGS
    pos: Pos = _pos()

    @property
    def priority(self) -> bool:
        return bool(self.flags)


HOUSEHOLD_FLAGS = ("出租房屋", "流动人口", "独居老人", "留守儿童")

# The visit record (入户走访登记表) as typed back from the walk sheets: the template's columns.
RECORD_COLUMNS = ("日期", "时间", "村（社区）", "网格", "户号", "门牌", "户主", "走访结果", "讲解主题", "发放资料",
                  "问题类别", "问题说明", "需跟进", "干部", "走访编号", "来源")
# How a visit record reached the office: typed up from a paper form (导入), or captured at the door
# on the office app (手机). 考核 tells them apart: 督查 asks how much of the evidence came from the door.
SOURCES = ("导入", "手机")
LESSON_RECORD_COLUMNS = ("日期", "学校", "课程", "课时", "授课人", "学生人数", "备注", "走访编号")
OUTCOMES = ("已走访", "不在家", "拒绝", "已搬离")
PROBLEM_KINDS = ("纠纷", "隐患", "求助")


@dataclass(frozen=True)
class Township:
    id: str
    name: str
    county: str
    region: str
    contact: str
    villages: tuple[Village, ...]
    cadres: tuple[Cadre, ...]
    schools: tuple[School, ...]
    max_teams_per_cadre: int = 2
    site_url: str | None = None
    market: Market | None = None
    enterprises: tuple[Enterprise, ...] = ()
    pos: Pos = _pos()


# ---------------------------------------------------------------- content
@dataclass(frozen=True)
class Hotline:
    """A public service number a page may print (data/hotlines.yml), with who runs it and its source."""

    number: str
    name: str
    operator: str
    purpose: str
    source: str
    topics: tuple[str, ...] = ()   # topics whose pages should give this line under 去哪里求助
    pos: Pos = _pos()


@dataclass(frozen=True)
class Citation:
    law: str
    version: str  # the version's date, e.g. 2012-12-28 (the date of the adoption or amendment)
    articles: tuple[tuple[int, int], ...]  # (N, M) for 第N条之M; M = 0 for 第N条 itself
    short: str | None = None  # a short name the text may use in 《》 for a long title
    pos: Pos = _pos()


@dataclass(frozen=True)
class Review:
    status: str
    by: str | None = None
    on: dt.date | None = None
    next: dt.date | None = None
    pos: Pos = _pos()


@dataclass(frozen=True)
class Material:
    id: str
    title: str
    summary: str
    topics: tuple[str, ...]
    audiences: tuple[str, ...]
    review: Review
    citations: tuple[Citation, ...] = ()
    seasons: tuple[str, ...] = ()
    updated: dt.date | None = None   # the last change of substance (a shipped page newer than an override warns)
    shipped: bool = False            # brought by the package (generator/shipped), not the township's own
    group: str = ""     # the folder under docs/materials/, a Group id
    src: str = ""       # path relative to docs/
    body: str = ""      # Markdown after the front matter
    body_line: int = 1  # the file line the body starts on
    pos: Pos = _pos()


@dataclass(frozen=True)
class QuizItem:
    question: str
    options: tuple[str, ...]
    answer: int          # 1-based number of the right option
    explain: str = ""
    pos: Pos = _pos()


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    stage: str
    objectives: tuple[str, ...]
    topics: tuple[str, ...]
    review: Review
    periods: int = 1
    minutes: int = 40
    summary: str = ""
    quiz: tuple[QuizItem, ...] = ()
    citations: tuple[Citation, ...] = ()
    updated: dt.date | None = None
    shipped: bool = False
    src: str = ""
    body: str = ""
    body_line: int = 1
    pos: Pos = _pos()


@dataclass(frozen=True)
class Activity:
    type: str
    target: tuple[str, ...] = (EVERYONE,)  # 全部 | 重点户 | household flags, in order of priority
    share: int = 100            # percent of the households the target names
    visits_per_household: int = 1
    times: int = 1              # market stalls per window; meetings per village
    note: str = ""
    weekends: bool = True       # may be planned on Saturdays and Sundays (not on 调休 workdays: those are workdays)
    pos: Pos = _pos()

    @property
    def flags(self) -> tuple[str, ...]:
        """The household kinds this activity is for, in order of priority (all of them for 全部/重点户)."""
        return HOUSEHOLD_FLAGS if self.target[0] in (EVERYONE, PRIORITY) else self.target

    @property
    def only_flagged(self) -> bool:
        return self.target[0] != EVERYONE

    @property
    def describe_target(self) -> str:
        """What a cadre reads: 全部（重点户先走）, 重点户, 留守儿童、独居老人 — and the share if not all."""
        words = {EVERYONE: "全部（重点户先走）", PRIORITY: "重点户"}.get(self.target[0]) or "、".join(self.target)
        return words + (f"的 {self.share}%" if self.share < 100 else "")


@dataclass(frozen=True)
class VillageSelector:
    """Which villages a campaign covers: all, a list, or those with enough rental/migrant residents."""

    all: bool = False
    ids: tuple[str, ...] = ()
    min_rental: int = 0
    min_migrants: int = 0
    pos: Pos = _pos()


@dataclass(frozen=True)
class Campaign:
    id: str
    title: str
    goal: str
    topics: tuple[str, ...]
    audiences: tuple[str, ...]
    lead: str
    activities: tuple[Activity, ...]
    villages: VillageSelector
    when: tuple[dict, ...] = ()      # window expressions (with "pos"); resolved by the calendar stage
    avoid: tuple[str, ...] = ()      # named periods to leave out
    partners: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()  # extra materials beyond those matched by topic
    on_holidays: bool = False        # may run on statutory holidays (people are home at Spring Festival)
    holiday_days: tuple[str, ...] = ()  # with on_holidays: also 除夕 / 初一, which stay free unless named
    pos: Pos = _pos()

    @property
    def src(self) -> str:
        return self.pos.path


# ---------------------------------------------------------------- calendar data
@dataclass(frozen=True)
class Period:
    """A named stretch of the year between two day expressions (see calendar.parse_day)."""

    name: str
    start: str
    end: str
    busy: bool = False          # a busy farming period: door-to-door only in the evening
    source: str = ""
    pos: Pos = _pos()


@dataclass(frozen=True)
class Region:
    name: str
    periods: tuple[Period, ...]
    note: str = ""
    pos: Pos = _pos()


@dataclass(frozen=True)
class SchoolCalendar:
    terms: tuple[Period, ...] = ()
    holidays: tuple[Period, ...] = ()
    exams: tuple[Period, ...] = ()
    pos: Pos = _pos()


@dataclass(frozen=True)
class CalendarSettings:
    year: int
    return_window: Period
    school: SchoolCalendar = SchoolCalendar()
    periods: tuple[Period, ...] = ()   # county overrides of the region's farming periods
    seasons: tuple[Period, ...] = ()   # other words materials use for a time of year (seasons:)
    evening_busy: bool = True
    pos: Pos = _pos()


@dataclass(frozen=True)
class PublicityDay:
    name: str
    source: str
    on: str | None = None       # one day: MM-DD or a solar term
    start: str | None = None    # or a stretch
    end: str | None = None
    months: tuple[int, ...] = ()  # or whole months
    pos: Pos = _pos()


@dataclass(frozen=True)
class HolidayRange:
    name: str
    start: dt.date
    end: dt.date
    pos: Pos = _pos()


@dataclass(frozen=True)
class HolidayYear:
    """Statutory holidays and 调休 workdays of one year, filled in from the State Council notice."""

    year: int
    source: str
    holidays: tuple[HolidayRange, ...]
    workdays: tuple[dt.date, ...] = ()
    confirmed: bool = False
    pos: Pos = _pos()


@dataclass(frozen=True)
class Slot:
    name: str
    start: str  # HH:MM
    end: str
    pos: Pos = _pos()


@dataclass(frozen=True)
class Leave:
    cadre: str
    start: dt.date
    end: dt.date
    reason: str = "请假"
    pos: Pos = _pos()


@dataclass(frozen=True)
class Duty:
    """A cadre's standing duty (值班) on certain weekdays (1 = Monday), all day or in some slots."""

    cadre: str
    weekdays: tuple[int, ...]
    reason: str = "值班"
    slots: tuple[str, ...] = ()    # empty: the whole day
    pos: Pos = _pos()


@dataclass(frozen=True)
class Meeting:
    """A meeting that takes cadres away: everyone, or those listed; all slots of the day or some;
    on one date, or again and again (每周一, 每月第一个星期三, 每月15日) between `start` and `end`."""

    reason: str
    date: dt.date | None = None
    every: str | None = None       # 每周X | 每月第N个星期X | 每月最后一个星期X | 每月N日
    start: dt.date | None = None   # a repeating meeting's first and last possible day
    end: dt.date | None = None
    cadres: tuple[str, ...] = ()   # empty: the whole roster
    slots: tuple[str, ...] = ()    # empty: the whole day
    pos: Pos = _pos()


DEFAULT_SLOTS = (Slot("上午", "08:30", "11:30"), Slot("下午", "14:00", "17:00"), Slot("晚上", "18:30", "20:30"))


@dataclass(frozen=True)
class ScheduleSettings:
    """How door-to-door work is planned: time slots, what a pair of cadres covers in one, limits."""

    slots: tuple[Slot, ...] = DEFAULT_SLOTS
    households_per_slot: int = 12
    busy_households_per_slot: int = 6
    slots_per_week: int = 4
    role_slots_per_week: tuple[tuple[str, int], ...] = ()  # (role, slots a week) where a role differs
    leave: tuple[Leave, ...] = ()
    duty: tuple[Duty, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    pos: Pos = _pos()


@dataclass(frozen=True)
class Synonym:
    word: str                 # what villagers say: 工钱
    targets: tuple[str, ...]  # what the materials say: 工资、劳动报酬
    pos: Pos = _pos()


@dataclass(frozen=True)
class Synonyms:
    words: tuple[Synonym, ...] = ()
    particles: tuple[str, ...] = ()
    pos: Pos = _pos()


@dataclass(frozen=True, eq=False)
class Project:
    """Everything loaded from a township's files; the input of every later stage."""

    root: str
    township: Township
    groups: tuple[Group, ...]
    topics: tuple[Topic, ...]
    audiences: tuple[Audience, ...]
    materials: tuple[Material, ...]
    lessons: tuple[Lesson, ...]
    campaigns: tuple[Campaign, ...]
    calendar: CalendarSettings
    regions: tuple[Region, ...] = ()
    publicity: tuple[PublicityDay, ...] = ()
    holiday_years: tuple[HolidayYear, ...] = ()
    deferred_refs: tuple = ()  # uses of days and periods, checked by the calendar stage
    synonyms: Synonyms = Synonyms()
    schedule: ScheduleSettings = ScheduleSettings()
    households: tuple[Household, ...] = ()  # the internal register, when data/households.csv exists
    hotlines: tuple[Hotline, ...] = ()
    seasons: tuple[Period, ...] = ()   # season words of the materials (shipped, then calendar.yml's)
    privacy_allow: tuple[str, ...] = ()  # data/privacy.yml: words the guard does not take for a household head

    def __post_init__(self) -> None:
        # Lookups by id, derived once (frozen: set through object.__setattr__).
        register: dict[str, list[Household]] = {}  # grid id → households in walking order
        for h in sorted(self.households, key=lambda h: walking_key(h.door)):
            register.setdefault(h.grid, []).append(h)
        lookups = {
            "region": {r.name: r for r in self.regions},
            "holiday_year": {h.year: h for h in self.holiday_years},
            "topic": {t.id: t for t in self.topics},
            "audience": {a.id: a for a in self.audiences},
            "group": {g.id: g for g in self.groups},
            "group_by_name": {g.name: g for g in self.groups},
            "village": {v.id: v for v in self.township.villages},
            "cadre": {c.id: c for c in self.township.cadres},
            "school": {s.id: s for s in self.township.schools},
            "material": {m.id: m for m in self.materials},
            "lesson": {le.id: le for le in self.lessons},
            "campaign": {c.id: c for c in self.campaigns},
            "hotline": {h.number: h for h in self.hotlines},
            "grid": {g.id: (v, g) for v in self.township.villages for g in v.grids},
            "enterprise": {e.id: e for e in self.township.enterprises},
            "register": register,
            "cadre_name": display_names(self.township.cadres),
            "campaign_village_cache": {},
        }
        for name, table in lookups.items():
            object.__setattr__(self, name, table)

    # The lookups' types, for the type checker.
    region: dict[str, Region] = field(init=False, repr=False, compare=False)
    holiday_year: dict[int, HolidayYear] = field(init=False, repr=False, compare=False)
    topic: dict[str, Topic] = field(init=False, repr=False, compare=False)
    audience: dict[str, Audience] = field(init=False, repr=False, compare=False)
    group: dict[str, Group] = field(init=False, repr=False, compare=False)
    group_by_name: dict[str, Group] = field(init=False, repr=False, compare=False)
    village: dict[str, Village] = field(init=False, repr=False, compare=False)
    cadre: dict[str, Cadre] = field(init=False, repr=False, compare=False)
    school: dict[str, School] = field(init=False, repr=False, compare=False)
    material: dict[str, Material] = field(init=False, repr=False, compare=False)
    lesson: dict[str, Lesson] = field(init=False, repr=False, compare=False)
    campaign: dict[str, Campaign] = field(init=False, repr=False, compare=False)
    hotline: dict[str, Hotline] = field(init=False, repr=False, compare=False)
    grid: dict[str, tuple[Village, Grid]] = field(init=False, repr=False, compare=False)
    enterprise: dict[str, Enterprise] = field(init=False, repr=False, compare=False)
    register: dict[str, list[Household]] = field(init=False, repr=False, compare=False)
    cadre_name: dict[str, str] = field(init=False, repr=False, compare=False)
    campaign_village_cache: dict[VillageSelector, list[Village]] = field(init=False, repr=False, compare=False)

    def who(self, cadre_ids) -> str:
        """A team as people read it: names joined by 、, 姓名（单位） where two share a name."""
        return "、".join(self.cadre_name[c] for c in cadre_ids)

    def campaign_villages(self, campaign: Campaign) -> list[Village]:
        # Asked for every village of every campaign (a county's pages ask 12,000 times); by the selector,
        # which is all the answer depends on besides the township.
        known = self.campaign_village_cache.get(campaign.villages)
        if known is None:
            known = self.campaign_village_cache[campaign.villages] = self._campaign_villages(campaign)
        return list(known)

    def _campaign_villages(self, campaign: Campaign) -> list[Village]:
        sel = campaign.villages
        if sel.all:
            return list(self.township.villages)
        if sel.ids:
            return [v for v in self.township.villages if v.id in sel.ids]
        return [v for v in self.township.villages
                if v.rental >= sel.min_rental and v.migrants >= sel.min_migrants]


def display_names(roster: tuple[Cadre, ...]) -> dict[str, str]:
    """Each cadre as people tell them apart: the name, or 姓名（单位） when another has the same name.
    (Counted once for the roster: asked per mention, it was a county build's largest cost, 68 s.)"""
    count = Counter(c.name for c in roster)
    return {c.id: f"{c.name}（{c.unit}）" if count[c.name] > 1 else c.name for c in roster}


def walking_key(door: str) -> tuple:
    """门牌 in walking order: 新河路2号 before 新河路10号 (numbers compared as numbers)."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", door) if part)


# ---------------------------------------------------------------- schemas
def _build(cls, **fixed):
    def make(**values):
        for key, value in values.items():
            if isinstance(value, list):
                values[key] = tuple(value)
        return cls(**fixed, **values)
    return make


def _ids(kind: str, min_items: int = 0) -> List:
    return List(item=Ref(kind=kind), min_items=min_items, unique=True)


TEXT = Str()

TOPICS_FILE = List(item=Obj(fields={
    "id": Field(Id(), True, "主题编号"),
    "name": Field(TEXT, True, "主题名称"),
    "group": Field(Ref(kind="group-name"), True, "所属生活场景分组的名称，如 工作与收入"),
    "keywords": Field(List(item=TEXT), doc="常用说法，帮助搜索与匹配"),
}, build=_build(Topic), doc="一个法治宣传主题"), min_items=1)

GROUPS_FILE = List(item=Obj(fields={
    "id": Field(Id(), True, "分组编号，也是 docs/materials/ 下的文件夹名"),
    "name": Field(TEXT, True, "分组名称"),
}, build=_build(Group), doc="生活场景分组"), min_items=1)

AUDIENCES_FILE = List(item=Obj(fields={
    "id": Field(Id(), True, "对象编号"),
    "name": Field(TEXT, True, "对象名称"),
}, build=_build(Audience), doc="宣传对象"), min_items=1)

GRID = Obj(fields={
    "id": Field(Id(), True, "网格编号，全镇唯一"),
    "name": Field(TEXT, True, "网格名称"),
    "households": Field(Int(min=0), True, "户数"),
    "rental": Field(Int(min=0), doc="出租房屋户数", default=0),
    "migrants": Field(Int(min=0), doc="流动人口（外来人员）人数", default=0),
    "worker": Field(Ref(kind="cadre"), doc="本网格的网格员（干部编号），随包村工作组入户"),
}, build=_build(Grid))

TEAM = Obj(fields={
    "leader": Field(Ref(kind="cadre"), True, "包村党政领导（干部编号）"),
    "heads": Field(_ids("cadre"), True, "两名包村部门负责人（干部编号）"),
}, build=_build(Team), doc="包村工作组：一名党政领导加两名部门负责人")

VILLAGE = Obj(fields={
    "id": Field(Id(), True, "村（社区）编号"),
    "name": Field(TEXT, True, "村（社区）名称"),
    "kind": Field(Str(enum=("行政村", "社区")), doc="行政村或社区", default="行政村"),
    "grids": Field(List(item=GRID, min_items=1), True, "网格"),
    "team": Field(TEAM, True, "包村工作组"),
}, build=_build(Village))

CADRE = Obj(fields={
    "id": Field(Id(), True, "干部编号"),
    "name": Field(TEXT, True, "姓名"),
    "unit": Field(Str(enum=UNITS), True, "所在单位"),
    "role": Field(Str(enum=ROLES), True, "角色"),
    "phone": Field(Str(pattern=r"[0-9+\- ]{5,20}", hint="电话号码", numbers=True), doc="工作电话（内部）"),
    "phone_public": Field(Bool(), doc="工作电话可以公开在网站上", default=False),
}, build=_build(Cadre))

SCHOOL = Obj(fields={
    "id": Field(Id(), True, "学校编号"),
    "name": Field(TEXT, True, "学校名称"),
    "stages": Field(List(item=Str(enum=tuple(STAGES)), min_items=1, unique=True), True, "学段"),
    "vice_principal": Field(Ref(kind="cadre"), True, "法治副校长（干部编号）"),
    "village": Field(Ref(kind="village"), doc="所在村（社区）"),
}, build=_build(School))

MARKET = Obj(fields={
    "village": Field(Ref(kind="village"), True, "集市所在的村（社区）"),
    "place": Field(TEXT, True, "摆摊地点，如 青禾老街农贸市场门口"),
    "days": Field(List(item=Int(min=1, max=30), min_items=1, unique=True), True,
                  "每月逢哪几天赶集，如 逢三逢八写 [3, 8, 13, 18, 23, 28]"),
    "lunar": Field(Bool(), doc="集日按农历算（多数农村集市如此）", default=True),
}, build=_build(Market), doc="本镇的集市和集日")

ENTERPRISE = Obj(fields={
    "id": Field(Id(), True, "企业编号"),
    "name": Field(TEXT, True, "企业名称"),
    "village": Field(Ref(kind="village"), True, "所在村（社区）"),
    "workers": Field(Int(min=0), doc="职工人数", default=0),
}, build=_build(Enterprise))

TOWNSHIP_FILE = Obj(fields={
    "id": Field(Id(), True, "乡镇编号"),
    "name": Field(TEXT, True, "乡镇名称"),
    "county": Field(TEXT, True, "所属县（市、区）"),
    "region": Field(Ref(kind="region"), True, "农事区域，如 苏南、华北、东北、华南（见 data/regions/）"),
    "contact": Field(TEXT, True, "印在明白纸上的联系方式，如 镇司法所地址和办公时间"),
    "site_url": Field(Str(pattern=r"https?://\S+", hint="网址，如 http://192.168.1.10/"),
                      doc="网站发布地址（用于二维码）"),
    "max_teams_per_cadre": Field(Int(min=1, max=10), doc="一名干部最多参加几个包村工作组", default=2),
    "villages": Field(List(item=VILLAGE), True, "村（社区）"),
    "cadres": Field(List(item=CADRE), True, "干部名册"),
    "schools": Field(List(item=SCHOOL), doc="学校", default=list),
    "market": Field(MARKET, doc="集市（赶集摆摊宣传用）"),
    "enterprises": Field(List(item=ENTERPRISE), doc="企业（进企业宣传用）", default=list),
}, build=_build(Township), doc="乡镇基本情况：村、网格、干部、包村工作组和学校")

CITATION = Obj(fields={
    "law": Field(TEXT, True, "法律法规名称（不带“中华人民共和国”），如 劳动合同法；司法解释写全称"),
    "short": Field(TEXT, doc="简称：正文可以写《简称》第N条，如 彩礼规定"),
    "version": Field(DateText(), True, "版本日期（通过或修改的日期），如 2012-12-28"),
    "articles": Field(List(item=ArticleNumber(), min_items=1, unique=True), True,
                      "条文序号，如 [10, 82]；第X条之Y 写成 287之二"),
}, build=_build(Citation))

REVIEW = Obj(fields={
    "status": Field(Str(enum=REVIEW_STATUS), True, "审核状态"),
    "by": Field(TEXT, doc="审核人"),
    "on": Field(Date(), doc="审核日期"),
    "next": Field(Date(), doc="下次复核日期"),
}, build=_build(Review))

MATERIAL_META = Obj(fields={
    "id": Field(Id(), True, "资料编号，全站唯一"),
    "title": Field(TEXT, True, "标题，用村民的话说"),
    "summary": Field(TEXT, True, "一句话要点"),
    "topics": Field(_ids("topic", 1), True, "主题编号"),
    "audiences": Field(_ids("audience", 1), True, "宣传对象编号"),
    "seasons": Field(List(item=TEXT, unique=True),
                     doc="适合宣传的时节：节气节日、农事时段、宣传日，或 data/calendar.yml 的 seasons 里写明的说法；全年 表示不分时节"),
    "citations": Field(List(item=CITATION), doc="引用的法律条文"),
    "review": Field(REVIEW, True, "审核情况"),
    "updated": Field(Date(), doc="内容最近一次实质修改的日期（本镇替换安装包里的资料时用来比较新旧）"),
}, build=None, doc="宣传资料的头部信息")

LESSON_META = Obj(fields={
    "id": Field(Id(), True, "课程编号，全站唯一"),
    "title": Field(TEXT, True, "课题"),
    "stage": Field(Str(enum=tuple(STAGES)), True, "学段"),
    "summary": Field(TEXT, doc="一句话介绍"),
    "periods": Field(Int(min=1, max=4), doc="课时数", default=1),
    "minutes": Field(Int(min=30, max=60), doc="每课时分钟数", default=40),
    "objectives": Field(List(item=TEXT, min_items=1), True, "教学目标"),
    "topics": Field(_ids("topic", 1), True, "主题编号"),
    "quiz": Field(List(item=Obj(fields={
        "q": Field(TEXT, True, "题目"),
        "options": Field(List(item=TEXT, min_items=2, unique=True), True, "选项"),
        "answer": Field(Int(min=1, max=6), True, "正确选项是第几个（从 1 数起）"),
        "explain": Field(TEXT, doc="讲解", default=""),
    }, build=lambda pos, **v: QuizItem(v["q"], tuple(v["options"]), v["answer"], v["explain"], pos))),
        doc="小测验（页面上不联网也能做）"),
    "citations": Field(List(item=CITATION), doc="引用的法律条文（教学过程、卡片、测验讲解中用到的每一条）"),
    "review": Field(REVIEW, True, "审核情况"),
    "updated": Field(Date(), doc="内容最近一次实质修改的日期"),
}, build=None, doc="法治课的头部信息")

class _Target(Str):
    def check(self, node, ctx):
        value = super().check(node, ctx)
        return (value,) if isinstance(value, str) else value


TARGET: Type = OneOf(options=(
    _Target(enum=(EVERYONE, PRIORITY)),
    List(item=Str(enum=HOUSEHOLD_FLAGS), min_items=1, unique=True),
))

ACTIVITY = Obj(fields={
    "type": Field(Str(enum=ACTIVITY_TYPES), True, "活动形式"),
    "target": Field(TARGET, doc="走哪些户：全部（重点户先走）、重点户（只走重点户），或写出要走的重点户类别"
                                "如 [留守儿童, 独居老人]（按先后排）", default=lambda: (EVERYONE,)),
    "share": Field(Int(min=1, max=100), doc="只走上面这些户的百分之几（默认 100）", default=100),
    "weekends": Field(Bool(), doc="周六周日也排（调休上班的周末算工作日）", default=True),
    "visits_per_household": Field(Int(min=1, max=4), doc="每户走访次数", default=1),
    "times": Field(Int(min=1, max=20), doc="次数：赶集摆摊每个窗口几次，院坝会每村几次", default=1),
    "note": Field(TEXT, doc="说明", default=""),
}, build=_build(Activity))

SELECTOR = Obj(fields={
    "min_rental": Field(Int(min=0), doc="出租房屋户数不少于", default=0),
    "min_migrants": Field(Int(min=0), doc="流动人口不少于", default=0),
}, build=_build(VillageSelector), doc="按出租房屋和流动人口挑选村")


class _AllVillages(Str):
    def check(self, node, ctx):
        value = super().check(node, ctx)
        return VillageSelector(all=True, pos=ctx.pos(node)) if value == "全部" else value


class _VillageList(List):
    def check(self, node, ctx):
        value = super().check(node, ctx)
        return VillageSelector(ids=tuple(value), pos=ctx.pos(node)) if isinstance(value, list) else value


VILLAGES_FIELD: Type = OneOf(options=(
    _AllVillages(enum=("全部",)),
    _VillageList(item=Ref(kind="village"), min_items=1, unique=True),
    SELECTOR,
))

# The window language is checked in detail by the calendar stage, which knows the anchors;
# here each window only has to be a mapping with known keys.
WINDOW = Obj(fields={
    "around": Field(Ref(kind="day"), doc="围绕一个日子：节气、节日、宣传日或 月-日，如 清明、12-04"),
    "before": Field(Int(min=0, max=120), doc="提前几天", default=0),
    "after": Field(Int(min=0, max=120), doc="推后几天", default=0),
    "period": Field(Ref(kind="period"), doc="一个农事或节令时段，如 冬闲、三夏、春节返乡"),
    "from": Field(Ref(kind="day"), doc="起始日：月-日（如 12-01）、农历（如 腊月二十）或节气节日名"),
    "to": Field(Ref(kind="day"), doc="结束日，写法同 from"),
    "months": Field(List(item=Int(min=1, max=12), min_items=1, unique=True), doc="整月，如 [5, 6]"),
}, build=lambda pos, **values: {**values, "pos": pos}, doc="宣传时间窗口")

CAMPAIGN_FILE = Obj(fields={
    "id": Field(Id(), True, "活动编号，应与文件名一致"),
    "title": Field(TEXT, True, "活动名称"),
    "goal": Field(TEXT, True, "活动目标"),
    "topics": Field(_ids("topic", 1), True, "主题编号"),
    "audiences": Field(_ids("audience", 1), True, "宣传对象编号"),
    "lead": Field(Str(enum=UNITS), True, "牵头单位"),
    "partners": Field(List(item=Str(enum=UNITS), unique=True), doc="配合单位"),
    "villages": Field(VILLAGES_FIELD, True, "覆盖的村：全部、村编号列表，或按条件挑选"),
    "when": Field(List(item=WINDOW, min_items=1), True, "时间窗口（可写多个，取并集）"),
    "avoid": Field(List(item=Ref(kind="period"), unique=True), doc="要避开的时段，如 [三夏, 三秋]"),
    "activities": Field(List(item=ACTIVITY, min_items=1), True, "活动形式"),
    "materials": Field(_ids("material"), doc="另外要带的资料编号"),
    "on_holidays": Field(OneOf(options=(Bool(), List(item=Str(enum=FAMILY_DAYS), min_items=1, unique=True))),
                         doc="法定节假日也开展（如春节期间返乡人员在家）：true；除夕、初一也要排，写 [除夕, 初一]",
                         default=False),
}, build=lambda pos, **v: _build(Campaign)(pos=pos, **{
    **v, "on_holidays": bool(v.get("on_holidays")),
    "holiday_days": tuple(v["on_holidays"]) if isinstance(v.get("on_holidays"), list) else ()}),
    doc="一项法治宣传活动")

DAY_DOC = "日子：节气或节日名（可加减天数，如 小满+5）、月-日（如 12-01）或农历（如 腊月二十）"


def _period(pos, **v) -> Period:
    return Period(name=v["name"], start=v["from"], end=v["to"], busy=v["busy"], source=v["source"], pos=pos)


PERIOD = Obj(fields={
    "name": Field(TEXT, True, "时段名称，如 三夏"),
    "from": Field(Ref(kind="day"), True, "开始的" + DAY_DOC),
    "to": Field(Ref(kind="day"), True, "结束的" + DAY_DOC),
    "busy": Field(Bool(), doc="农忙：入户只安排在晚上", default=False),
    "source": Field(TEXT, doc="依据或来源", default=""),
}, build=_period)

REGION_FILE = Obj(fields={
    "name": Field(TEXT, True, "地区名称，与 data/township.yml 的 region 一致，如 苏南"),
    "note": Field(TEXT, doc="说明", default=""),
    "periods": Field(List(item=PERIOD, min_items=1), True, "农事时段"),
}, build=_build(Region), doc="一个地区的农事时段")

SCHOOL_CALENDAR = Obj(fields={
    "terms": Field(List(item=PERIOD), doc="学期"),
    "holidays": Field(List(item=PERIOD), doc="寒暑假"),
    "exams": Field(List(item=PERIOD), doc="考试周（不安排法治课）"),
}, build=_build(SchoolCalendar), doc="校历")

CALENDAR_FILE = Obj(fields={
    "year": Field(Int(min=2000, max=2100), True, "规划年度"),
    "return_window": Field(PERIOD, True, "外出务工人员返乡在家的日子"),
    "evening_busy": Field(Bool(), doc="农忙时段入户只安排在晚上（false：白天也可以，户数仍减半）", default=True),
    "school": Field(SCHOOL_CALENDAR, doc="校历", default=SchoolCalendar),
    "periods": Field(List(item=PERIOD), doc="县里对农事时段的调整（同名覆盖，新名新增）"),
    "seasons": Field(List(item=PERIOD), doc="资料“时节”（seasons）里用到的其他说法，写明是哪几天，如 节后返岗"),
}, build=_build(CalendarSettings), doc="本镇的日历设置")


def _publicity(pos, **v) -> PublicityDay:
    return PublicityDay(name=v["name"], source=v["source"], on=v["on"], start=v["from"], end=v["to"],
                        months=tuple(v["months"]), pos=pos)


PUBLICITY_FILE = List(item=Obj(fields={
    "name": Field(TEXT, True, "宣传日名称"),
    "on": Field(Ref(kind="day"), doc="哪一天：月-日或节气"),
    "from": Field(Ref(kind="day"), doc="开始的月-日"),
    "to": Field(Ref(kind="day"), doc="结束的月-日"),
    "months": Field(List(item=Int(min=1, max=12), min_items=1, unique=True), doc="整月"),
    "source": Field(TEXT, True, "依据或来源"),
}, build=_publicity, doc="宣传日、宣传周或宣传月"))

HOLIDAY_RANGE = Obj(fields={
    "name": Field(TEXT, True, "节日名称"),
    "from": Field(Date(), True, "放假开始日期"),
    "to": Field(Date(), True, "放假结束日期"),
}, build=lambda pos, **v: HolidayRange(name=v["name"], start=v["from"], end=v["to"], pos=pos))

HOLIDAYS_FILE = Obj(fields={
    "year": Field(Int(min=2000, max=2100), True, "年份"),
    "source": Field(TEXT, True, "依据：国务院办公厅放假通知的名称和日期"),
    "confirmed": Field(Bool(), doc="已按国务院通知核对", default=False),
    "holidays": Field(List(item=HOLIDAY_RANGE, min_items=1), True, "放假安排"),
    "workdays": Field(List(item=Date()), doc="调休上班的日子"),
}, build=_build(HolidayYear), doc="一年的法定节假日和调休")

PRIVACY_FILE = Obj(fields={
    "allow": Field(List(item=Str(), unique=True), doc="不算农户姓名的词：户主姓名碰巧也是常用词时（如 用电高峰），"
                   "把网页上出现的那个词写在这里", default=list),
}, build=lambda pos, **v: tuple(v.get("allow") or ()), doc="公开网站个人信息检查的设置")

SYNONYMS_FILE = Obj(fields={
    "particles": Field(List(item=TEXT, unique=True), doc="搜索时忽略的口头语，如 怎么办、吗、呢"),
    "words": Field(Mapping(value=List(item=TEXT, min_items=1, unique=True),
                           build=lambda key, value, pos: Synonym(key, tuple(value), pos)), True,
                   "村民的说法: [资料里的说法, …]"),
}, build=_build(Synonyms), doc="村民的说法与法律用语的对照，搜索用")

SCHEDULE_FILE = Obj(fields={
    "slots": Field(List(item=Obj(fields={
        "name": Field(Str(enum=("上午", "下午", "晚上")), True, "时段"),
        "start": Field(Str(pattern=r"\d{2}:\d{2}", hint="时间，如 08:30"), True, "开始时间"),
        "end": Field(Str(pattern=r"\d{2}:\d{2}", hint="时间，如 11:30"), True, "结束时间"),
    }, build=_build(Slot)), min_items=1), doc="走访时段", default=lambda: DEFAULT_SLOTS),
    "households_per_slot": Field(Int(min=1, max=60), doc="两人一组一个时段走访的户数", default=12),
    "busy_households_per_slot": Field(Int(min=1, max=60), doc="农忙时（只在晚上）一个时段走访的户数", default=6),
    "slots_per_week": Field(Int(min=1, max=21), doc="每名干部每周最多参加几个走访时段", default=4),
    "leave": Field(List(item=Obj(fields={
        "cadre": Field(Ref(kind="cadre"), True, "干部编号"),
        "from": Field(Date(), True, "开始日期"),
        "to": Field(Date(), True, "结束日期"),
        "reason": Field(TEXT, doc="原因：请假、值班、开会", default="请假"),
    }, build=lambda pos, **v: Leave(v["cadre"], v["from"], v["to"], v["reason"], pos))),
        doc="干部不能走访的日子"),
    "duty": Field(List(item=Obj(fields={
        "cadre": Field(Ref(kind="cadre"), True, "干部编号"),
        "weekdays": Field(List(item=Int(min=1, max=7), min_items=1, unique=True), True, "每周几值班（1 是周一）"),
        "slots": Field(List(item=Str(enum=("上午", "下午", "晚上")), unique=True), doc="值班的时段（不写表示全天）"),
        "reason": Field(TEXT, doc="原因", default="值班"),
    }, build=_build(Duty))), doc="每周固定值班"),
    "meetings": Field(List(item=Obj(fields={
        "date": Field(Date(), doc="日期（开一次的会）"),
        "every": Field(TEXT, doc="定期开的会：每周一、每月第一个星期三、每月最后一个星期五、每月15日"),
        "from": Field(Date(), doc="定期会议从哪天起（不写：规划年度年初）"),
        "to": Field(Date(), doc="定期会议到哪天止（不写：规划年度年底）"),
        "reason": Field(TEXT, True, "会议名称"),
        "cadres": Field(_ids("cadre"), doc="参会干部编号（不写表示全体）"),
        "slots": Field(List(item=Str(enum=("上午", "下午", "晚上")), unique=True), doc="占用的时段（不写表示全天）"),
    }, build=lambda pos, **v: Meeting(v["reason"], v.get("date"), v.get("every"), v.get("from"), v.get("to"),
                                     tuple(v.get("cadres") or ()), tuple(v.get("slots") or ()), pos))),
        doc="会议：参会干部当天（或当时段）不排走访；定期的会写 every"),
    "role_slots_per_week": Field(Mapping(value=Int(min=1, max=21), build=lambda key, value, pos: (key, value)),
                                 doc="某类人员每周的时段上限与 slots_per_week 不同时写，如 {网格员: 8}", default=list),
}, build=_build(ScheduleSettings), doc="走村入户排班设置")

SEASONS_FILE = List(item=PERIOD)

HOTLINES_FILE = List(item=Obj(fields={
    "number": Field(Str(pattern=r"[19][0-9]{2,5}", hint="3 到 6 位的服务号码，如 12348", numbers=True), True, "号码"),
    "name": Field(TEXT, True, "名称，如 公共法律服务热线"),
    "operator": Field(TEXT, True, "谁开通、谁接听，如 司法行政机关"),
    "purpose": Field(TEXT, True, "管什么事，用村民的话说"),
    "source": Field(TEXT, True, "依据或出处：法规条文，或开通单位的公告"),
    "topics": Field(_ids("topic"), doc="这些主题的资料在“去哪里求助”里要写上这个号码", default=list),
}, build=_build(Hotline)), min_items=1)

SCHEMAS = {  # file kind → (root type, title) for JSON Schema generation
    "hotlines": (HOTLINES_FILE, "服务热线（data/hotlines.yml）"),
    "seasons": (SEASONS_FILE, "资料时节的说法（data/seasons.yml）"),
    "township": (TOWNSHIP_FILE, "乡镇（data/township.yml）"),
    "topics": (TOPICS_FILE, "主题（data/topics.yml）"),
    "groups": (GROUPS_FILE, "分组（data/groups.yml）"),
    "audiences": (AUDIENCES_FILE, "宣传对象（data/audiences.yml）"),
    "campaign": (CAMPAIGN_FILE, "宣传活动（campaigns/*.yml）"),
    "material": (MATERIAL_META, "宣传资料头部（docs/materials/**/*.md）"),
    "lesson": (LESSON_META, "法治课头部（docs/lessons/**/*.md）"),
    "region": (REGION_FILE, "地区农事时段（data/regions/*.yml）"),
    "calendar": (CALENDAR_FILE, "日历设置（data/calendar.yml）"),
    "publicity": (PUBLICITY_FILE, "宣传日（data/publicity.yml）"),
    "holidays": (HOLIDAYS_FILE, "法定节假日（data/holidays/<年份>.yml）"),
    "synonyms": (SYNONYMS_FILE, "村民说法对照（data/synonyms.yml）"),
    "privacy": (PRIVACY_FILE, "公开网站个人信息检查（data/privacy.yml）"),
    "schedule": (SCHEDULE_FILE, "走访排班设置（data/schedule.yml）"),
}
