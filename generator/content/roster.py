"""The office's Excel 台账, in and out: `wanjia roster export|import 台账.xlsx`.

One workbook, a sheet for each list the township keeps in data/township.yml and data/schedule.yml
(村和网格, 干部, 包村工作组, 学校, 集市, 企业, 请假, 值班, 会议) and, when asked, the household register
(农户 ↔ data/households.csv). People are written by name (姓名（单位） where two share a name),
villages by name; ids stay in their own column and never change under an import, because calendar
feeds and visit records depend on them.

An import is checked by the loader's own checks before anything is written: the cells become the
YAML nodes the schema checks, so every problem is reported at 工作表:行:列. Then the YAML files are
edited in place (ruamel.yaml): comments, the order of what is kept and every key the workbook does
not hold survive; a line whose values did not change keeps its exact text.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..problems import Pos, Problems, did_you_mean
from . import model
from .load import REGISTER, REGISTER_COLUMNS, Given, load_project
from .schema import CellMark, Obj
from .tables import Entry, Row, csv_bytes, read_table, xlsx_bytes, yes

TOWNSHIP, SCHEDULE = "data/township.yml", "data/schedule.yml"
SEPARATORS = re.compile(r"[、,，;；/\s]+")
WEEKDAY_WORDS = {w: i + 1 for i, w in enumerate("一二三四五六日")} | {"天": 7}
NUMBER_WORDS = {w: i + 1 for i, w in enumerate("一二三四五六七八九十")}
HELP = "填写说明"


# ---------------------------------------------------------------- what the sheets hold
@dataclass(frozen=True)
class Column:
    header: str
    key: str
    kind: str = "text"   # text id int bool date cadre cadres village stages weekdays slots days choice
    required: bool = False
    choices: tuple[str, ...] = ()
    tip: str = ""


@dataclass(frozen=True)
class Sheet:
    name: str
    file: str             # the YAML file it belongs to
    key: str              # the key in that file
    columns: tuple[Column, ...]
    tip: str

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


SLOT_NAMES = ("上午", "下午", "晚上")
YES_NO = ("是", "否")

CADRES = Sheet("干部", TOWNSHIP, "cadres", (
    Column("编号", "id", "id", tip="不要改；新增的人留空，导入时按姓名拼音生成"),
    Column("姓名", "name", required=True),
    Column("单位", "unit", "choice", True, model.UNITS),
    Column("角色", "role", "choice", True, model.ROLES),
    Column("工作电话", "phone", tip="内部使用；按文本填写，开头的 0 不会丢"),
    Column("电话可公开", "phone_public", "bool", choices=YES_NO, tip="是：可以印在网站和明白纸上"),
), "干部名册：包村工作组、网格员、法治副校长都从这里选人")

VILLAGES = Sheet("村和网格", TOWNSHIP, "villages", (
    Column("村编号", "id", "id", tip="不要改；新增的村留空"),
    Column("村名称", "name", required=True, tip="同一个村的各行可以留空（合并单元格也可以），表示同上"),
    Column("类型", "kind", "choice", choices=("行政村", "社区")),
    Column("网格编号", "grid.id", "id", tip="不要改；新增的网格留空"),
    Column("网格名称", "grid.name", required=True),
    Column("户数", "grid.households", "int", True),
    Column("出租房屋户数", "grid.rental", "int"),
    Column("流动人口", "grid.migrants", "int", tip="外来人员人数"),
    Column("网格员", "grid.worker", "cadre", tip="写姓名；随包村工作组走本网格"),
), "每个网格一行")

TEAMS = Sheet("包村工作组", TOWNSHIP, "team", (
    Column("村编号", "village", "id", tip="或只写村名称"),
    Column("村名称", "village_name"),
    Column("党政领导", "leader", "cadre", True),
    Column("部门负责人", "heads", "cadres", True, tip="两人，用顿号隔开"),
), "每个村一行：一名党政领导、两名部门负责人")

SCHOOLS = Sheet("学校", TOWNSHIP, "schools", (
    Column("编号", "id", "id", tip="不要改；新增的学校留空"),
    Column("名称", "name", required=True),
    Column("学段", "stages", "stages", True, tip="、".join(model.STAGES) + "，多个用顿号隔开"),
    Column("法治副校长", "vice_principal", "cadre", True),
    Column("所在村", "village", "village"),
), "每所学校一行")

MARKET = Sheet("集市", TOWNSHIP, "market", (
    Column("所在村", "village", "village", True),
    Column("地点", "place", required=True),
    Column("集日", "days", "days", True, tip="如 逢一逢六，或 1、6、11、16、21、26"),
    Column("按农历", "lunar", "bool", choices=YES_NO, tip="多数农村集市按农历"),
), "本镇的集市（一行）")

ENTERPRISES = Sheet("企业", TOWNSHIP, "enterprises", (
    Column("编号", "id", "id", tip="不要改；新增的企业留空"),
    Column("名称", "name", required=True),
    Column("所在村", "village", "village", True),
    Column("职工人数", "workers", "int"),
), "进企业宣传的企业")

LEAVE = Sheet("请假", SCHEDULE, "leave", (
    Column("干部", "cadre", "cadre", True),
    Column("开始", "from", "date", True, tip="如 2027-02-05"),
    Column("结束", "to", "date", True),
    Column("事由", "reason"),
), "干部不能走访的日子（请假、培训、借调）")

DUTY = Sheet("值班", SCHEDULE, "duty", (
    Column("干部", "cadre", "cadre", True),
    Column("星期", "weekdays", "weekdays", True, tip="如 周三，或 一、四"),
    Column("时段", "slots", "slots", tip="上午、下午、晚上；留空表示全天"),
    Column("事由", "reason"),
), "每周固定的值班")

MEETINGS = Sheet("会议", SCHEDULE, "meetings", (
    Column("会议", "reason", required=True),
    Column("日期", "date", "date", tip="开一次的会写日期"),
    Column("重复", "every", tip="定期的会写 每周一、每月第一个星期三、每月最后一个星期五 或 每月15日"),
    Column("从", "from", "date", tip="定期的会从哪天起（留空：年初）"),
    Column("到", "to", "date", tip="到哪天止（留空：年底）"),
    Column("参会干部", "cadres", "cadres", tip="留空表示全体"),
    Column("时段", "slots", "slots", tip="留空表示全天"),
), "参会干部当天（或当时段）不排走访")

SHEETS = (VILLAGES, CADRES, TEAMS, SCHOOLS, MARKET, ENTERPRISES, LEAVE, DUTY, MEETINGS)
HOUSEHOLDS = "农户"
HOUSEHOLD_COLUMNS = (*REGISTER_COLUMNS, "户主", "电话", *model.HOUSEHOLD_FLAGS)


# ---------------------------------------------------------------- values with their places
@dataclass(frozen=True)
class Cell:
    """A value with where it came from (a cell, or a line of the YAML file) and the words it is
    known by there, so that the loader's checks report it at that place."""

    value: Any
    pos: Pos
    label: str | None = None


