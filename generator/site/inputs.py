"""What the site is built from: every stage's value, gathered (the pipeline builds it, the page
writers read it). Frozen: no page writer changes what another reads."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..content.laws import LawLibrary
from ..content.model import Project
from ..plan.almanac import Almanac, YearCalendar
from ..plan.match import Matched, PlanYear
from ..plan.records import FieldData
from ..plan.schedule import Plan, Visit


@dataclass(frozen=True)
class Link:
    """A page another page points to (a related material or campaign, from the search index)."""

    title: str
    path: str   # docs-relative, e.g. materials/work/x.md


@dataclass(frozen=True)
class ScheduleSections:
    """The plan's part of pages other writers own: village id → section, campaign id → section."""

    village: Mapping[str, str]
    campaign: Mapping[str, str]


@dataclass(frozen=True)
class Outreach:
    """The township's year as the site shows it: the files (project, laws, almanac), the year
    (calendar, campaigns, school lessons), the plan, related pages, and the field data."""

    project: Project
    laws: LawLibrary
    almanac: Almanac
    plan_year: PlanYear
    plan: Plan
    related: Mapping[str, tuple[Link, ...]]   # page uid (material:id, campaign:id) → related pages
    field: FieldData
    next_lessons: tuple[Visit, ...] = ()      # the schools' 法治课 of the year after (their two-year plans)

    # The year's parts, as page writers name them.
    @property
    def year(self) -> int:
        return self.plan_year.number

    @property
    def cal(self) -> YearCalendar:
        return self.plan_year.calendar

    @property
    def matched(self) -> tuple[Matched, ...]:
        return self.plan_year.matched



@dataclass(frozen=True)
class SiteSource:
    """What the site engine is given: every page to render, and the project for the last checks
    of the built site (privacy) and the offline bundle's name. The engine takes the pages: a build
    empties `pages` once mkdocs holds them (a county's 139 M characters, not kept twice), so a
    source is built once."""

    project: Project
    pages: dict[str, str | bytes]
    internal: bool = False
