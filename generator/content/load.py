"""Stage 1: read a township's files, validate them and build the Project.

Every problem is collected (never raised) so that `wanjia check` shows them all in one run.
"""
from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from ..content import model
from ..problems import FILE, Pos, Problems, did_you_mean
from .model import Campaign, Lesson, Material, Project
from .schema import INVALID, Ctx, RefUse, Type
from .tables import Row, read_table, yes

BOM = b"\xef\xbb\xbf"

# What the package brings to every township: the materials, lessons and taxonomy, hotlines,
# villagers' words, publicity days, regions' farming periods, statutory holidays and law extracts.
# A township's own files add to them and override them by id, so fixes shipped later reach it.
SHIPPED = Path(__file__).resolve().parents[1] / "shipped"


@dataclass(frozen=True)
class Layout:
    """Where a township's files live, relative to the project root (the folder of mkdocs.yml), and
    where the shipped ones are."""

    root: Path
    shipped: Path = SHIPPED

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def campaigns(self) -> Path:
        return self.root / "campaigns"

    def rel(self, path: Path) -> str:
        """A path as problems show it: relative to the township, else (a shipped file of an installed
        package) in full."""
        path = Path(path).resolve()
        return (path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else str(path))

    def both(self, *parts: str) -> list[Path]:
        """The shipped path and the township's own, in that order (the township's wins)."""
        return [self.shipped.joinpath(*parts), self.root.joinpath(*parts)]


# ---------------------------------------------------------------- reading
def read_text(path: Path, shown: str, problems: Problems) -> str | None:
    """The file's text, or None after reporting why it cannot be read as UTF-8 text."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        problems.error(Pos(shown), f"无法读取文件：{e.strerror}", FILE)
        return None
    if raw.startswith(BOM):
        problems.error(Pos(shown), "文件开头有 BOM 标记；请用编辑器另存为“UTF-8（无 BOM）”", FILE)
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        problems.error(Pos(shown, line, col),
                       "文件不是 UTF-8 编码（可能是 GBK）；请用编辑器另存为“UTF-8（无 BOM）”", FILE)
        return None
    if not text.strip():
        problems.error(Pos(shown), "文件是空的", FILE)
        return None
    return text


def compose(text: str, ctx: Ctx):
    """The YAML node tree; None for a document with no content; INVALID after reporting a
    syntax error with its position."""
    try:
        try:  # libyaml is ten times faster and keeps the same marks
            return yaml.compose(text, Loader=_FAST)
        except yaml.YAMLError:
            pass  # parse again in Python, whose messages the table below translates
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        # An unclosed bracket is found only where parsing breaks down; point at the bracket.
        in_flow = bool(e.context and "flow" in e.context and e.context_mark)
        mark = e.context_mark if in_flow else (e.problem_mark or e.context_mark)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = _YAML_PROBLEMS.get(e.problem or "", e.problem or "格式错误")
        if in_flow:
            what = "这里开始的 [ ] 或 { } 没有正确闭合（检查括号和逗号）"
        ctx.problems.error(Pos(ctx.path, line + ctx.line_offset, col), f"YAML 语法错误：{what}", FILE)
    except yaml.YAMLError as e:  # e.g. a reader error on control characters
        ctx.problems.error(Pos(ctx.path), f"YAML 语法错误：{e}", FILE)
    return INVALID


_FAST = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_YAML_PROBLEMS = {
    "mapping values are not allowed here": "这里不能出现冒号（若文字中含冒号，请给整段文字加引号）",
    "found character '\\t' that cannot start any token": "不能用 Tab 键缩进，请改用空格",
    "could not find expected ':'": "缺少冒号“:”",
    "expected <block end>, but found '-'": "列表的缩进不一致",
    "expected <block end>, but found '<block mapping start>'": "缩进不一致",
    "found undefined alias": "引用了未定义的锚点",
    "found unexpected end of stream": "文件意外结束（引号或括号没有闭合？）",
    "found unknown escape character": "引号中有无法识别的转义字符",
}


def check_node(node: yaml.Node, root: Type, ctx: Ctx):
    value = root.check(node, ctx)
    return None if value is INVALID else value


def load_yaml_file(path: Path, shown: str, root: Type, problems: Problems, refs: list[RefUse]):
    text = read_text(path, shown, problems)
    if text is None:
        return None
    ctx = Ctx(shown, problems, refs)
    node = _document(text, ctx, Pos(shown), "文件里只有注释，没有内容")
    return None if node is None else check_node(node, root, ctx)


def _document(text: str, ctx: Ctx, empty_at: Pos, empty_message: str) -> yaml.Node | None:
    """The YAML document's node, or None after reporting a syntax error or an empty document."""
    node = compose(text, ctx)
    if node is None:
        ctx.problems.error(empty_at, empty_message)
    return None if node is None or node is INVALID else node