def plain(value: Any) -> Any:
    """The value without places: what goes into the YAML file."""
    if isinstance(value, Cell):
        return plain(value.value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


_TAG = "tag:yaml.org,2002:"


def to_node(value: Any, pos: Pos, label: str | None = None) -> yaml.Node:
    """The YAML node the schema checks, each part marked with its place."""
    if isinstance(value, Cell):
        return to_node(value.value, value.pos, value.label)
    mark = CellMark(pos, label)
    if isinstance(value, dict):
        return yaml.MappingNode(_TAG + "map", [(yaml.ScalarNode(_TAG + "str", k, mark, mark), to_node(v, pos, label))
                                               for k, v in value.items()], mark, mark)
    if isinstance(value, list):
        return yaml.SequenceNode(_TAG + "seq", [to_node(v, pos, label) for v in value], mark, mark)
    if isinstance(value, bool):
        return yaml.ScalarNode(_TAG + "bool", "true" if value else "false", mark, mark)
    if isinstance(value, int):
        return yaml.ScalarNode(_TAG + "int", str(value), mark, mark)
    if isinstance(value, dt.date):
        return yaml.ScalarNode(_TAG + "timestamp", value.isoformat(), mark, mark)
    if value is None:
        return yaml.ScalarNode(_TAG + "null", "", mark, mark)
    return yaml.ScalarNode(_TAG + "str", str(value), mark, mark)


def _scalar(v: Any) -> Any:
    """ruamel's scalar types as plain Python (its ScalarInt is an int, its strings are str …)."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return float(v)
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return str(v)


def from_yaml(value: Any, path: str, line: int = 0, col: int = 0) -> Any:
    """A ruamel document as Cells, each at its line in the file."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, CommentedMap):
        return Cell({k: from_yaml(v, path, *value.lc.value(k)) for k, v in value.items()},
                    Pos(path, value.lc.line + 1, value.lc.col + 1))
    if isinstance(value, CommentedSeq):
        return Cell([from_yaml(v, path, *value.lc.item(i)) for i, v in enumerate(value)],
                    Pos(path, value.lc.line + 1, value.lc.col + 1))
    return Cell(_scalar(value), Pos(path, line + 1, col + 1))


# ---------------------------------------------------------------- YAML, edited in place
def _yaml():
    from ruamel.yaml import YAML

    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def read_yaml(path: Path):
    """The file as ruamel's round-trip document (comments kept), or None if absent."""
    return _yaml().load(path.read_text("utf-8")) if path.exists() else None


def dump_yaml(doc, original: str) -> str:
    """The document as text. ruamel evens out the spaces people line up flow mappings with; a line
    whose values did not change gets its original text back."""
    out = io.StringIO()
    _yaml().dump(doc, out)
    spaced: dict[str, str] = {}
    for line in original.splitlines():
        spaced.setdefault(_squeeze(line), line)
    return "".join((spaced.get(_squeeze(line), line) if line.strip() else line) + "\n"
                   for line in out.getvalue().splitlines())


def _squeeze(line: str) -> str:
    return re.sub(r"(?<=[,:]) +| +(?=[,}\]])", " ", line.rstrip())


def _new_map(values: dict):
    """A new record on one line, as the files write flat records ({id: …, name: …}); a record
    holding records (a village and its grids) in block style."""
    from ruamel.yaml.comments import CommentedMap

    item = CommentedMap()
    if not any(isinstance(v, dict) or isinstance(v, list) and v and isinstance(v[0], dict) for v in values.values()):
        item.fa.set_flow_style()
    return item


def _flow_seq(values: list):
    from ruamel.yaml.comments import CommentedSeq

    seq = CommentedSeq(values)
    seq.fa.set_flow_style()
    return seq


def update_map(target, new: dict, keys: Iterable[str], defaults: dict[str, Any]) -> None:
    """Set the keys the workbook holds to its values; drop those it leaves empty; touch nothing
    else (another key, a value written the same, a comment)."""
    from ruamel.yaml.comments import CommentedMap

    for key in keys:
        if key not in new:
            target.pop(key, None)
            continue
        value = new[key]
        current = plain(from_yaml(target[key], "")) if key in target else defaults.get(key)
        if isinstance(value, dict):
            if key not in target or not isinstance(target[key], CommentedMap):
                target[key] = CommentedMap()
                target[key].fa.set_flow_style()
            update_map(target[key], value, value.keys(), {})
        elif value != current:
            target[key] = _flow_seq(value) if isinstance(value, list) else value


def reconcile(seq, items: list[dict], keys: tuple[str, ...], defaults: dict[str, Any],
              nested: Callable[[Any, dict], None] | None = None):
    """The list as the workbook has it, made from the file's own items where they are the same
    record (by id; by content for lists without ids), so their comments and other keys survive."""
    from ruamel.yaml.comments import CommentedSeq

    seq = seq if seq is not None else CommentedSeq()
    by_id = {item.get("id"): item for item in seq if "id" in item}
    unused = list(seq)
    out = []
    for new in items:
        if "id" in new:
            target = by_id.get(new["id"])
        else:
            target = next((o for o in unused if all(plain(from_yaml(o.get(k), "")) == new.get(k) for k in keys)),
                          None)
        if target is None:
            target = _new_map(new)
        if target in unused:
            unused.remove(target)
        update_map(target, {k: v for k, v in new.items() if k in keys}, keys, defaults)
        if nested:
            nested(target, new)
        out.append(target)
    # Comments ride on the item they follow: move them with it.
    index = {id(item): i for i, item in enumerate(seq)}
    comments = {new_i: seq.ca.items[index[id(item)]] for new_i, item in enumerate(out)
                if id(item) in index and index[id(item)] in seq.ca.items}
    seq.clear()
    seq.extend(out)
    seq.ca.items.clear()
    seq.ca.items.update(comments)
    return seq


def _defaults(obj: Obj) -> dict[str, Any]:
    out = {}
    for key, f in obj.fields.items():
        value = f.default() if callable(f.default) else f.default
        out[key] = list(value) if isinstance(value, tuple) else value
    return out


# ---------------------------------------------------------------- reading a workbook
@dataclass
class Table:
    """A sheet as read: header → 1-based column, and the rows under it as text cells."""

    name: str
    shown: str                         # 台账.xlsx:干部
    columns: dict[str, int]
    rows: list[Row]
    numbers: set[tuple[int, str]] = field(default_factory=set)   # (row, header) cells Excel holds as numbers

    def pos(self, row: Row, header: str | None = None) -> Pos:
        return row.pos(self.shown, header)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ", "minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def open_workbook(path: Path, problems: Problems) -> dict[str, Table] | None:
    """Every sheet of the workbook, or None after saying why it cannot be read."""
    import openpyxl

    shown = path.name
    try:
        head = path.read_bytes()[:8]
    except OSError as e:
        problems.error(Pos(shown, 0, 0), f"无法读取文件：{e.strerror}")
        return None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        problems.error(Pos(shown, 0, 0), "这是旧版 Excel（.xls）或 WPS（.et）格式：请在 Excel 或 WPS 里“文件 → 另存为”"
                                         "“Excel 工作簿（*.xlsx）”，再导入 .xlsx 文件")
        return None
    if not head.startswith(b"PK"):
        problems.error(Pos(shown, 0, 0), "这不是 Excel 工作簿（.xlsx）：台账要用 wanjia roster export 导出的那种整本工作簿；"
                                         "CSV 只能存一张表")
        return None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        problems.error(Pos(shown, 0, 0), f"Excel 文件损坏或不完整（{type(e).__name__}）：什么都没有导入")
        return None
    tables = {}
    try:
        for sheet in book.worksheets:
            label = f"{shown}:{sheet.title.strip()}"
            raw = [(n, list(values)) for n, values in enumerate(sheet.iter_rows(values_only=True), 1)
                   if any(_text(v) for v in values)]
            if not raw:
                tables[sheet.title.strip()] = Table(sheet.title.strip(), label, {}, [])
                continue
            header_line, header = raw[0]
            columns = {_text(h): i + 1 for i, h in enumerate(header) if _text(h)}
            table = Table(sheet.title.strip(), label, columns, [])
            for n, values in raw[1:]:
                cells = {h: (_text(values[i - 1]) if i - 1 < len(values) else "") for h, i in columns.items()}
                table.rows.append(Row(n, cells, columns))
                table.numbers.update((n, h) for h, i in columns.items()
                                     if i - 1 < len(values) and isinstance(values[i - 1], int | float)
                                     and not isinstance(values[i - 1], bool))
            tables[table.name] = table
    finally:
        book.close()
    return tables


# ---------------------------------------------------------------- cells to values
class _People:
    """Cadres as the workbook writes them: 姓名, or 姓名（单位） where two share a name; ids work too."""

    def __init__(self, cadres: list[dict]):
        self.ids = {c["id"] for c in cadres}
        self.by_name: dict[str, list[str]] = {}
        for c in cadres:
            self.by_name.setdefault(c["name"], []).append(c["id"])
            self.by_name.setdefault(f"{c['name']}（{c.get('unit', '')}）", []).append(c["id"])
        self.shown = {}
        for c in cadres:
            twins = len(self.by_name[c["name"]]) > 1
            self.shown[c["id"]] = f"{c['name']}（{c.get('unit', '')}）" if twins else c["name"]

    def resolve(self, text: str) -> tuple[str | None, str]:
        text = text.replace("(", "（").replace(")", "）").strip()
        if text in self.ids:
            return text, ""
        found = self.by_name.get(text, [])
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, f"有 {len(found)} 位干部叫「{text}」：请写成 姓名（单位），如 {self.shown[found[0]]}"
        return None, f"「{text}」不在「干部」表里{did_you_mean(text, [n for n in self.by_name if '（' not in n])}"


class _Reader:
    """Turns a sheet's rows into Cells of the values the YAML holds, reporting what it cannot read."""

    def __init__(self, problems: Problems, people: _People | None, villages: dict[str, str]):
        self.problems, self.people, self.villages = problems, people, villages   # villages: name or id → id

    def row(self, table: Table, sheet: Sheet, row: Row) -> dict[str, Cell]:
        out: dict[str, Cell] = {}
        for col in sheet.columns:
            text = row.get(col.header)
            pos = table.pos(row, col.header)
            if not text:
                if col.required and col.key != "name" and not col.key.endswith(".name"):
                    self.problems.error(pos, f"「{col.header}」不能为空")
                continue
            value = self.value(col, text, pos, (row.line, col.header) in table.numbers)
            if value is not None:
                out[col.key] = Cell(value, pos, col.header)
        return out

    def value(self, col: Column, text: str, pos: Pos, number: bool) -> Any:
        bad = self.problems.error
        kind = col.kind
        if kind in ("text", "id", "choice"):
            if col.key == "phone" and number:
                self.problems.warning(pos, f"「{col.header}」「{text}」存成了数字，开头的 0 可能已经丢了：请把这一列设为“文本”再填")
            return text
        if kind == "int":
            if not re.fullmatch(r"\d+", text):
                bad(pos, f"「{col.header}」应为整数，实际为「{text}」")
                return None
            return int(text)
        if kind == "bool":
            answer = yes(text)
            if answer is None:
                bad(pos, f"「{col.header}」应填 是 或 否，实际为「{text}」")
            return answer
        if kind == "date":
            m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
            if not m:
                bad(pos, f"「{col.header}」应为日期（如 2027-02-05），实际为「{text}」")
                return None
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                from .schema import _why_no_such_day

                bad(pos, f"「{col.header}」的日期「{text}」不存在：{_why_no_such_day(int(m[1]), int(m[2]), int(m[3]))}")
                return None
        parts = [p for p in SEPARATORS.split(text) if p]
        if kind in ("cadre", "cadres"):
            assert self.people is not None
            ids = []
            for part in parts if kind == "cadres" else [text]:
                found, why = self.people.resolve(part)
                if found is None:
                    bad(pos, f"「{col.header}」：{why}")
                    return None
                ids.append(found)
            return ids if kind == "cadres" else ids[0]
        if kind == "village":
            found = self.villages.get(text)
            if found is None:
                bad(pos, f"「{col.header}」「{text}」不在「村和网格」表里{did_you_mean(text, self.villages)}")
            return found
        if kind == "stages":
            return parts
        if kind == "slots":
            return parts
        if kind == "weekdays":
            days = []
            for part in parts:
                word = re.sub(r"^(周|星期|礼拜)", "", part)
                day = int(word) if word.isdigit() else WEEKDAY_WORDS.get(word)
                if day is None or not 1 <= day <= 7:
                    bad(pos, f"「{col.header}」看不懂「{part}」：请写 周一 到 周日，或 1 到 7")
                    return None
                days.append(day)
            return days
        if kind == "days":
            return self.market_days(col, text, pos)
        raise ValueError(kind)

    def market_days(self, col: Column, text: str, pos: Pos) -> list[int] | None:
        """逢一逢六 → 1、6、11、16、21、26; or the days written out."""
        if text.startswith("逢"):
            ends = [w for w in re.findall(r"逢([一二三四五六七八九十]|\d+)", text)]
            if not ends or "".join(f"逢{w}" for w in ends) != text.replace(" ", ""):
                self.problems.error(pos, f"「{col.header}」看不懂「{text}」：请写 逢一逢六，或 1、6、11、16、21、26")
                return None
            out: set[int] = set()
            for w in ends:
                last = int(w) if w.isdigit() else NUMBER_WORDS[w]
                out.update(d for d in range(1, 31) if d % 10 == last % 10)
            return sorted(out)
        parts = [p for p in SEPARATORS.split(text) if p]
        if not all(p.isdigit() for p in parts):
            self.problems.error(pos, f"「{col.header}」看不懂「{text}」：请写 逢一逢六，或 1、6、11、16、21、26")
            return None
        return [int(p) for p in parts]


# ---------------------------------------------------------------- the workbook as the two files
@dataclass
class Imported:
    """What an import would write, and how it reads in a sentence."""

    township: dict[str, Any]                  # key → Cells, for the keys the workbook holds
    schedule: dict[str, Any]
    register: tuple[list[Row], str] | None = None
    new_ids: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)


