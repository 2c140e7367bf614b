"""Stage: what happened — the visit and 法治课 records in the township's database (generator.store),
and the monthly incident counts a 综治 information system exports.

Records reach the database from the phone at the door (`wanjia office`) or typed up from the paper
forms: `wanjia records import FILE` checks every row (unknown village, grid, household or cadre; a
date outside every planned window; impossible combinations; the same household twice on one day),
reports each bad row with its line and column and stores the good ones, keyed by household and day,
so importing the same file again changes nothing; a file that cannot be read whole changes nothing
at all. `wanjia records export FILE` writes them back out in the template's columns. A 法治课 given
is recorded the same way (学校, 课程, 课时 …): the same commands tell the two kinds of file apart by
their header. The files data/records/visits.csv and lessons.csv, where a township still has them
(the store of earlier versions), are moved into the database once: a file already taken (by its
hash) is not read again, and its rows never replace a record the database already holds.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..content.model import LESSON_RECORD_COLUMNS, OUTCOMES, PROBLEM_KINDS, RECORD_COLUMNS, SOURCES, Project
from ..content.tables import Row, csv_bytes, read_table, yes
from ..problems import Pos, Problem, Problems, did_you_mean
from ..store import Store
from .match import PlanYear
from .schedule import LESSON, Plan

VISITS_CSV = "data/records/visits.csv"        # the template's file name; read once, then the database
LESSONS_CSV = "data/records/lessons.csv"
LESSON_REQUIRED = ("日期", "学校", "课程", "授课人")
INCIDENTS = "data/incidents.csv"
REQUIRED = ("日期", "村（社区）", "网格", "走访结果", "干部")
SEPARATORS = re.compile(r"[、,，;；/\s]+")

# Incident categories as 综治 systems count them, and the topics whose outreach answers each.
INCIDENT_KINDS = {
    "矛盾纠纷": ("neighbor-disputes", "mediation", "marriage-family", "homestead", "land-contract"),
    "劳资": ("wage-arrears", "labor-contract"),
    "赌博": ("gambling",),
    "盗窃": ("fraud",),
    "诈骗": ("fraud", "illegal-fundraising"),
    "火情": ("fire-safety", "straw-burning", "forest-fire"),
    "交通事故": ("traffic-safety",),
    "家庭暴力": ("domestic-violence", "marriage-family"),
    "溺水": ("drowning", "minors"),
    "涉毒": ("drugs",),
}


@dataclass(frozen=True)
class Record:
    date: dt.date
    time: str                 # HH:MM or ""
    village: str              # ids
    grid: str
    household: str            # register id, or "" when the grid has no register
    door: str
    head: str
    outcome: str
    topics: tuple[str, ...]
    materials: tuple[str, ...]
    problems: tuple[str, ...]
    note: str
    follow_up: bool
    cadres: tuple[str, ...]
    visit: str                # the planned visit's uid, or ""
    source: str = "导入"       # SOURCES: typed up and imported, or captured on the phone
    pos: Pos = field(default=Pos("?"), compare=False)

    @property
    def key(self) -> tuple:
        """One record per household per day: by register id, else by door, else by head's name."""
        return (self.village, self.grid, self.household or self.door or self.head, self.date)

    @property
    def reached(self) -> bool:
        return self.outcome == "已走访"


@dataclass(frozen=True)
class LessonRecord:
    """A 法治课 given: which school, which lesson, how many 课时, by whom."""
    date: dt.date
    school: str               # ids
    lesson: str
    periods: int
    teachers: tuple[str, ...]
    students: int | None
    note: str
    visit: str                # the planned lesson's uid, or ""
    pos: Pos = field(default=Pos("?"), compare=False)

    @property
    def key(self) -> tuple:
        """One record per school, lesson and day."""
        return (self.school, self.lesson, self.date)


@dataclass(frozen=True)
class Incident:
    month: tuple[int, int]
    village: str
    kind: str
    count: int
    pos: Pos = field(default=Pos("?"), compare=False)