def split_front_matter(text: str, ctx: Ctx) -> tuple[yaml.Node, str, int] | None:
    """(front matter node, Markdown body, the body's first line) of a page starting with `---`."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        ctx.problems.error(Pos(ctx.path), "缺少头部信息：文件第一行应为 ---，下面写 id、title 等，再以 --- 结束")
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].rstrip() == "---")
    except StopIteration:
        ctx.problems.error(Pos(ctx.path), "头部信息没有结束：缺少第二个 --- 行")
        return None
    ctx.line_offset = 1
    node = _document("\n".join(lines[1:end]), ctx, Pos(ctx.path, 2), "头部信息是空的")
    if node is None:
        return None
    if not isinstance(node, yaml.MappingNode):
        ctx.problems.error(ctx.pos(node), "头部信息应为“键: 值”的形式（键值表），实际不是")
        return None
    return node, "\n".join(lines[end + 1:]), end + 2


def load_page(path: Path, layout: Layout, root: Type, problems: Problems, refs: list[RefUse], docs: Path | None = None):
    shown = layout.rel(path)
    text = read_text(path, shown, problems)
    if text is None:
        return None
    ctx = Ctx(shown, problems, refs)
    split = split_front_matter(text, ctx)
    if split is None:
        return None
    node, body, body_line = split
    meta = check_node(node, root, ctx)
    if meta is None:
        return None
    return meta, body, body_line, ctx.pos(node), os.path.relpath(path, docs or layout.docs).replace(os.sep, "/")


def _tuples(values: dict) -> dict:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}


# ---------------------------------------------------------------- the project
@dataclass(frozen=True)
class Given:
    """Files given as composed values instead of read from disk: a workbook being imported is
    checked by the same checks, at its own cells, before anything is written."""

    nodes: Mapping[str, yaml.Node] = field(default_factory=dict)  # "data/township.yml" → its node
    register: tuple[list[Row], str] | None = None                  # household rows, and where they are


def load_project(root: str | os.PathLike, given: Given = Given()) -> tuple[Project | None, Problems]:
    """Read and validate every file of the township at `root` (or, for some, what `given` holds).

    Returns the Project (None when an error makes one impossible) and all problems found.
    """
    layout = Layout(Path(root).resolve())
    problems = Problems()
    refs: list[RefUse] = []

    def data_file(name: str, root_type: Type, optional: bool = False):
        shown = f"data/{name}"
        if shown in given.nodes:
            return check_node(given.nodes[shown], root_type, Ctx(shown, problems, refs))
        path = layout.data / name
        if not path.exists():
            if not optional:
                problems.error(Pos(shown), "缺少这个文件")
            return None
        return load_yaml_file(path, shown, root_type, problems, refs)

    def shared_list(name: str, root_type: Type, key: str) -> list:
        """A list both the package and the township keep: the township's entries replace the
        shipped ones with the same `key` and add new ones."""
        merged: dict = {}
        for path in layout.both("data", name):
            if path.exists():
                for record in load_yaml_file(path, layout.rel(path), root_type, problems, refs) or []:
                    merged[getattr(record, key)] = record
        if not merged:
            problems.error(Pos(f"data/{name}"), "缺少这个文件（安装包里也没有）")
        return list(merged.values())

    groups = shared_list("groups.yml", model.GROUPS_FILE, "id")
    topics = shared_list("topics.yml", model.TOPICS_FILE, "id")
    audiences = shared_list("audiences.yml", model.AUDIENCES_FILE, "id")
    township = data_file("township.yml", model.TOWNSHIP_FILE)

    calendar = data_file("calendar.yml", model.CALENDAR_FILE)
    synonyms = _synonyms(layout, problems, refs)
    schedule = data_file("schedule.yml", model.SCHEDULE_FILE, optional=True) or model.ScheduleSettings()
    privacy_allow = data_file("privacy.yml", model.PRIVACY_FILE, optional=True) or ()
    publicity = shared_list("publicity.yml", model.PUBLICITY_FILE, "name")
    hotlines = shared_list("hotlines.yml", model.HOTLINES_FILE, "number")
    seasons = {p.name: p for p in shared_list("seasons.yml", model.SEASONS_FILE, "name")}
    seasons.update({p.name: p for p in (calendar.seasons if calendar else ())})
    seen_numbers: dict[str, Pos] = {}
    for h in hotlines:
        if h.number in seen_numbers:
            problems.error(h.pos, f"号码 {h.number} 重复：已在 {seen_numbers[h.number]} 写过")
        seen_numbers.setdefault(h.number, h.pos)
    regions = _load_folder(layout, "regions", model.REGION_FILE, problems, refs, "name")
    holiday_years = _load_folder(layout, "holidays", model.HOLIDAYS_FILE, problems, refs, "year")
    for h in holiday_years:
        if not h.pos.path.endswith(f"holidays/{h.year}.yml"):
            problems.error(h.pos, f"年份 {h.year} 与文件名不一致：应为 data/holidays/{h.year}.yml")
    region_names = _unique_names(regions, "地区", problems)
    _unique_names(publicity, "宣传日", problems)

    materials = _load_pages(layout, "materials", model.MATERIAL_META, problems, refs, _material)
    lessons = _load_pages(layout, "lessons", model.LESSON_META, problems, refs, _lesson)
    campaigns = _load_campaigns(layout, problems, refs)

    ids = _check_unique(problems, groups=groups, topics=topics, audiences=audiences,
                        materials=materials, lessons=lessons, campaigns=campaigns,
                        villages=township.villages if township else [],
                        grids=[g for v in township.villages for g in v.grids] if township else [],
                        cadres=township.cadres if township else [],
                        schools=township.schools if township else [])
    ids["group-name"] = {g.name for g in groups}
    ids["region"] = set(region_names)
    # A file that could not be read at all is the root cause of every "unknown id" its ids would
    # have answered: report it alone, first.
    broken = {p.pos.path for p in problems.items if p.code == FILE}
    silent = {kind for path, kinds in _DEFINES.items() if any(path in b for b in broken) for kind in kinds}
    _check_refs([r for r in refs if r.kind in ids and r.kind not in silent], ids, problems)
    for m in materials:
        if m.group not in ids["group"]:
            problems.error(Pos(m.pos.path), f"资料所在文件夹「{m.group}」不是已知的分组"
                           f"{did_you_mean(m.group, ids['group'])}（分组见 data/groups.yml）")
        if m.review.status == "待审核":
            problems.warning(m.review.pos, f"资料「{m.title}」仍待审核，正式发布前请由司法所审核", "unreviewed")
    for le in lessons:
        for item in le.quiz:
            if item.answer > len(item.options):
                problems.error(item.pos, f"小测验「{item.question}」的答案是第 {item.answer} 个，但只有 {len(item.options)} 个选项")
        if le.review.status == "待审核":
            problems.warning(le.review.pos, f"课程「{le.title}」仍待审核，正式使用前请由法治副校长或司法所审核",
                             "unreviewed")
        if model.STAGES.get(le.stage) != le.src.split("/")[1]:
            problems.error(le.pos, f"课程的学段「{le.stage}」与所在文件夹 {le.src.split('/')[1]} 不一致"
                           f"（应放在 docs/lessons/{model.STAGES[le.stage]}/）")
    if township:
        _check_teams(township, problems)
        _check_places(township, ids, problems)
    _check_schedule(schedule, problems)
    households = _load_register(layout, township, problems, given.register) if township else []
    if problems.errors or township is None or calendar is None:
        return None, problems
    project = Project(str(layout.root), township, tuple(groups), tuple(topics), tuple(audiences),
                      tuple(materials), tuple(lessons), tuple(campaigns), calendar,
                      tuple(regions), tuple(publicity), tuple(holiday_years),
                      tuple(r for r in refs if r.kind not in ids), synonyms, schedule, tuple(households),
                      tuple(hotlines), tuple(seasons.values()), privacy_allow)
    return project, problems


REGISTER = "data/households.csv"
REGISTER_COLUMNS = ("户号", "网格", "门牌")


def _load_register(layout: Layout, township: model.Township, problems: Problems,
                   given: tuple[list[Row], str] | None = None) -> list[model.Household]:
    """The internal household register: who lives where and which households come first.
    Every bad row is reported with its line and column; the register is optional."""
    if given is not None:
        rows, shown = given
    else:
        path, shown = layout.root / REGISTER, REGISTER
        if not path.exists():
            return []
        rows = read_table(path, REGISTER, REGISTER_COLUMNS, problems)  # type: ignore[assignment]
        if rows is None:
            return []
    grids = {g.id: g for v in township.villages for g in v.grids}
    grid_by_name = {g.name: g.id for g in grids.values()}
    out: list[model.Household] = []
    seen: dict[str, int] = {}
    doors: dict[tuple[str, str], int] = {}
    for row in rows:
        pos = row.pos
        hid, grid, door = row.get("户号"), row.get("网格"), row.get("门牌")
        bad = False
        for column, value in (("户号", hid), ("网格", grid), ("门牌", door)):
            if not value:
                problems.error(pos(shown, column), f"第 {row.line} 行的「{column}」是空的")
                bad = True
        grid = grid_by_name.get(grid, grid)
        if grid and grid not in grids:
            problems.error(pos(shown, "网格"), f"第 {row.line} 行：未知的网格「{row.get('网格')}」"
                           f"{did_you_mean(grid, list(grids) + list(grid_by_name))}（网格见 data/township.yml）")
            bad = True
        if hid in seen:
            problems.error(pos(shown, "户号"), f"第 {row.line} 行：户号「{hid}」重复，已在第 {seen[hid]} 行出现")
            bad = True
        if door and (grid, door) in doors:
            problems.error(pos(shown, "门牌"), f"第 {row.line} 行：同一网格的门牌「{door}」重复，"
                           f"已在第 {doors[(grid, door)]} 行出现")
            bad = True
        flags = []
        for flag in model.HOUSEHOLD_FLAGS:
            answer = yes(row.get(flag))
            if answer is None:
                problems.error(pos(shown, flag), f"第 {row.line} 行的「{flag}」应填 是 或 否（或留空），"
                               f"实际为「{row.get(flag)}」")
                bad = True
            elif answer:
                flags.append(flag)
        seen.setdefault(hid, row.line)
        doors.setdefault((grid, door), row.line)
        if not bad:
            out.append(model.Household(hid, grid, door, row.get("户主"), row.get("电话"), tuple(flags),
                                       pos(shown)))
    counts = Counter(h.grid for h in out)
    for grid_id, n in counts.items():
        if n != grids[grid_id].households:
            problems.warning(grids[grid_id].pos, f"{grids[grid_id].name}在 data/township.yml 写的是 "
                             f"{grids[grid_id].households} 户，户籍登记表里有 {n} 户；排班按登记表", "register-count")
    return out


def _check_places(township: model.Township, ids: dict[str, set[str]], problems: Problems) -> None:
    """Enterprise ids are unique; a grid's worker is a 网格员 of the roster."""
    first: dict[str, Pos] = {}
    for e in township.enterprises:
        if e.id in first:
            problems.error(e.pos, f"企业编号「{e.id}」重复：已在 {first[e.id]} 定义过")
        first.setdefault(e.id, e.pos)
    cadre = {c.id: c for c in township.cadres}
    for v in township.villages:
        for g in v.grids:
            if g.worker in cadre and cadre[g.worker].role != "网格员":
                problems.error(g.pos, f"{g.name}的网格员「{cadre[g.worker].name}」角色是{cadre[g.worker].role}，应为网格员")