def _new_id(name: str, taken: set[str], cadre: bool = False, strip: str = "") -> str:
    from pypinyin import lazy_pinyin

    base = re.sub(strip, "", name) if strip else name
    syllables = [p for p in lazy_pinyin(base or name) if re.fullmatch(r"[a-z0-9]+", p)]
    slug = (f"{syllables[0]}-{''.join(syllables[1:])}" if cadre and len(syllables) > 1
            else "".join(syllables)) or "x"
    out, k = slug, 2
    while out in taken:
        out, k = f"{slug}-{k}", k + 1
    taken.add(out)
    return out


def _ids_of(cells: Cell | None) -> list[str]:
    return [plain(item)["id"] for item in cells.value] if cells else []


def read_roster(root: Path, path: Path, problems: Problems) -> Imported | None:
    """The workbook as the parts of data/township.yml and data/schedule.yml it holds (None when it
    cannot be read at all). Sheets that are not there leave their part as it is."""
    tables = open_workbook(path, problems)
    if tables is None:
        return None
    known = {s.name for s in SHEETS} | {HELP, HOUSEHOLDS}
    for name, table in tables.items():
        if name not in known:
            problems.warning(Pos(table.shown, 0, 0), f"不认识的工作表「{name}」，没有导入（认识的：{'、'.join(s.name for s in SHEETS)}、{HOUSEHOLDS}）")
    town_doc = read_yaml(root / TOWNSHIP)
    if town_doc is None:
        problems.error(Pos(TOWNSHIP), "缺少这个文件：先用 wanjia new 建好乡镇，再导入台账")
        return None
    town = plain(from_yaml(town_doc, TOWNSHIP))
    result = Imported({}, {}, sheets=[s.name for s in SHEETS if s.name in tables])
    for sheet in SHEETS:
        if sheet.name not in tables:
            continue
        table = tables[sheet.name]
        missing = [c.header for c in sheet.columns if c.required and c.header not in table.columns
                   and not (sheet is TEAMS and c.key == "village")]
        if sheet is TEAMS and "村编号" not in table.columns and "村名称" not in table.columns:
            missing.insert(0, "村编号 或 村名称")
        if missing and table.rows:
            problems.error(Pos(table.shown, 1, 1), f"表头缺少列：{'、'.join(missing)}")
            return None
        for header, col in table.columns.items():
            if header not in {c.header for c in sheet.columns}:
                problems.warning(Pos(table.shown, 1, col), f"不认识的列「{header}」，这一列没有导入")

    # 干部 first: every other sheet names people.
    if CADRES.name in tables:
        table = tables[CADRES.name]
        reader = _Reader(problems, None, {})
        taken = {c["id"] for c in town.get("cadres") or []}
        items = []
        for row in table.rows:
            cells = reader.row(table, CADRES, row)
            if "name" not in cells:
                problems.error(table.pos(row, "姓名"), "「姓名」不能为空")
                continue
            if "id" not in cells:
                new = _new_id(cells["name"].value, taken, cadre=True)
                cells["id"] = Cell(new, table.pos(row, "编号"), "编号")
                result.new_ids.append(f"干部「{cells['name'].value}」编号 {new}")
            items.append(Cell({k: cells[k] for k in _order(CADRES, cells)}, table.pos(row), ""))
        result.township["cadres"] = Cell(items, Pos(table.shown, 1, 1), "")
        cadres = [plain(c) for c in items]
    else:
        cadres = list(town.get("cadres") or [])
    people = _People(cadres)

    in_file = from_yaml(town_doc, TOWNSHIP).value.get("villages")
    if VILLAGES.name in tables:
        teams = {plain(v)["id"]: v.value["team"] for v in (in_file.value if in_file else []) if "team" in v.value}
        villages = _read_villages(tables[VILLAGES.name], town, teams, _Reader(problems, people, {}), result)
    else:
        villages = list(in_file.value) if in_file else []
    village_ids = {plain(v)["id"]: plain(v)["id"] for v in villages} | {
        plain(v)["name"]: plain(v)["id"] for v in villages}
    reader = _Reader(problems, people, village_ids)
    if TEAMS.name in tables:
        _read_teams(tables[TEAMS.name], villages, reader, problems)
    if any(s.name in tables for s in (VILLAGES, TEAMS)):
        shown = tables[VILLAGES.name if VILLAGES.name in tables else TEAMS.name].shown
        result.township["villages"] = Cell(villages, Pos(shown, 1, 1), "")

    for sheet, target, with_ids in ((SCHOOLS, result.township, True), (ENTERPRISES, result.township, True),
                                    (LEAVE, result.schedule, False), (DUTY, result.schedule, False),
                                    (MEETINGS, result.schedule, False)):
        if sheet.name not in tables:
            continue
        table = tables[sheet.name]
        taken = {str(item.get("id")) for item in town.get(sheet.key) or []}
        items = []
        for row in table.rows:
            cells = reader.row(table, sheet, row)
            if "name" in {c.key for c in sheet.columns} and "name" not in cells:
                problems.error(table.pos(row, sheet.column("name").header), f"「{sheet.column('name').header}」不能为空")
                continue
            if with_ids and "id" not in cells:
                new = _new_id(cells["name"].value, taken)
                cells["id"] = Cell(new, table.pos(row, "编号"), "编号")
                result.new_ids.append(f"{sheet.name}「{cells['name'].value}」编号 {new}")
            items.append(Cell({k: cells[k] for k in _order(sheet, cells)}, table.pos(row), ""))
        target[sheet.key] = Cell(items, Pos(table.shown, 1, 1), "")
    if MARKET.name in tables:
        table = tables[MARKET.name]
        if len(table.rows) > 1:
            problems.error(table.pos(table.rows[1]), "「集市」表只能有一行（本镇的集市）")
        rows = [reader.row(table, MARKET, row) for row in table.rows[:1]]
        result.township["market"] = (Cell({k: rows[0][k] for k in _order(MARKET, rows[0])}, table.pos(table.rows[0]), "")
                                     if rows else None)
    if HOUSEHOLDS in tables:
        table = tables[HOUSEHOLDS]
        missing = [h for h in REGISTER_COLUMNS if h not in table.columns]
        if missing:
            problems.error(Pos(table.shown, 1, 1), f"表头缺少列：{'、'.join(missing)}")
            return None
        result.register = (table.rows, table.shown)

    for key, what in (("cadres", "干部"), ("villages", "村"), ("schools", "学校"), ("enterprises", "企业")):
        if key in result.township:
            now = set(_ids_of(result.township[key]))
            gone = [f"{item.get('name', '')}（{item['id']}）" for item in town.get(key) or [] if item["id"] not in now]
            if gone:
                result.removed.append(f"{what}：{'、'.join(gone)}")
    return result