# ---------------------------------------------------------------- rows → records
class _Names:
    """Everything a row may name, by id or by the name people write."""

    def __init__(self, p: Project, year: PlanYear, plan: Plan):
        self.project = p
        self.village = {**{v.name: v.id for v in p.township.villages}, **{v.id: v.id for v in p.township.villages}}
        self.grid = {}
        for v in p.township.villages:
            for g in v.grids:
                self.grid[(v.id, g.name)] = self.grid[(v.id, g.id)] = g.id
        self.cadre = {**{c.name: c.id for c in p.township.cadres}, **{c.id: c.id for c in p.township.cadres}}
        self.topic = {**{t.name: t.id for t in p.topics}, **{t.id: t.id for t in p.topics}}
        self.material = {**{m.title: m.id for m in p.materials}, **{m.id: m.id for m in p.materials}}
        self.household = {h.id: h for hs in p.register.values() for h in hs}
        self.school = {**{s.name: s.id for s in p.township.schools}, **{s.id: s.id for s in p.township.schools}}
        self.lesson = {**{le.title: le.id for le in p.lessons}, **{le.id: le.id for le in p.lessons}}
        self.visit = {v.uid: v for v in plan.visits}
        # The days a village was in some campaign's window: a record outside them is a typo or a fake.
        self.window_days: dict[str, set[dt.date]] = {}
        for m in year.matched:
            days = {d for w in m.windows for d in w.dates()}
            for v in p.campaign_villages(m.campaign):
                self.window_days.setdefault(v.id, set()).update(days)


def _date(text: str) -> dt.date | None:
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text.strip())
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _list(text: str) -> list[str]:
    return [part for part in SEPARATORS.split(text.strip()) if part]


def _reporter(row: Row, shown: str, problems: Problems) -> Callable[[str, str], None]:
    """Report a fault of a row at its cell, 第 N 行 first."""
    def bad(column: str, message: str) -> None:
        problems.error(row.pos(shown, column), f"第 {row.line} 行：{message}")
    return bad


def _day(row: Row, bad: Callable[[str, str], None]) -> dt.date | None:
    day = _date(row.get("日期"))
    if day is None:
        bad("日期", f"日期「{row.get('日期')}」看不懂，应写成 2027-01-15")
    return day


def parse_row(row: Row, shown: str, names: _Names, problems: Problems) -> Record | None:
    """One row checked field by field; None (after reporting every fault) when it cannot be kept."""
    before = len(problems.errors)
    bad = _reporter(row, shown, problems)
    day = _day(row, bad)
    time = row.get("时间")
    if time and not re.fullmatch(r"([01]?\d|2[0-3])[:：][0-5]\d", time):
        bad("时间", f"时间「{time}」看不懂，应写成 19:30")
    time = time.replace("：", ":").zfill(5) if time else ""
    village = names.village.get(row.get("村（社区）"))
    if village is None:
        bad("村（社区）", f"未知的村（社区）「{row.get('村（社区）')}」{did_you_mean(row.get('村（社区）'), names.village)}")
    grid = names.grid.get((village, row.get("网格"))) if village else None
    if village and grid is None:
        own = [g.name for g in names.project.village[village].grids]
        bad("网格", f"{names.project.village[village].name}没有网格「{row.get('网格')}」{did_you_mean(row.get('网格'), own)}")
    household, door, head = row.get("户号"), row.get("门牌"), row.get("户主")
    if household:
        h = names.household.get(household)
        if h is None:
            bad("户号", f"户号「{household}」不在农户登记表 data/households.csv 里")
        elif grid and h.grid != grid:
            bad("户号", f"户号「{household}」登记在{names.project.grid[h.grid][1].name}，不是{row.get('网格')}")
        elif h is not None:
            door, head = door or h.door, head or h.head
    elif not (door or head):
        bad("门牌", "没有写是哪一户：户号、门牌、户主至少填一项")
    outcome = row.get("走访结果")
    if outcome not in OUTCOMES:
        bad("走访结果", f"走访结果「{outcome}」应为 {'、'.join(OUTCOMES)} 之一{did_you_mean(outcome, OUTCOMES)}")
    def known(column: str, table: dict, what: str, suggest: bool = True) -> list[str]:
        """The ids of the names listed in a cell; each unknown one reported."""
        out = []
        for word in _list(row.get(column)):
            if word in table:
                out.append(table[word])
            else:
                bad(column, f"未知的{what}「{word}」" + (did_you_mean(word, table) if suggest else "（写编号或标题）"))
        return out

    topics = known("讲解主题", names.topic, "主题")
    materials = known("发放资料", names.material, "资料", suggest=False)
    kinds = _list(row.get("问题类别"))
    for k in kinds:
        if k not in PROBLEM_KINDS:
            bad("问题类别", f"问题类别「{k}」应为 {'、'.join(PROBLEM_KINDS)}{did_you_mean(k, PROBLEM_KINDS)}")
    follow = yes(row.get("需跟进"))
    if follow is None:
        bad("需跟进", f"「需跟进」应填 是 或 否，实际为「{row.get('需跟进')}」")
    cadres = known("干部", names.cadre, "干部")
    if not _list(row.get("干部")):
        bad("干部", "没有写走访的干部")
    # Combinations that cannot have happened.
    if outcome in OUTCOMES and outcome != "已走访" and (topics or materials):
        bad("讲解主题" if topics else "发放资料", f"走访结果是「{outcome}」，却填了讲解主题或发放资料")
    if outcome in ("不在家", "已搬离") and kinds:
        bad("问题类别", f"走访结果是「{outcome}」，却填了发现的问题")
    if follow and not kinds and not row.get("问题说明"):
        bad("需跟进", "需跟进，但没有写问题类别或问题说明")
    visit_uid = row.get("走访编号")
    planned = names.visit.get(visit_uid) if visit_uid else None
    if visit_uid and planned is None:
        bad("走访编号", f"走访编号「{visit_uid}」不在本年度的走访安排里")
    elif planned and village and planned.village != village:
        bad("走访编号", f"走访编号「{visit_uid}」是{names.project.village[planned.village].name}的走访，不是这个村")
    source = row.get("来源") or "导入"
    if source not in SOURCES:
        bad("来源", f"来源「{source}」应为 {'、'.join(SOURCES)} 之一（不填就是导入）")
    if day and village and day not in names.window_days.get(village, ()):
        bad("日期", f"{day.isoformat()} 不在{names.project.village[village].name}任何一项活动的时间窗口内")
    if len(problems.errors) > before or day is None or village is None or grid is None:
        return None
    return Record(day, time, village, grid, household, door, head, outcome, tuple(topics), tuple(materials),
                  tuple(kinds), row.get("问题说明"), bool(follow), tuple(cadres), visit_uid, source, row.pos(shown))


