"""Problems found in a township's files: what a person must fix, and where.

Every stage reports into one `Problems` list instead of raising, so a single run can show
every mistake at once, each with file, line and column.
"""
from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

ERROR = "error"
FILE = "file"  # the code of a problem that keeps a whole file from being read (encoding, BOM, syntax)
WARNING = "warning"
_LEVEL_CN = {ERROR: "错误", WARNING: "警告"}


@dataclass(frozen=True, order=True)
class Pos:
    """A place in a file; line and column are 1-based as editors show them."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return self.path if self.line == 0 else f"{self.path}:{self.line}:{self.col}"


ARGUMENT = Pos("命令行", 0, 0)  # a problem with what was typed after `wanjia`, not with a file


@dataclass(frozen=True, order=True)
class Problem:
    pos: Pos
    level: str
    message: str
    code: str = ""  # a kind of problem that a report may fold into one line (e.g. "unreviewed")

    def __str__(self) -> str:
        return f"{self.pos}: {_LEVEL_CN[self.level]}: {self.message}"

    def as_json(self) -> dict:
        return {**asdict(self.pos), "level": self.level, "message": self.message, **({"code": self.code} if self.code else {})}


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was checked, for the closing summary

    def error(self, pos: Pos, message: str, code: str = "") -> None:
        self.items.append(Problem(pos, ERROR, message, code))

    def warning(self, pos: Pos, message: str, code: str = "") -> None:
        self.items.append(Problem(pos, WARNING, message, code))

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.level == WARNING]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))

    def sorted(self) -> list[Problem]:
        # Root causes first (a file that cannot be read at all), then file-ordered; identical
        # problems reported twice are shown once.
        return sorted(set(self.items), key=lambda p: (p.code != FILE, p.pos.path, p.pos.line, p.pos.col, p.message))

    def as_text(self, fold: int = 0) -> str:
        """One line per problem; with `fold`, a kind of warning seen more than `fold` times is
        shown by its first `fold` places and a count."""
        lines: list[str] = []
        shown: dict[str, int] = {}
        counts: dict[str, int] = {}
        for p in self.items:
            if p.code:
                counts[p.code] = counts.get(p.code, 0) + 1
        for p in self.sorted():
            if fold and p.code and counts[p.code] > fold:
                shown[p.code] = shown.get(p.code, 0) + 1
                if shown[p.code] > fold:
                    continue
            lines.append(str(p))
        for n in shown.values():
            lines.append(f"（同类警告共 {n} 条，上面只列出 {fold} 条；用 wanjia check --all 或 --format json 查看全部）")
        return "\n".join(lines)

    def as_json(self) -> str:
        return json.dumps([p.as_json() for p in self.sorted()], ensure_ascii=False, indent=2)


class Failed(Exception):
    """Raised by a stage that cannot go on; carries the problems for the person to fix."""

    def __init__(self, problems: Problems):
        super().__init__(problems.as_text())
        self.problems = problems


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A Chinese hint naming the closest known choice, or '' when nothing is close."""
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.5)
    return f"，您是不是想写「{match[0]}」？" if match else ""