def _order(sheet: Sheet, cells: dict[str, Cell]) -> list[str]:
    """The keys in the order the file writes them: the sheet's column order, id first."""
    keys = [c.key for c in sheet.columns if c.key in cells]
    return sorted(keys, key=lambda k: k != "id")


def _read_villages(table: Table, town: dict, teams: dict[str, Cell], reader: _Reader, result: Imported) -> list[Cell]:
    """Rows of 村和网格 as villages with their grids; a blank village cell means the one above (as
    merged cells read). Teams come from the file until 包村工作组 says otherwise."""
    problems = reader.problems
    old = {v["id"]: v for v in town.get("villages") or []}
    old_by_name = {v["name"]: v["id"] for v in old.values()}
    taken_v = set(old)
    taken_g = {g["id"] for v in old.values() for g in v.get("grids") or []}
    villages: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    for row in table.rows:
        cells = reader.row(table, VILLAGES, row)
        named = "name" in cells or "id" in cells
        if named:
            vid = cells["id"].value if "id" in cells else old_by_name.get(cells["name"].value)
            if vid is None:
                same = next((v for v in villages.values() if v["name"].value == cells["name"].value), None)
                vid = same["id"].value if same else _new_id(cells["name"].value, taken_v, strip=r"(村|社区|居委会)$")
                if not same:
                    result.new_ids.append(f"村「{cells['name'].value}」编号 {vid}")
            if vid in villages:
                current = villages[vid]
                for key in ("name", "kind"):
                    if key in cells and key in current and cells[key].value != current[key].value:
                        problems.error(cells[key].pos, f"「{cells[key].label}」与同一个村上面的行不一致："
                                                       f"「{current[key].value}」和「{cells[key].value}」")
            else:
                if "name" not in cells:
                    problems.error(table.pos(row, "村名称"), "「村名称」不能为空")
                    continue
                current = {"id": cells.get("id") or Cell(vid, table.pos(row, "村编号"), "村编号"),
                           "name": cells["name"], **({"kind": cells["kind"]} if "kind" in cells else {}),
                           "grids": [], "_pos": table.pos(row)}
                if vid in teams:
                    current["team"] = teams[vid]
                villages[vid] = current
        if current is None:
            problems.error(table.pos(row, "村名称"), "「村名称」不能为空（第一个网格要写上村名称）")
            continue
        grid = {k.removeprefix("grid."): v for k, v in cells.items() if k.startswith("grid.")}
        if "name" not in grid:
            problems.error(table.pos(row, "网格名称"), "「网格名称」不能为空")
            continue
        if "id" not in grid:
            vid = current["id"].value
            k = 1
            while f"{vid}-{k}" in taken_g:
                k += 1
            taken_g.add(f"{vid}-{k}")
            grid["id"] = Cell(f"{vid}-{k}", table.pos(row, "网格编号"), "网格编号")
            result.new_ids.append(f"网格「{grid['name'].value}」编号 {vid}-{k}")
        order = [c.key.removeprefix("grid.") for c in VILLAGES.columns if c.key.startswith("grid.")]
        current["grids"].append(Cell({k: grid[k] for k in sorted((k for k in order if k in grid),
                                                                 key=lambda k: k != "id")}, table.pos(row), ""))
    out = []
    for v in villages.values():
        pos = v.pop("_pos")
        v["grids"] = Cell(v["grids"], pos, "")
        out.append(Cell(v, pos, ""))
    return out