def parse_lesson_row(row: Row, shown: str, names: _Names, problems: Problems) -> LessonRecord | None:
    """One row of a 法治课 record, checked like a visit's."""
    before = len(problems.errors)
    bad = _reporter(row, shown, problems)
    day = _day(row, bad)
    school = names.school.get(row.get("学校"))
    if school is None:
        bad("学校", f"未知的学校「{row.get('学校')}」{did_you_mean(row.get('学校'), names.school)}")
    lesson = names.lesson.get(row.get("课程"))
    if lesson is None:
        bad("课程", f"未知的法治课「{row.get('课程')}」{did_you_mean(row.get('课程'), names.lesson)}（写课程标题或编号）")
    periods_text = row.get("课时") or "1"
    periods = int(periods_text) if periods_text.isdigit() else 0
    if not 1 <= periods <= 8:
        bad("课时", f"课时「{periods_text}」应为 1 到 8 的整数")
    students_text = row.get("学生人数")
    if students_text and not students_text.isdigit():
        bad("学生人数", f"学生人数「{students_text}」应为整数")
    teachers = []
    for word in _list(row.get("授课人")):
        if word in names.cadre:
            teachers.append(names.cadre[word])
        else:
            bad("授课人", f"未知的干部「{word}」{did_you_mean(word, names.cadre)}")
    if not _list(row.get("授课人")):
        bad("授课人", "没有写授课人")
    uid = row.get("走访编号")
    planned = names.visit.get(uid) if uid else None
    if uid and (planned is None or planned.kind != LESSON):
        bad("走访编号", f"走访编号「{uid}」不是本年度安排的法治课")
    elif planned and school and planned.school != school:
        bad("走访编号", f"走访编号「{uid}」是{names.project.school[planned.school].name}的课，不是这所学校")
    if lesson and school and names.project.lesson[lesson].stage not in names.project.school[school].stages:
        bad("课程", f"「{names.project.lesson[lesson].title}」是{names.project.lesson[lesson].stage}的课，"
                    f"{names.project.school[school].name}没有这个学段")
    if len(problems.errors) > before or day is None or school is None or lesson is None:
        return None
    return LessonRecord(day, school, lesson, periods, tuple(teachers), int(students_text) if students_text else None,
                        row.get("备注"), uid, row.pos(shown))