def _load_folder(layout: Layout, name: str, root: Type, problems: Problems, refs: list[RefUse], key: str) -> list:
    """One record per file of data/<name>/, shipped and the township's (which wins by `key`)."""
    merged: dict = {}
    for folder in layout.both("data", name):
        for path in sorted(folder.glob("*.y*ml")) if folder.exists() else []:
            record = load_yaml_file(path, layout.rel(path), root, problems, refs)
            if record is not None:
                merged[getattr(record, key)] = record
    return list(merged.values())


def _synonyms(layout: Layout, problems: Problems, refs: list[RefUse]) -> model.Synonyms:
    """Villagers' words: the shipped dictionary and the township's own (its entries win)."""
    words: dict[str, model.Synonym] = {}
    particles: list[str] = []
    for path in layout.both("data", "synonyms.yml"):
        found = load_yaml_file(path, layout.rel(path), model.SYNONYMS_FILE, problems, refs) if path.exists() else None
        if found is not None:
            words.update({s.word: s for s in found.words})
            particles += [p for p in found.particles if p not in particles]
    return model.Synonyms(tuple(words.values()), tuple(particles))


def _unique_names(records, what: str, problems: Problems) -> list[str]:
    first: dict[str, Pos] = {}
    for r in records:
        if r.name in first:
            problems.error(r.pos, f"{what}「{r.name}」重复：已在 {first[r.name]} 定义过")
        first.setdefault(r.name, r.pos)
    return list(first)