def _read_teams(table: Table, villages: list[Cell], reader: _Reader, problems: Problems) -> None:
    by_key = {}
    for v in villages:
        by_key[plain(v)["id"]] = v
        by_key[plain(v)["name"]] = v
    seen: set[str] = set()
    for row in table.rows:
        key = row.get("村编号") or row.get("村名称")
        village = by_key.get(key)
        if village is None:
            problems.error(table.pos(row, "村编号" if row.get("村编号") else "村名称"),
                           f"「{key}」不在「村和网格」表里{did_you_mean(key, by_key)}")
            continue
        cells = reader.row(table, TEAMS, row)
        vid = plain(village)["id"]
        if vid in seen:
            problems.error(table.pos(row), f"「{plain(village)['name']}」的包村工作组写了两行")
        seen.add(vid)
        if "leader" in cells and "heads" in cells:
            village.value["team"] = Cell({"leader": cells["leader"], "heads": cells["heads"]}, table.pos(row), "")
    for v in villages:
        if plain(v)["id"] not in seen:
            problems.error(Pos(table.shown, 0, 0), f"「{plain(v)['name']}」没有包村工作组：请在这张表里加一行")


# ---------------------------------------------------------------- import and export
def check_import(root: Path, imported: Imported, book: str, read: Problems) -> Problems:
    """The loader's own checks on the township as it would be after the import: the workbook's
    problems, and errors anywhere (they would stop the next check anyway). A row that could not be
    read is reported once, for what was wrong in it (not again for what it then lacks)."""
    nodes = {}
    for file, part in ((TOWNSHIP, imported.township), (SCHEDULE, imported.schedule)):
        doc = read_yaml(root / file)
        whole = from_yaml(doc, file) if doc is not None else Cell({}, Pos(file), None)
        values = dict(whole.value)
        for key, cells in part.items():
            if cells is None:
                values.pop(key, None)
            else:
                values[key] = cells
        nodes[file] = to_node(Cell(values, whole.pos, whole.label), whole.pos)
    _, problems = load_project(root, Given(nodes, imported.register))
    seen = {p.pos for p in read.errors}
    return Problems([p for p in problems.items if (p.level == "error" or p.pos.path.startswith(book))
                     and p.pos not in seen and not (read.errors and "缺少必填" in p.message)])