@dataclass(frozen=True)
class _Kind:
    """A kind of record: its table in the database, its file (of earlier versions), what a file's
    header must have, how a row is read, written back, stored and loaded."""
    table: str
    csv: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    parse: Callable
    cells: Callable        # (record, project) → {column: text}
    order: Callable        # record → sort key
    twice: str             # the message for a second row with the same key
    stored: Callable       # record → the database's row
    loaded: Callable       # (row, project, bad) → record, or None when it names what the roster lost


def _visit_cells(r: Record, project) -> dict[str, str]:
    return {"日期": r.date.isoformat(), "时间": r.time, "村（社区）": project.village[r.village].name,
            "网格": project.grid[r.grid][1].name, "户号": r.household, "门牌": r.door, "户主": r.head,
            "走访结果": r.outcome, "讲解主题": "、".join(project.topic[t].name for t in r.topics),
            "发放资料": "、".join(r.materials), "问题类别": "、".join(r.problems), "问题说明": r.note,
            "需跟进": "是" if r.follow_up else "否", "干部": project.who(r.cadres),
            "走访编号": r.visit, "来源": r.source}


def _lesson_cells(r: LessonRecord, project) -> dict[str, str]:
    return {"日期": r.date.isoformat(), "学校": project.school[r.school].name, "课程": project.lesson[r.lesson].title,
            "课时": str(r.periods), "授课人": project.who(r.teachers),
            "学生人数": "" if r.students is None else str(r.students), "备注": r.note, "走访编号": r.visit}


def _visit_row(r: Record) -> dict:
    return {"day": r.date.isoformat(), "time": r.time, "village": r.village, "grid": r.grid,
            "household": r.household, "door": r.door, "head": r.head, "outcome": r.outcome,
            "topics": r.topics, "materials": r.materials, "problems": r.problems, "note": r.note,
            "follow_up": r.follow_up, "cadres": r.cadres, "visit": r.visit, "source": r.source}


def _lesson_row(r: LessonRecord) -> dict:
    return {"day": r.date.isoformat(), "school": r.school, "lesson": r.lesson, "periods": r.periods,
            "teachers": r.teachers, "students": r.students, "note": r.note, "visit": r.visit}


def _known(ids: list[str], table: dict, what: str, bad: Callable[[str], None]) -> tuple[str, ...]:
    for i in ids:
        if i not in table:
            bad(f"{what}「{i}」已不在本镇的文件里（记录照常计入，这一项不再显示）")
    return tuple(i for i in ids if i in table)


def _visit_of(row: dict, p: Project, bad: Callable[[str], None]) -> Record | None:
    """A stored record against today's roster: one whose village or grid is gone is set aside (and
    said); a cadre, topic or material that is gone is dropped from it (and said)."""
    if row["grid"] not in p.grid or p.grid[row["grid"]][0].id != row["village"]:
        bad(f"村「{row['village']}」的网格「{row['grid']}」已不在台账里，这条记录没有计入")
        return None
    return Record(dt.date.fromisoformat(row["day"]), row["time"], row["village"], row["grid"], row["household"],
                  row["door"], row["head"], row["outcome"], _known(row["topics"], p.topic, "主题", bad),
                  _known(row["materials"], p.material, "资料", bad), tuple(row["problems"]), row["note"],
                  bool(row["follow_up"]), _known(row["cadres"], p.cadre, "干部", bad), row["visit"], row["source"])


def _lesson_of(row: dict, p: Project, bad: Callable[[str], None]) -> LessonRecord | None:
    if row["school"] not in p.school or row["lesson"] not in p.lesson:
        bad(f"学校「{row['school']}」或课程「{row['lesson']}」已不在本镇的文件里，这条记录没有计入")
        return None
    return LessonRecord(dt.date.fromisoformat(row["day"]), row["school"], row["lesson"], row["periods"],
                        _known(row["teachers"], p.cadre, "干部", bad), row["students"], row["note"], row["visit"])


VISITS = _Kind("records", VISITS_CSV, RECORD_COLUMNS, REQUIRED, parse_row, _visit_cells,
               lambda r: (r.date, r.time, r.village, r.grid, r.household, r.door, r.head), "同一户同一天记了两次",
               _visit_row, _visit_of)
