"""A small schema language for Wanjia's YAML: one definition validates a YAML node tree with
positions (for `file:line:col` errors) and emits the JSON Schema that editors use.

Types check PyYAML *nodes*, not Python values, so every value keeps its place in the file.
A type returns the checked Python value, or INVALID after reporting why.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..problems import Pos, Problems, did_you_mean

INVALID: Any = type("Invalid", (), {"__repr__": lambda self: "INVALID"})()

_TAG = "tag:yaml.org,2002:"
_FOUND = {"str": "文字", "int": "整数", "float": "小数", "bool": "是/否", "null": "空值",
          "timestamp": "日期", "seq": "列表", "map": "键值表"}


@dataclass(frozen=True)
class RefUse:
    """A use of an id that must exist somewhere (a topic, a village …), checked after loading."""

    kind: str
    value: str
    pos: Pos


class CellMark(yaml.Mark):
    """The place of a node that did not come from a YAML file (a spreadsheet cell, say): its own
    path, and the words a person knows the value by (a column header) for the messages."""

    def __init__(self, pos: Pos, label: str | None = None):
        super().__init__(pos.path, 0, pos.line - 1, pos.col - 1, None, None)  # type: ignore[arg-type]
        self.label = label


@dataclass
class Ctx:
    path: str
    problems: Problems
    refs: list[RefUse] = field(default_factory=list)
    line_offset: int = 0
    trail: list[str] = field(default_factory=list)

    def pos(self, node: yaml.Node) -> Pos:
        mark = node.start_mark
        if isinstance(mark, CellMark):
            return Pos(mark.name, mark.line + 1, mark.column + 1)
        return Pos(self.path, mark.line + 1 + self.line_offset, mark.column + 1)

    def where(self) -> str:
        out = ""
        for part in self.trail:
            out += part if part.startswith("[") else (f".{part}" if out else part)
        return f"「{out}」" if out else "文件"

    def error(self, node: yaml.Node, message: str) -> None:
        label = getattr(node.start_mark, "label", None)
        self.problems.error(self.pos(node), f"{self.where() if label is None else f'「{label}」'}{message}")


def found(node: yaml.Node) -> str:
    """How a person would describe what they wrote: its kind and, for short scalars, its text."""
    if isinstance(node, yaml.SequenceNode):
        return "列表"
    if isinstance(node, yaml.MappingNode):
        return "键值表"
    kind = _FOUND.get(node.tag.removeprefix(_TAG), "值")
    text = node.value if len(node.value) <= 30 else node.value[:30] + "…"
    return f"{kind}「{text}」" if text else kind


def is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "null"


class Type:
    label = "值"
    kinds: tuple[type, ...] = (yaml.ScalarNode,)

    def check(self, node: yaml.Node, ctx: Ctx) -> Any:
        raise NotImplementedError

    def json(self, ids: dict[str, list[str]]) -> dict:
        raise NotImplementedError

    def wrong(self, node: yaml.Node, ctx: Ctx) -> Any:
        ctx.error(node, f"应为{self.label}，实际为{found(node)}")
        return INVALID


@dataclass
class Str(Type):
    enum: tuple[str, ...] = ()
    pattern: str = ""
    hint: str = ""  # what the pattern means, in words
    numbers: bool = False  # digits written bare (a phone number) are kept as their text
    label = "文字"

    def check(self, node, ctx):
        if self.numbers and isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "int":
            node = yaml.ScalarNode(_TAG + "str", node.value, node.start_mark, node.end_mark)
        if not isinstance(node, yaml.ScalarNode) or node.tag != _TAG + "str":
            return self.wrong(node, ctx)
        value = node.value.strip()
        if not value:
            ctx.error(node, "不能为空")
            return INVALID
        if self.enum and value not in self.enum:
            ctx.error(node, f"的值「{value}」不在可选范围内{did_you_mean(value, self.enum)}"
                            f"（可选：{'、'.join(self.enum)}）")
            return INVALID
        if self.pattern and not re.fullmatch(self.pattern, value):
            ctx.error(node, f"的值「{value}」格式不对：应为{self.hint or self.pattern}")
            return INVALID
        return value

    def json(self, ids):
        out: dict = {"type": "string", "minLength": 1}
        if self.enum:
            out["enum"] = list(self.enum)
        if self.pattern:
            out["pattern"] = f"^(?:{self.pattern})$"
        return {"anyOf": [out, {"type": "integer"}]} if self.numbers else out


ID_PATTERN = r"[a-z0-9][a-z0-9-]*"
ID_HINT = "小写英文字母、数字和连字符，如 wage-arrears"


@dataclass
class Id(Str):
    pattern: str = ID_PATTERN
    hint: str = ID_HINT


@dataclass
class Ref(Str):
    """An id of another record; whether it exists is checked once every file is loaded."""

    kind: str = ""

    def check(self, node, ctx):
        value = super().check(node, ctx)
        if value is not INVALID:
            ctx.refs.append(RefUse(self.kind, value, ctx.pos(node)))
        return value

    def json(self, ids):
        out = super().json(ids)
        if ids.get(self.kind):
            out["enum"] = sorted(ids[self.kind])
        return out


@dataclass
class Int(Type):
    min: int | None = None
    max: int | None = None
    label = "整数"

    def check(self, node, ctx):
        if not isinstance(node, yaml.ScalarNode) or node.tag != _TAG + "int":
            return self.wrong(node, ctx)
        value = int(yaml.safe_load(node.value))
        if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            lo = "" if self.min is None else f"不小于 {self.min}"
            hi = "" if self.max is None else f"不大于 {self.max}"
            ctx.error(node, f"的值 {value} 超出范围：应{'、'.join(s for s in (lo, hi) if s)}")
            return INVALID
        return value

    def json(self, ids):
        out: dict = {"type": "integer"}
        if self.min is not None:
            out["minimum"] = self.min
        if self.max is not None:
            out["maximum"] = self.max
        return out


class Bool(Type):
    label = "是/否（true 或 false）"

    def check(self, node, ctx):
        if not isinstance(node, yaml.ScalarNode) or node.tag != _TAG + "bool":
            return self.wrong(node, ctx)
        return node.value.lower() in ("true", "yes", "on", "y")

    def json(self, ids):
        return {"type": "boolean"}


def _why_no_such_day(year: int, month: int, day: int) -> str:
    import calendar

    if not 1 <= month <= 12:
        return f"没有 {month} 月"
    return f"{year} 年 {month} 月没有 {day} 日（只有 {calendar.monthrange(year, month)[1]} 天）"


class Date(Type):
    label = "日期（如 2027-01-15）"

    def check(self, node, ctx):
        if isinstance(node, yaml.ScalarNode) and node.tag in (_TAG + "timestamp", _TAG + "str"):
            text = node.value.strip()
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
                    ctx.error(node, f"的日期「{text}」不存在：{_why_no_such_day(int(m[1]), int(m[2]), int(m[3]))}")
                    return INVALID
        return self.wrong(node, ctx)

    def json(self, ids):
        return {"type": "string", "format": "date"}


class DateText(Date):
    """A date kept as its ISO text (e.g. a law version, which names a file in the law corpus)."""

    def check(self, node, ctx):
        value = super().check(node, ctx)
        return value if value is INVALID else value.isoformat()


class ArticleNumber(Type):
    """An article of a law: 82, or 第X条之Y written 287之二 (also 第二百八十七条之二)."""

    label = "条文序号（如 82，或 287之二）"
    kinds = (yaml.ScalarNode,)

    def check(self, node, ctx):
        from .laws import parse_article_no

        no = parse_article_no(yaml.safe_load(node.value)) if isinstance(node, yaml.ScalarNode) else None
        return no if no is not None else self.wrong(node, ctx)

    def json(self, ids):
        return {"anyOf": [{"type": "integer", "minimum": 1},
                          {"type": "string", "pattern": "^第?[0-9零一二三四五六七八九十百千]+条?(之[0-9一二三四五六七八九十]+)?$"}]}


@dataclass
class List(Type):
    item: Type = None  # type: ignore[assignment]
    min_items: int = 0
    unique: bool = False
    kinds = (yaml.SequenceNode,)

    @property
    def label(self):
        return f"列表（每项为{self.item.label}）"

    def check(self, node, ctx):
        if not isinstance(node, yaml.SequenceNode):
            return self.wrong(node, ctx)
        if len(node.value) < self.min_items:
            ctx.error(node, f"至少要有 {self.min_items} 项，实际 {len(node.value)} 项")
        out, seen = [], set()
        for i, child in enumerate(node.value):
            ctx.trail.append(f"[{i}]")
            value = self.item.check(child, ctx)
            if value is not INVALID and self.unique and isinstance(value, str):
                if value in seen:
                    ctx.error(child, f"重复：「{value}」已经列过")
                    value = INVALID
                seen.add(value)
            ctx.trail.pop()
            if value is not INVALID:
                out.append(value)
        return out

    def json(self, ids):
        out = {"type": "array", "items": self.item.json(ids)}
        if self.min_items:
            out["minItems"] = self.min_items
        if self.unique:
            out["uniqueItems"] = True
        return out


@dataclass(frozen=True)
class Field:
    type: Type
    required: bool = False
    doc: str = ""
    default: Any = None


@dataclass
class Obj(Type):
    """A mapping with known keys; `build` turns the checked values (and `pos`) into a record."""

    fields: dict[str, Field] = field(default_factory=dict)
    build: Callable[..., Any] | None = None
    doc: str = ""
    label = "键值表"
    kinds = (yaml.MappingNode,)

    def check(self, node, ctx):
        if not isinstance(node, yaml.MappingNode):
            return self.wrong(node, ctx)
        values: dict[str, Any] = {}
        seen: set[str] = set()
        invalid: set[str] = set()
        ok = True
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                ctx.error(key_node, f"的键应为文字，实际为{found(key_node)}")
                ok = False
                continue
            key = key_node.value
            if key in seen:
                ctx.error(key_node, f"中键「{key}」重复出现，后一个会覆盖前一个")
                ok = False
                continue
            seen.add(key)
            spec = self.fields.get(key)
            if spec is None:
                ctx.error(key_node, f"中有未知的键「{key}」{did_you_mean(key, self.fields)}"
                                    f"（可用的键：{'、'.join(self.fields)}）")
                continue
            if is_null(value_node):
                continue  # an empty value counts as absent
            ctx.trail.append(key)
            value = spec.type.check(value_node, ctx)
            ctx.trail.pop()
            if value is INVALID:
                invalid.add(key)
                ok = ok and not spec.required
                continue
            values[key] = value
        for name, spec in self.fields.items():
            if name not in values:
                if name in invalid:
                    pass
                elif spec.required and name not in seen:
                    ctx.error(node, f"缺少必填的键「{name}」（{spec.doc}）")
                    ok = False
                elif spec.required:
                    ctx.error(node, f"必填的键「{name}」不能为空（{spec.doc}）")
                    ok = False
                values[name] = (spec.default() if callable(spec.default) else
                                [] if spec.default is None and isinstance(spec.type, List) else spec.default)
        if not ok:
            return INVALID
        if self.build is None:
            return values
        return self.build(pos=ctx.pos(node), **values)

    def json(self, ids):
        out: dict = {"type": "object", "additionalProperties": False,
                     "properties": {k: {**f.type.json(ids), **({"description": f.doc} if f.doc else {})}
                                    for k, f in self.fields.items()}}
        required = [k for k, f in self.fields.items() if f.required]
        if required:
            out["required"] = required
        if self.doc:
            out["description"] = self.doc
        return out


@dataclass
class Mapping(Type):
    """A mapping with free keys (e.g. a dictionary of words); `build(key, value, pos)` makes each entry."""

    value: Type = None  # type: ignore[assignment]
    build: Callable[..., Any] | None = None
    label = "键值表"
    kinds = (yaml.MappingNode,)

    def check(self, node, ctx):
        if not isinstance(node, yaml.MappingNode):
            return self.wrong(node, ctx)
        out, seen = [], set()
        for key_node, value_node in node.value:
            key = key_node.value.strip() if isinstance(key_node, yaml.ScalarNode) else ""
            if not key:
                ctx.error(key_node, f"的键应为文字，实际为{found(key_node)}")
                continue
            if key in seen:
                ctx.error(key_node, f"中键「{key}」重复出现")
                continue
            seen.add(key)
            ctx.trail.append(key)
            value = INVALID if is_null(value_node) else self.value.check(value_node, ctx)
            if is_null(value_node):
                ctx.error(value_node, "不能为空")
            ctx.trail.pop()
            if value is not INVALID:
                out.append(self.build(key, value, ctx.pos(key_node)) if self.build else (key, value))
        return out

    def json(self, ids):
        return {"type": "object", "additionalProperties": self.value.json(ids)}


@dataclass
class OneOf(Type):
    """One of several types, told apart by the kind of node (text, list or mapping)."""

    options: tuple[Type, ...] = ()

    @property
    def label(self):
        return "或".join(o.label for o in self.options)

    def check(self, node, ctx):
        for option in self.options:
            if isinstance(node, option.kinds):
                return option.check(node, ctx)
        return self.wrong(node, ctx)

    def json(self, ids):
        return {"anyOf": [o.json(ids) for o in self.options]}


def json_schema(root: Type, title: str, ids: dict[str, list[str]] | None = None) -> dict:
    return {"$schema": "http://json-schema.org/draft-07/schema#", "title": title, **root.json(ids or {})}