def write_import(root: Path, imported: Imported) -> list[str]:
    """Edit the YAML files in place (and write the register): all files or none. Returns the files
    that changed."""
    town_doc = read_yaml(root / TOWNSHIP)
    defaults = {
        "cadres": _defaults(model.CADRE), "schools": _defaults(model.SCHOOL),
        "enterprises": _defaults(model.ENTERPRISE), "market": _defaults(model.MARKET)}
    t = imported.township
    for key in ("cadres", "schools", "enterprises"):
        if key in t:
            sheet = {"cadres": CADRES, "schools": SCHOOLS, "enterprises": ENTERPRISES}[key]
            town_doc[key] = reconcile(town_doc.get(key), plain(t[key]), tuple(c.key for c in sheet.columns),
                                      defaults[key])
    if "villages" in t:
        grid_keys = tuple(c.key.removeprefix("grid.") for c in VILLAGES.columns if c.key.startswith("grid."))
        grid_defaults = _defaults(model.GRID)

        def grids(target, new):
            target["grids"] = reconcile(target.get("grids"), new["grids"], grid_keys, grid_defaults)
            if "team" in new:
                update_map(target.setdefault("team", _flow_team()), new["team"], ("leader", "heads"), {})

        town_doc["villages"] = reconcile(town_doc.get("villages"), plain(t["villages"]), ("id", "name", "kind"),
                                         _defaults(model.VILLAGE), grids)
    if "market" in t:
        if t["market"] is None:
            town_doc.pop("market", None)
        else:
            from ruamel.yaml.comments import CommentedMap

            target = town_doc.get("market")
            if target is None:
                target = town_doc["market"] = CommentedMap()
                target.fa.set_flow_style()
            update_map(target, plain(t["market"]), tuple(c.key for c in MARKET.columns), defaults["market"])
    texts = {TOWNSHIP: dump_yaml(town_doc, (root / TOWNSHIP).read_text("utf-8"))}
    if imported.schedule:
        path = root / SCHEDULE
        original = path.read_text("utf-8") if path.exists() else ""
        doc = read_yaml(path) if path.exists() else None
        if doc is None:
            from ruamel.yaml.comments import CommentedMap

            doc = CommentedMap()
        for sheet in (LEAVE, DUTY, MEETINGS):
            if sheet.key in imported.schedule:
                doc[sheet.key] = reconcile(doc.get(sheet.key), plain(imported.schedule[sheet.key]),
                                           tuple(c.key for c in sheet.columns), {})
                if not doc[sheet.key] and sheet.key in doc:
                    del doc[sheet.key]
        texts[SCHEDULE] = dump_yaml(doc, original)
    data: dict[str, bytes] = {f: text.encode("utf-8") for f, text in texts.items()}
    if imported.register is not None:
        rows = [[r.get(h) for h in HOUSEHOLD_COLUMNS] for r in imported.register[0]]
        before = read_table(root / REGISTER, REGISTER, REGISTER_COLUMNS, Problems()) if (root / REGISTER).exists() else None
        if before is None or [[r.get(h) for h in HOUSEHOLD_COLUMNS] for r in before] != rows:
            data[REGISTER] = csv_bytes(HOUSEHOLD_COLUMNS, rows)
    changed = [f for f, raw in data.items() if not (root / f).exists() or (root / f).read_bytes() != raw]
    temps = []
    for f in changed:  # every file beside its target first, then all moved in
        tmp = (root / f).with_name(f".{Path(f).name}.tmp")
        tmp.write_bytes(data[f])
        temps.append((tmp, root / f))
    for tmp, final in temps:
        os.replace(tmp, final)
    return changed