def _material(meta: dict, body: str, body_line: int, pos: Pos, src: str) -> Material:
    return Material(**_tuples(meta), group=src.split("/")[1] if src.count("/") >= 2 else "",
                    src=src, body=body, body_line=body_line, pos=pos)


def _lesson(meta: dict, body: str, body_line: int, pos: Pos, src: str) -> Lesson:
    return Lesson(**_tuples(meta), src=src, body=body, body_line=body_line, pos=pos)


def _load_pages(layout: Layout, section: str, root: Type, problems: Problems,
                refs: list[RefUse], make) -> list:
    """Every page under docs/<section>/<folder>/ — the shipped ones, then the township's own, which
    replace shipped pages of the same id — in a stable order; index pages are free-form."""
    shipped_docs, own_docs = layout.shipped / "docs", layout.docs
    pages: dict[str, Material | Lesson] = {}
    shipped: dict[str, Material | Lesson] = {}
    for docs in (shipped_docs, own_docs):
        base = docs / section
        for path in sorted(base.rglob("*.md")) if base.exists() else []:
            rel = path.relative_to(base)
            if path.name == "index.md":
                continue
            if len(rel.parts) != 2:
                problems.error(Pos(layout.rel(path)),
                               f"文件位置不对：应放在 docs/{section}/<分组文件夹>/<编号>.md")
                continue
            loaded = load_page(path, layout, root, problems, refs, docs)
            if loaded is None:
                continue
            record = make(*loaded)
            if record.id != path.stem:
                problems.error(record.pos, f"编号「{record.id}」应与文件名「{path.stem}」一致")
            if docs == shipped_docs:
                record = replace(record, shipped=True)
                shipped[record.id] = record
            elif record.id in shipped:
                _warn_if_older(record, shipped.pop(record.id), problems)
            elif record.id in pages:  # the same id twice among the township's own pages
                what = "资料" if section == "materials" else "课程"
                problems.error(record.pos, f"{what}编号「{record.id}」重复：已在 {pages[record.id].pos} 定义过")
                continue
            pages[record.id] = record
    return list(pages.values())


