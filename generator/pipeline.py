"""The pipeline's front door: load → check the calendar words → match, as plain functions.

The CLI and the site plugin both go through here, so `wanjia check` and a build see exactly the
same problems.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import calendar
from .calendar import Almanac
from .load import load_project
from .match import Matched, match
from .model import Project
from .problems import Problems


@dataclass
class Outreach:
    """A township's year: its project, calendar and matched campaigns (the schedule adds the Plan)."""

    project: Project
    almanac: Almanac
    year: int
    matched: list[Matched]

    @property
    def cal(self):
        return self.almanac.year(self.year)


def check(root: str | Path, year: int | None = None, region: str | None = None
          ) -> tuple[Outreach | None, Problems]:
    project, problems = load_project(root)
    if project is None:
        return None, problems
    almanac = calendar.check(project, problems, region)
    if problems.errors:
        return None, problems
    year = year or project.calendar.year
    cal = almanac.year(year)
    for note in cal.notes:
        problems.warning(project.calendar.pos, note)
    return Outreach(project, almanac, year, match(project, almanac, year, problems)), problems