def _flow_team():
    from ruamel.yaml.comments import CommentedMap

    team = CommentedMap()
    team.fa.set_flow_style()
    return team


def export_rows(root: Path, households: bool) -> dict[str, tuple[tuple, list]]:
    """The sheets of the workbook, from the township's files as they are."""
    town = plain(from_yaml(read_yaml(root / TOWNSHIP), TOWNSHIP))
    sched_doc = read_yaml(root / SCHEDULE)
    sched = plain(from_yaml(sched_doc, SCHEDULE)) if sched_doc is not None else {}
    people = _People(list(town.get("cadres") or []))
    villages = {v["id"]: v["name"] for v in town.get("villages") or []}

    def cell(col: Column, value: Any) -> Any:
        if value is None or value == [] or value == "":
            return ""
        kind = col.kind
        if kind == "bool":
            return "是" if value else "否"
        if kind == "cadre":
            return people.shown.get(value, value)
        if kind == "cadres":
            return "、".join(people.shown.get(v, v) for v in value)
        if kind == "village":
            return villages.get(value, value)
        if kind == "weekdays":
            return "、".join("周" + "一二三四五六日"[d - 1] for d in value)
        if kind in ("stages", "slots", "days"):
            return "、".join(str(v) for v in value)
        if kind == "date":
            return value.isoformat()
        return value if kind == "int" else str(value)

    def rows_of(sheet: Sheet, items: Iterable[dict]) -> tuple[tuple, list]:
        return (tuple(c.header for c in sheet.columns),
                [[cell(c, item.get(c.key)) for c in sheet.columns] for item in items])

    out: dict[str, tuple[tuple, list]] = {HELP: (("工作表", "填写说明"), _help_rows())}
    grid_rows = []
    for v in town.get("villages") or []:
        for g in v.get("grids") or []:
            item = {"id": v["id"], "name": v["name"], "kind": v.get("kind", ""),
                    **{f"grid.{k}": val for k, val in g.items()}}
            grid_rows.append(item)
    out[VILLAGES.name] = rows_of(VILLAGES, grid_rows)
    out[CADRES.name] = rows_of(CADRES, town.get("cadres") or [])
    out[TEAMS.name] = rows_of(TEAMS, [{"village": v["id"], "village_name": v["name"], **(v.get("team") or {})}
                                       for v in town.get("villages") or []])
    out[SCHOOLS.name] = rows_of(SCHOOLS, town.get("schools") or [])
    out[MARKET.name] = rows_of(MARKET, [town["market"]] if town.get("market") else [])
    out[ENTERPRISES.name] = rows_of(ENTERPRISES, town.get("enterprises") or [])
    for sheet in (LEAVE, DUTY, MEETINGS):
        out[sheet.name] = rows_of(sheet, sched.get(sheet.key) or [])
    if households:  # an empty sheet for a township that has no register yet, to fill in
        rows = (read_table(root / REGISTER, REGISTER, REGISTER_COLUMNS, Problems()) or []
                if (root / REGISTER).exists() else [])
        out[HOUSEHOLDS] = (HOUSEHOLD_COLUMNS, [[r.get(h) for h in HOUSEHOLD_COLUMNS] for r in rows])
    return out