LESSONS = _Kind("lessons", LESSONS_CSV, LESSON_RECORD_COLUMNS, LESSON_REQUIRED, parse_lesson_row, _lesson_cells,
                lambda r: (r.date, r.school, r.lesson), "同一所学校同一天的同一节课记了两次", _lesson_row, _lesson_of)


def parse_file(path: Path, shown: str, names: _Names, problems: Problems, kind: _Kind = VISITS) -> list | None:
    """The good records of a file (every bad row reported); None when the file cannot be read whole."""
    rows = read_table(path, shown, kind.required, problems)
    if rows is None:
        return None
    out: list = []
    first: dict[tuple, int] = {}
    for row in rows:
        record = kind.parse(row, shown, names, problems)
        if record is None:
            continue
        if record.key in first:
            problems.error(record.pos, f"第 {row.line} 行：{kind.twice}，第 {first[record.key]} 行已经记过")
            continue
        first[record.key] = row.line
        out.append(record)
    return out


def kind_of(path: Path) -> _Kind:
    """Visit records or 法治课 records, told apart by the header (学校 and 课程, no 网格)."""
    rows = read_table(path, str(path), (), Problems()) or []
    header = set(rows[0].columns) if rows else set()
    return LESSONS if {"学校", "课程"} <= header and "网格" not in header else VISITS


# ---------------------------------------------------------------- the database
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def migrate_files(root: Path, store: Store, names: _Names, problems: Problems) -> list[str]:
    """The record files of earlier versions, moved into the database once (idempotent: by the
    file's hash; a record already in the database is kept). Returns what was moved, to tell."""
    told = []
    for kind in (VISITS, LESSONS):
        path = Path(root) / kind.csv
        if not path.exists() or store.imported(digest := _digest(path)):
            continue
        found = Problems()
        records = parse_file(path, kind.csv, names, found, kind)
        problems.extend(found)
        if records is None:
            continue
        with store.transaction():
            added = sum(store.put(kind.table, kind.stored(r), None, replace=False) == "新增" for r in records)
            store.audit("命令行", "迁移记录文件", f"{kind.csv}：{len(records)} 行，新增 {added} 条")
            if not found.errors:   # a file with bad rows is read again until fixed, so they stay in view
                store.mark_imported(digest, kind.csv, len(records))
        if added:
            told.append(f"已把 {kind.csv} 的 {added} 条记录移入数据库 {store.path}（以后用 wanjia records import/export）")
    return told


def load_stored(store: Store, project: Project, problems: Problems, kind: _Kind = VISITS) -> list:
    out = []
    for row in store.rows(kind.table):
        def bad(message: str, row: dict = row) -> None:
            problems.warning(Pos(str(store.path)), f"数据库第 {row['id']} 条记录（{row['day']}）：{message}")
        record = kind.loaded(row, project, bad)
        if record is not None:
            out.append(record)
    return out


@dataclass(frozen=True)
class FieldData:
    """Stage 5's value: what happened in the field — the stored visit and 法治课 records, the incident
    counts, and the problems found in those files (errors to import, report and the internal build;
    warnings to `wanjia check`, so a typo in a record never stops the public site)."""

    records: tuple[Record, ...] = ()
    incidents: tuple[Incident, ...] = ()
    problems: tuple[Problem, ...] = ()
    lessons: tuple[LessonRecord, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]


def field_data(project: Project, year: PlanYear, plan: Plan, db: Path) -> FieldData:
    """Stage 5: the records in the township's database `db` (after moving in any record files of an
    earlier version) and the incidents the township has stored."""
    root = Path(project.root)
    found = Problems()
    incidents = load_incidents(root, project, found)
    if not db.exists() and not any((root / k.csv).exists() for k in (VISITS, LESSONS)):
        return FieldData(incidents=tuple(incidents), problems=tuple(found.items))
    try:
        store = Store(db)
    except (OSError, sqlite3.Error) as e:
        found.error(Pos(str(db)), f"打不开走访记录数据库：{e}（用 --db 或 WANJIA_DB 指定数据库文件）")
        return FieldData(incidents=tuple(incidents), problems=tuple(found.items))
    try:
        notes = migrate_files(root, store, _Names(project, year, plan), found)
        records = load_stored(store, project, found)
        lessons = load_stored(store, project, found, LESSONS)
    finally:
        store.close()
    return FieldData(tuple(records), tuple(incidents), tuple(found.items), tuple(lessons), tuple(notes))