def _warn_if_older(own, shipped, problems: Problems) -> None:
    """A township's page hides the shipped page of the same id: say so when the shipped one is newer."""
    if shipped.updated and (own.updated is None or own.updated < shipped.updated):
        mine = f"更新于 {own.updated}" if own.updated else "没有写更新日期（updated）"
        problems.warning(own.pos, f"本镇的「{own.title}」（{mine}）替换了安装包里的同一份，但安装包里的那份更新"
                                  f"（{shipped.updated}）：请对照安装包的新版修改本镇这一份并写上 updated，"
                                  "或者删掉本镇这一份，直接用安装包的", "override-older")


def _load_campaigns(layout: Layout, problems: Problems, refs: list[RefUse]) -> list[Campaign]:
    out = []
    paths = sorted(layout.campaigns.glob("*.y*ml")) if layout.campaigns.exists() else []
    for path in paths:
        shown = layout.rel(path)
        campaign = load_yaml_file(path, shown, model.CAMPAIGN_FILE, problems, refs)
        if campaign is None:
            continue
        if campaign.id != path.stem:
            problems.error(Pos(shown), f"编号「{campaign.id}」应与文件名「{path.stem}」一致")
        out.append(campaign)
    return out


def _check_unique(problems: Problems, **kinds) -> dict[str, set[str]]:
    """Report ids defined twice (within a kind, across files) and return the ids of each kind."""
    singular = {"groups": "group", "topics": "topic", "audiences": "audience", "materials": "material",
                "lessons": "lesson", "campaigns": "campaign", "villages": "village", "grids": "grid",
                "cadres": "cadre", "schools": "school"}
    names = {"group": "分组", "topic": "主题", "audience": "宣传对象", "material": "资料", "lesson": "课程",
             "campaign": "活动", "village": "村", "grid": "网格", "cadre": "干部", "school": "学校"}
    ids: dict[str, set[str]] = {}
    for plural, records in kinds.items():
        kind = singular[plural]
        first: dict[str, Pos] = {}
        for record in records:
            if record.id in first:
                problems.error(record.pos, f"{names[kind]}编号「{record.id}」重复：已在 {first[record.id]} 定义过")
            else:
                first[record.id] = record.pos
        ids[kind] = set(first)
    return ids