def _help_rows() -> list[list[str]]:
    rows = [["", "改好以后运行 wanjia roster import 台账.xlsx：先全部检查，有错就一个都不写，并指出 工作表:行:列。"],
            ["", "“编号”列不要改（日历订阅和走访记录靠它）；新增的行留空，导入时自动生成。"],
            ["", "人写姓名（重名的写 姓名（单位）），村写村名称；多个用顿号“、”隔开；日期写成 2027-02-05。"],
            ["", "删掉一行就是删掉这条记录；不想导入的工作表可以整张删掉，那部分保持不变。"]]
    for sheet in SHEETS:
        rows.append([sheet.name, sheet.tip])
        rows += [["", f"{c.header}{'（必填）' if c.required else ''}：{c.tip}"] for c in sheet.columns if c.tip]
    rows.append([HOUSEHOLDS, "农户登记表（内部资料，含姓名电话，勿外传）：导出时加 --households 才有；"
                             "列同 data/households.csv"])
    return rows


def entry_of() -> dict[str, Entry]:
    """Text columns (ids, phones, 户号, dates) and drop-downs (单位, 角色, 类型, 是/否)."""
    out = {}
    for sheet in SHEETS:
        text = tuple(i for i, c in enumerate(sheet.columns) if c.kind in ("id", "date", "text", "cadre", "cadres"))
        choices = tuple((i, c.choices) for i, c in enumerate(sheet.columns) if c.choices)
        out[sheet.name] = Entry(text, choices)
    out[HOUSEHOLDS] = Entry(tuple(range(5)), tuple((i, YES_NO) for i in range(5, len(HOUSEHOLD_COLUMNS))))
    return out


def export_workbook(root: Path, households: bool, year: int) -> bytes:
    return xlsx_bytes(export_rows(root, households), year, entry_of())