def has_field_data(project: Project, db: Path) -> bool:
    root = Path(project.root)
    return db.exists() or any((root / p).exists() for p in (VISITS_CSV, LESSONS_CSV, INCIDENTS))


def write_csv(path: Path, records: list, project, kind: _Kind = VISITS) -> None:
    """The template's columns, sorted, as text cells (a note typed at the door never becomes a
    formula), replaced in one step: a crash mid-write never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = ([cells[c] for c in kind.columns] for r in sorted(records, key=kind.order)
            for cells in [kind.cells(r, project)])
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(csv_bytes(kind.columns, rows))
    os.replace(tmp, path)


@dataclass
class Imported:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    readable: bool = True
    kind: str = "走访记录"


def import_file(store: Store, path: Path, project: Project, year: PlanYear, plan: Plan, problems: Problems) -> Imported:
    """A file's good rows into the database, in one transaction (same household and day, or same
    school, lesson and day: the new row wins)."""
    names = _Names(project, year, plan)
    kind = kind_of(path)
    before = len(problems.errors)
    records = parse_file(path, str(path), names, problems, kind)
    if records is None:
        return Imported(readable=False)
    result = Imported(rejected=len({(p.pos.path, p.pos.line) for p in problems.errors[before:]}),
                      kind="走访记录" if kind is VISITS else "法治课记录")
    with store.transaction():
        for r in records:
            answer = store.put(kind.table, kind.stored(r), f"导入 {path.name}")
            result.added += answer == "新增"
            result.updated += answer == "更新"
            result.unchanged += answer == "未变"
    return result


def export_file(store: Store, project: Project, dest: Path, lessons: bool = False) -> int:
    """Every stored record of one kind in the template's columns (CSV), to open in Excel or import
    elsewhere; records naming what the roster lost are left out (and said by check)."""
    kind = LESSONS if lessons else VISITS
    records = load_stored(store, project, Problems(), kind)
    write_csv(dest, records, project, kind)
    return len(records)


# ---------------------------------------------------------------- incidents
def load_incidents(root: Path, project, problems: Problems) -> list[Incident]:
    """data/incidents.csv: 月份, 村（社区）, 类别, 起数 — one row per village, category and month."""
    path = Path(root) / INCIDENTS
    if not path.exists():
        return []
    rows = read_table(path, INCIDENTS, ("月份", "村（社区）", "类别", "起数"), problems)
    if rows is None:
        return []
    village = {**{v.name: v.id for v in project.township.villages}, **{v.id: v.id for v in project.township.villages}}
    out: list[Incident] = []
    seen: dict[tuple, int] = {}
    for row in rows:
        def bad(column: str, message: str, row: Row = row) -> None:
            problems.error(row.pos(INCIDENTS, column), f"第 {row.line} 行：{message}")
        m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})月?", row.get("月份"))
        vid, kind, count = village.get(row.get("村（社区）")), row.get("类别"), row.get("起数")
        ok = True
        if not m or not 1 <= int(m[2]) <= 12:
            bad("月份", f"月份「{row.get('月份')}」应写成 2027-01")
            ok = False
        if vid is None:
            bad("村（社区）", f"未知的村（社区）「{row.get('村（社区）')}」{did_you_mean(row.get('村（社区）'), village)}")
            ok = False
        if kind not in INCIDENT_KINDS:
            bad("类别", f"类别「{kind}」应为 {'、'.join(INCIDENT_KINDS)} 之一{did_you_mean(kind, INCIDENT_KINDS)}")
            ok = False
        if not count.isdigit():
            bad("起数", f"起数「{count}」应为不小于 0 的整数")
            ok = False
        if not ok or m is None or vid is None:
            continue
        key = ((int(m[1]), int(m[2])), vid, kind)
        if key in seen:
            bad("类别", f"同一个月、同一个村、同一类别重复，第 {seen[key]} 行已经有了")
            continue
        seen[key] = row.line
        out.append(Incident(key[0], vid, kind, int(count), row.pos(INCIDENTS)))
    return out
