"""A page's Markdown as a person reads it: paragraphs and list items ("units"), each split into
sentences, every character traced back to its line and column in the file.

The checks of legal references, figures and hotlines read pages through this one module, so they
agree on what a sentence is and on which parts are worked examples (the 示例 blocks, exempt from
the figure check because their numbers are made up).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from ..problems import Pos

_LIST_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d+\.)\s+")
_HEADING = re.compile(r"^#{1,6}\s")
_ADMONITION = re.compile(r"^(?:!!!|\?\?\?\+?)\s")
_MARKUP = re.compile(r"\*\*|__|`|\{[^{}]*\}\s*$")
_SENTENCE_END = "。！？；!?;"
EXAMPLE_HEADINGS = ("示例", "案例")
SITUATION_HEADINGS = ("常见情形",)  # what villagers meet, in their words: not statements of law


@dataclass(frozen=True)
class Unit:
    """A paragraph, list item, heading or admonition paragraph, with markup removed."""

    text: str
    path: str
    starts: tuple[int, ...]           # index in `text` where each source line begins
    places: tuple[tuple[int, int], ...]  # (line, column) of each of those line starts
    example: bool                     # inside a 示例 section or an example admonition
    heading: bool = False
    situation: bool = False           # inside a 常见情形 section
    pinned: bool = False              # a front-matter value: every place is the value's own place

    def pos(self, index: int) -> Pos:
        if self.pinned:
            return Pos(self.path, *self.places[0])
        k = max(0, bisect_right(self.starts, index) - 1)
        line, col = self.places[k]
        return Pos(self.path, line, col + index - self.starts[k])

    def sentences(self) -> Iterator[tuple[int, int]]:
        """(start, end) of each sentence: text up to 。；！？ (the mark included) or the unit's end."""
        start = 0
        for i, ch in enumerate(self.text):
            if ch in _SENTENCE_END:
                yield start, i + 1
                start = i + 1
        if self.text[start:].strip():
            yield start, len(self.text)


def units(body: str, first_line: int, path: str) -> list[Unit]:
    """The units of a Markdown body that starts on file line `first_line`."""
    out: list[Unit] = []
    lines: list[tuple[int, int, str]] = []   # (line, col, text) of the unit being read
    section = ""                # the current ## section's title
    admonition: str | None = None   # the first line of the admonition being read, if any

    def flush(heading: bool = False) -> None:
        nonlocal lines
        if lines:
            example = section.startswith(EXAMPLE_HEADINGS) or bool(
                admonition and ("example" in admonition or "示例" in admonition))
            out.append(_unit(lines, path, example, heading, section.startswith(SITUATION_HEADINGS)))
        lines = []

    for offset, raw in enumerate(body.splitlines()):
        line_no = first_line + offset
        if not raw.strip():
            flush()
            continue
        if admonition is not None and not raw.startswith(("    ", "\t")):
            flush()
            admonition = None
        if _HEADING.match(raw):
            flush()
            if raw.startswith("## "):
                section = raw[3:].strip()
            lines = [(line_no, len(raw) - len(raw.lstrip("#")) + 1, raw.lstrip("#"))]
            flush(heading=True)
            continue
        if _ADMONITION.match(raw.strip()):
            flush()
            admonition = raw.strip()
            continue
        item = _LIST_ITEM.match(raw)
        if item and admonition is None:
            flush()
            lines.append((line_no, item.end() + 1, raw[item.end():]))
            continue
        indent = len(raw) - len(raw.lstrip())
        lines.append((line_no, indent + 1, raw.strip()))
    flush()
    return out


def text_unit(text: str, pos: Pos, example: bool = False) -> Unit:
    """A unit from a value in the front matter (a quiz question or explanation): all of it at `pos`."""
    return Unit(text, pos.path, (0,), ((pos.line, pos.col),), example, pinned=True)


def _unit(lines: list[tuple[int, int, str]], path: str, example: bool, heading: bool, situation: bool) -> Unit:
    text_parts, starts, places = [], [], []
    at = 0
    for line_no, col, content in lines:
        # Markup is dropped but columns must still point into the file: keep one unit line per
        # stretch of text between markup.
        pieces = _MARKUP.split(content)
        cursor = 0
        for piece, sep in zip(pieces, [*(_MARKUP.findall(content)), ""], strict=True):
            if piece:
                starts.append(at)
                places.append((line_no, col + cursor))
                text_parts.append(piece)
                at += len(piece)
            cursor += len(piece) + len(sep)
    return Unit("".join(text_parts), path, tuple(starts) or (0,), tuple(places) or ((lines[0][0], 1),),
                example, heading, situation)