# Which file defines which kinds of id (for silencing the consequences of a file that cannot be read).
_DEFINES = {"data/township.yml": ("village", "cadre", "grid", "school"), "data/topics.yml": ("topic",),
            "data/audiences.yml": ("audience",), "data/groups.yml": ("group", "group-name"),
            "data/regions": ("region",)}

_REF_NAMES = {"topic": ("主题", "data/topics.yml"), "audience": ("宣传对象", "data/audiences.yml"),
              "cadre": ("干部", "data/township.yml 的 cadres"), "village": ("村", "data/township.yml 的 villages"),
              "material": ("资料", "docs/materials/"), "school": ("学校", "data/township.yml 的 schools"),
              "group-name": ("分组", "data/groups.yml"), "grid": ("网格", "data/township.yml 的 grids"),
              "region": ("农事区域", "data/regions/（安装包里有 苏南、华北、东北、华南）")}


def _check_refs(refs: list[RefUse], ids: dict[str, set[str]], problems: Problems) -> None:
    for ref in refs:
        known = ids.get(ref.kind, set())
        if ref.value not in known:
            name, where = _REF_NAMES[ref.kind]
            label = name if ref.kind == "region" else f"{name}编号"
            problems.error(ref.pos, f"未知的{label}「{ref.value}」{did_you_mean(ref.value, known)}"
                                    f"（{label}见 {where}）")


def _check_schedule(schedule: model.ScheduleSettings, problems: Problems) -> None:
    """What the schema cannot see: a time slot that ends before it starts, leave that ends before it begins."""
    for slot in schedule.slots:
        if slot.end <= slot.start:
            problems.error(slot.pos, f"时段「{slot.name}」的结束时间 {slot.end} 不晚于开始时间 {slot.start}")
    for lv in schedule.leave:
        if lv.end < lv.start:
            problems.error(lv.pos, f"请假的结束日期 {lv.end} 早于开始日期 {lv.start}：请检查 from 和 to 是否写反了")


def _check_teams(township: model.Township, problems: Problems) -> None:
    """Each village: one 党政领导 and two 部门负责人, nobody twice, nobody on too many teams."""
    cadre = {c.id: c for c in township.cadres}
    load: Counter[str] = Counter()
    teams_of: dict[str, list[str]] = defaultdict(list)
    for village in township.villages:
        team = village.team
        if team is None:
            continue
        where = f"{village.name}的包村工作组"
        if len(team.heads) != 2:
            problems.error(team.pos, f"{where}应有两名部门负责人，实际 {len(team.heads)} 名")
        if team.leader in team.heads:
            problems.error(team.pos, f"{where}中「{team.leader}」既是党政领导又是部门负责人")
        leader = cadre.get(team.leader)
        if leader and leader.role != "党政领导":
            problems.error(team.pos, f"{where}的党政领导「{leader.name}」角色是{leader.role}，应为党政领导")
        for head_id in team.heads:
            head = cadre.get(head_id)
            if head and head.role != "部门负责人":
                problems.error(team.pos, f"{where}的部门负责人「{head.name}」角色是{head.role}，应为部门负责人")
        for member in set(team.members):
            load[member] += 1
            teams_of[member].append(village.name)
            if load[member] > township.max_teams_per_cadre and member in cadre:
                problems.error(team.pos, f"「{cadre[member].name}」已包 {load[member]} 个村"
                               f"（{'、'.join(teams_of[member])}），超过每人最多 {township.max_teams_per_cadre} 个")


def site_settings(root: str | os.PathLike) -> dict:
    """The wanjia plugin's own settings in mkdocs.yml (e.g. `laws`), without loading the site engine.

    Unknown YAML tags (mkdocs.yml may use `!ENV` or `!!python/name`) are read as plain values."""
    class Loader(yaml.SafeLoader):
        pass
    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        config = yaml.load((Path(root) / "mkdocs.yml").read_text("utf-8"), Loader=Loader) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return {}
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and isinstance(plugin.get("wanjia"), dict):
            return plugin["wanjia"]
    return {}


def laws_dir(root: str | os.PathLike, given: str | None = None) -> Path | None:
    """The law-text folder: given on the command line, else from mkdocs.yml (relative to it)."""
    value = given or site_settings(root).get("laws")
    if not value:
        return None
    path = Path(value)
    return path if path.is_absolute() or given else (Path(root) / path).resolve()
