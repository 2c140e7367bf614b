"""The HTML fragments pages embed (quiz, month grid, 明白纸, walk sheets, charts), as Jinja2
templates with autoescape: every value a person typed is escaped unless marked as the author's own
Markdown. Jinja2 comes with mkdocs."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).parent / "templates"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def render(name: str, **values) -> str:
    return _environment().get_template(name).render(**values)
