"""A Markdown extension for the HTML the plan's pages are written in: a block between the lines
<!--wj-html--> and <!--/wj-html--> goes to the page as it is, those lines included. Python-Markdown
would otherwise parse it tag by tag to find where it ends (md_in_html's parser, in Python): on a
county's cadre pages, 33 M characters of visits, that was 35 ms a page. An engine without the
extension (the exported docs, see plugin.export_docs) reads the same lines as ordinary raw HTML, to
the same bytes.
"""
from __future__ import annotations

import re

from markdown import Extension
from markdown.preprocessors import Preprocessor

NAME = "generator.site.rawhtml"   # as mkdocs' markdown_extensions names it (the plugin adds it)
OPEN, CLOSE = "<!--wj-html-->", "<!--/wj-html-->"
_BLOCK = re.compile(rf"^{OPEN}\n.*?\n{CLOSE}$", re.M | re.S)
_BLANK = re.compile(r"\n\s*\n")


def html_block(html: str) -> str:
    """`html` as a block of Markdown, without a blank line in it: a page too long for a phone is
    cut between blocks (site.parts), and another engine's raw HTML block ends at a blank line. A
    blank line in typed text (a title in two paragraphs) is only whitespace in HTML."""
    html = _BLANK.sub("\n", html.strip("\n"))
    return f"\n{OPEN}\n{html}\n{CLOSE}\n\n"


class _Stash(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if OPEN not in text:
            return lines
        # Stored as Python-Markdown's own raw HTML block would be: markers and the blank line after.
        return _BLOCK.sub(lambda m: f"\n\n{self.md.htmlStash.store(m[0] + chr(10))}\n\n", text).split("\n")


class RawHtmlExtension(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802 — Python-Markdown's name
        md.preprocessors.register(_Stash(md), "wj_html", 25)   # before html_block (20) reads the tags


def makeExtension(**kwargs) -> RawHtmlExtension:  # noqa: N802 — how Python-Markdown loads it by name
    return RawHtmlExtension(**kwargs)
