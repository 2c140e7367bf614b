"""Stage: the rural calendar of a year, and the window language that places campaigns in it.

A *day expression* names a day that recurs every year: `12-01` (month-day), `腊月二十` (lunar),
`清明` (a solar term), `端午` (a festival), a publicity day's name, each optionally shifted by days
(`小满+5`). A *period* is a named stretch between two day expressions (三夏, 冬闲, 春节返乡, 寒假 …);
periods may cross the new year. Everything here is computed, so it moves with the year: solar
terms and lunar dates come from borax (measured correct 2000–2100 against astronomy), statutory
holidays from chinese-calendar where it has the year, else from data/holidays/<year>.yml.
"""
from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
import re
from dataclasses import dataclass, field, replace
from functools import cache

from borax.calendars.festivals2 import LunarFestival
from borax.calendars.lunardate import TERMS_CN, LunarDate, TermUtils

from ..content.model import Period, Project
from ..problems import ARGUMENT, Pos, Problems, did_you_mean

TERMS = tuple(TERMS_CN)  # 小寒 … 冬至, in calendar order
_LUNAR_FESTIVALS = {"春节": (1, 1), "元宵": (1, 15), "龙抬头": (2, 2), "端午": (5, 5), "七夕": (7, 7),
                    "中元": (7, 15), "中秋": (8, 15), "重阳": (9, 9), "腊八": (12, 8), "小年": (12, 23)}
_SOLAR_FESTIVALS = {"元旦": (1, 1), "妇女节": (3, 8), "植树节": (3, 12), "劳动节": (5, 1), "青年节": (5, 4),
                    "儿童节": (6, 1), "建党节": (7, 1), "建军节": (8, 1), "教师节": (9, 10), "国庆": (10, 1)}
_ALIASES = {f"{name}节": name for name in ("元宵", "端午", "七夕", "中元", "中秋", "重阳", "腊八", "清明")}
_ALIASES.update({"国庆节": "国庆", "大年初一": "春节", "大年三十": "除夕"})
FESTIVALS = (*_LUNAR_FESTIVALS, "除夕", *_SOLAR_FESTIVALS)

_MONTHS = {"正": 1, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
           "冬": 11, "十一": 11, "腊": 12, "十二": 12}
_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_LUNAR = re.compile(r"(?:农历)?(闰)?(正|一|二|三|四|五|六|七|八|九|十一|十二|十|冬|腊)月"
                    r"(初[一二三四五六七八九十]|十[一二三四五六七八九]?|二十|廿[一二三四五六七八九]|"
                    r"二十[一二三四五六七八九]|三十)")
_MONTH_NAMES = {1: "正", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十",
                11: "冬", 12: "腊"}
_OFFSET = re.compile(r"(.+?)\s*([+-])\s*(\d{1,3})(?:天)?")
_MONTH_DAY = re.compile(r"(\d{1,2})-(\d{1,2})")


def _lunar_day_number(text: str) -> int:
    if text.startswith("初"):
        return 10 if text == "初十" else _DIGITS[text[1]]
    if text == "二十":
        return 20
    if text == "三十":
        return 30
    if text.startswith("廿"):
        return 20 + _DIGITS[text[1]]
    if text.startswith("二十"):
        return 20 + _DIGITS[text[2]]
    return 10 + (_DIGITS[text[1]] if len(text) > 1 else 0)  # 十, 十一 … 十九


@dataclass(frozen=True)
class Day:
    """A parsed day expression: `kind` is md | term | lunar | eve, plus a shift in days."""

    kind: str
    month: int = 0
    day: int = 0
    term: str = ""
    offset: int = 0


@dataclass(frozen=True, order=True)
class Span:
    """Days from start to end, both included."""

    start: dt.date
    end: dt.date
    name: str = ""
    kind: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def dates(self):
        for i in range(self.days):
            yield self.start + dt.timedelta(days=i)

    def clip(self, lo: dt.date, hi: dt.date) -> Span | None:
        start, end = max(self.start, lo), min(self.end, hi)
        return Span(start, end, self.name, self.kind) if start <= end else None


class DayError(ValueError):
    pass


ALL_YEAR = "全年"          # a material for any time of year
SEASON_BEFORE, SEASON_AFTER = 14, 3  # a season named by a day: the fortnight before it, a few days after


_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_ORDINAL = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_EVERY = re.compile(r"每周([一二三四五六日天])|每月(?:第([一二三四1-4])个|(最后一)个)(?:星期|周)([一二三四五六日天])"
                    r"|每月(\d{1,2})[日号]")


def repeat_dates(every: str, start: dt.date, end: dt.date) -> list[dt.date]:
    """The days from `start` to `end` a repeating meeting is held: 每周一, 每月第一个星期三,
    每月最后一个星期五, 每月15日. Raises DayError for another wording."""
    m = _EVERY.fullmatch(every.strip())
    if not m:
        raise DayError(f"看不懂「{every}」：请写 每周一、每月第一个星期三、每月最后一个星期五 或 每月15日")
    weekly, nth, last, weekday, day_of_month = m.groups()
    out = []
    for d in Span(start, end).dates():
        if weekly:
            hit = d.weekday() == _WEEKDAY[weekly]
        elif day_of_month:
            hit = d.day == int(day_of_month)
        elif last:
            hit = d.weekday() == _WEEKDAY[weekday] and (d + dt.timedelta(days=7)).month != d.month
        else:
            hit = d.weekday() == _WEEKDAY[weekday] and (d.day - 1) // 7 + 1 == _ORDINAL[nth]
        if hit:
            out.append(d)
    return out


def meeting_days(meeting, year: int) -> list[dt.date]:
    """The days of a meeting within `year`: its date, or every day it repeats on."""
    if meeting.date is not None:
        return [meeting.date] if meeting.date.year == year else []
    start = max(meeting.start or dt.date(year, 1, 1), dt.date(year, 1, 1))
    end = min(meeting.end or dt.date(year, 12, 31), dt.date(year, 12, 31))
    return repeat_dates(meeting.every, start, end) if meeting.every and start <= end else []


def month_span(year: int, month: int) -> Span:
    """The whole of a month."""
    return Span(dt.date(year, month, 1), dt.date(year, month, _stdlib_calendar.monthrange(year, month)[1]))


def lunar_day(d: dt.date) -> int:
    """The day of the lunar month (初一 = 1 … 三十 = 30), as rural markets (集日) count."""
    return LunarDate.from_solar_date(d.year, d.month, d.day).day


def merge(spans: list[Span], name: str = "", kind: str = "") -> list[Span]:
    """The union of spans as sorted, non-overlapping, non-adjacent spans."""
    out: list[Span] = []
    for s in sorted(spans):
        if out and s.start <= out[-1].end + dt.timedelta(days=1):
            if s.end > out[-1].end:
                out[-1] = Span(out[-1].start, s.end, name or out[-1].name, kind or out[-1].kind)
        else:
            out.append(Span(s.start, s.end, name or s.name, kind or s.kind))
    return out


def subtract(spans: list[Span], holes: list[Span]) -> list[Span]:
    out = []
    for s in spans:
        pieces = [s]
        for h in holes:
            next_pieces = []
            for p in pieces:
                if h.end < p.start or h.start > p.end:
                    next_pieces.append(p)
                    continue
                if h.start > p.start:
                    next_pieces.append(Span(p.start, h.start - dt.timedelta(days=1), p.name, p.kind))
                if h.end < p.end:
                    next_pieces.append(Span(h.end + dt.timedelta(days=1), p.end, p.name, p.kind))
            pieces = next_pieces
        out.extend(pieces)
    return sorted(out)


# ---------------------------------------------------------------- astronomy and the lunar calendar
@cache
def term_date(year: int, name: str) -> dt.date:
    return TermUtils.nth_term_day(year, term_name=name)


@cache
def lunar_to_solar(lunar_year: int, month: int, day: int) -> dt.date | None:
    """The solar date of a lunar day, or None when that lunar year has no such day (a 29-day month
    has no 三十: the day is not taken to mean the month's last, which is 除夕 for 腊月)."""
    try:
        return LunarDate(lunar_year, month, day).to_solar_date()
    except (ValueError, IndexError, KeyError):
        return None


def missing_lunar_days(day: Day, year: int) -> list[str]:
    """The lunar 三十 a day expression names in months that have only 29 days, where that day would
    fall in solar `year` — so a campaign meant for 腊月三十 is not quietly planned on another day."""
    if day.kind != "lunar" or day.day != 30:
        return []
    out = []
    for lunar_year in (year - 1, year):
        last = lunar_to_solar(lunar_year, day.month, 29) if 1900 <= lunar_year <= 2100 else None
        if last is not None and last.year == year and lunar_to_solar(lunar_year, day.month, 30) is None:
            out.append(f"农历 {lunar_year} 年的{_MONTH_NAMES[day.month]}月只有二十九天，没有三十")
    return out


@cache
def new_years_eve(lunar_year: int) -> dt.date | None:
    try:
        return LunarFestival(day=-1).at(lunar_year).to_solar_date()
    except (ValueError, IndexError, KeyError, AttributeError):
        return None


def festival_dates(year: int) -> list[tuple[dt.date, str]]:
    """Traditional festivals falling in the solar year, with their dates."""
    out = []
    for name in FESTIVALS:
        for d in occurrences(_parse_base(name), year):
            out.append((d, name))
    return sorted(out)


def occurrences(day: Day, year: int) -> list[dt.date]:
    """The dates of a day expression whose unshifted day falls in solar `year`."""
    if day.kind == "md":
        last = _stdlib_calendar.monthrange(year, day.month)[1]
        dates = [dt.date(year, day.month, min(day.day, last))]
    elif day.kind == "term":
        dates = [term_date(year, day.term)] if 1900 <= year <= 2100 else []
    else:
        dates = []
        for lunar_year in (year - 1, year):
            if not 1900 <= lunar_year <= 2100:
                continue
            d = new_years_eve(lunar_year) if day.kind == "eve" else lunar_to_solar(lunar_year, day.month, day.day)
            if d is not None and d.year == year:
                dates.append(d)
    return [d + dt.timedelta(days=day.offset) for d in dates]


def _parse_base(text: str) -> Day:
    text = _ALIASES.get(text, text)
    if m := _MONTH_DAY.fullmatch(text):
        month, day = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12 or not 1 <= day <= _stdlib_calendar.monthrange(2024, month)[1]:
            raise DayError(f"「{text}」不是有效的月-日")
        return Day("md", month, day)
    if text in TERMS:
        return Day("term", term=text)
    if text == "除夕":
        return Day("eve")
    if text in _LUNAR_FESTIVALS:
        return Day("lunar", *_LUNAR_FESTIVALS[text])
    if text in _SOLAR_FESTIVALS:
        return Day("md", *_SOLAR_FESTIVALS[text])
    if m := _LUNAR.fullmatch(text):
        if m.group(1):
            raise DayError(f"「{text}」是闰月，闰月不是每年都有，请改用非闰月的日子")
        return Day("lunar", _MONTHS[m.group(2)], _lunar_day_number(m.group(3)))
    raise DayError(text)


# ---------------------------------------------------------------- the township's almanac
@dataclass
class YearCalendar:
    """Everything about one solar year that outreach planning needs."""

    year: int
    region: str
    terms: list[tuple[dt.date, str]]
    festivals: list[tuple[dt.date, str]]
    holidays: dict[dt.date, str]
    workdays: set[dt.date]            # 调休: weekend days that are working days
    holiday_source: str
    periods: dict[str, list[Span]]    # farming, return window, school, multi-day publicity
    busy: set[str]
    publicity: list[Span]
    school: dict[str, list[Span]]
    notes: list[str] = field(default_factory=list)

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def last(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    def month(self, month: int) -> Span:
        return month_span(self.year, month)

    def is_holiday(self, d: dt.date) -> bool:
        return d in self.holidays

    def is_day_off(self, d: dt.date) -> bool:
        return d in self.holidays or (d.weekday() >= 5 and d not in self.workdays)

    def is_school_day(self, d: dt.date) -> bool:
        """In term, not a day off, not in an exam week: a day a school can take a lesson."""
        return (not self.is_day_off(d) and any(t.start <= d <= t.end for t in self.school.get("学期", ()))
                and not any(e.start <= d <= e.end for e in self.school.get("考试", ())))

    def busy_on(self, d: dt.date) -> str | None:
        if not hasattr(self, "_busy_days"):  # asked for every slot of a county plan: one table
            self._busy_days = {}
            for name in sorted(self.busy, reverse=True):
                for s in self.periods.get(name, ()):
                    for day in s.dates():
                        self._busy_days[day] = name
        return self._busy_days.get(d)

    def farming_on(self, d: dt.date) -> str | None:
        for name, spans in self.periods.items():
            if spans and spans[0].kind == "农事" and any(s.start <= d <= s.end for s in spans):
                return name
        return None


_HOLIDAY_CN = {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
               "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
               "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "抗战胜利纪念日"}


class Almanac:
    """The township's calendar vocabulary (days and periods) and its years."""

    def __init__(self, project: Project, region: str | None = None):
        self.project = project
        self.region = region or project.township.region
        self.publicity = {p.name: p for p in project.publicity}
        self.period_defs: dict[str, tuple[Period, str]] = {}
        region_def = project.region.get(self.region)
        for p in region_def.periods if region_def else ():
            self.period_defs[p.name] = (p, "农事")
        for p in project.calendar.periods:  # the county's own dates win
            self.period_defs[p.name] = (p, "农事")
        rw = project.calendar.return_window
        self.period_defs[rw.name] = (rw, "返乡")
        school = project.calendar.school
        for group, kind in ((school.terms, "学期"), (school.holidays, "假期"), (school.exams, "考试")):
            for p in group:
                self.period_defs[p.name] = (p, kind)
        for p in project.seasons:
            self.period_defs.setdefault(p.name, (p, "时节"))
        self._years: dict[int, YearCalendar] = {}

    # ---- vocabulary
    def day_names(self) -> list[str]:
        return [*TERMS, *FESTIVALS, *(n for n, p in self.publicity.items() if p.on)]

    def period_names(self) -> list[str]:
        return [*self.period_defs, *(n for n, p in self.publicity.items() if not p.on)]

    def parse_day(self, text: str) -> Day:
        text = text.strip()
        offset = 0
        if (m := _OFFSET.fullmatch(text)) and not _MONTH_DAY.fullmatch(text):
            text, offset = m.group(1).strip(), int(m.group(3)) * (1 if m.group(2) == "+" else -1)
        if text in self.publicity and (on := self.publicity[text].on):
            base = self.parse_day(on)
            return Day(base.kind, base.month, base.day, base.term, base.offset + offset)
        try:
            base = _parse_base(text)
        except DayError as e:
            if str(e) != text:
                raise
            raise DayError(f"无法识别的日子「{text}」{did_you_mean(text, self.day_names())}"
                           "（可写节气或节日名如 清明、端午，月-日如 12-01，农历如 腊月二十，可加减天数如 小满+5）") from None
        return Day(base.kind, base.month, base.day, base.term, offset)

    # ---- spans
    def spans_between(self, start: str, end: str, year: int, name: str = "", kind: str = "") -> list[Span]:
        """Every stretch start→end that touches `year`, clipped to it. A stretch ends on each
        occurrence of `end` and starts on the last occurrence of `start` before it (so 腊月二十 →
        正月十五 and 12-01 → 02-28 cross the new year)."""
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        s_day, e_day = self.parse_day(start), self.parse_day(end)
        out = []
        for y in (year - 1, year, year + 1):
            for stop in occurrences(e_day, y):
                starts = [d for yy in (y - 1, y) for d in occurrences(s_day, yy)
                          if d <= stop and (stop - d).days < 366]
                if starts:
                    clipped = Span(max(starts), stop, name, kind).clip(first, last)
                    if clipped:
                        out.append(clipped)
        return merge(out, name, kind)

    def period_spans(self, name: str, year: int) -> list[Span]:
        """The named period's spans in `year`; none for a name this region does not have (a
        what-if view of another region may meet the home region's period names)."""
        if name in self.period_defs:
            p, kind = self.period_defs[name]
            return self.spans_between(p.start, p.end, year, name, kind)
        pub = self.publicity.get(name)
        if pub is None:
            return []
        if pub.months:
            return merge([replace(month_span(year, m), name=name, kind="宣传") for m in pub.months])
        if pub.start is None or pub.end is None:  # the schema asks for one of on, start–end, months
            return []
        return self.spans_between(pub.start, pub.end, year, name, "宣传")

    def season_spans(self, word: str, year: int) -> list[Span]:
        """When a material's season word (seasons:) holds in `year`: a period, a publicity day or
        month, a fortnight before a day (a solar term or festival) to three days after, or the
        whole year for 全年. Raises DayError for a word the almanac does not know."""
        if word == ALL_YEAR:
            return [Span(dt.date(year, 1, 1), dt.date(year, 12, 31), word)]
        if word in self.period_defs or (word in self.publicity and not self.publicity[word].on):
            return [replace(s, name=word) for s in self.period_spans(word, year)]
        if word in self.day_names():
            return [replace(s, name=word) for s in self.around(word, SEASON_BEFORE, SEASON_AFTER, year)]
        raise DayError(f"未知的时节「{word}」{did_you_mean(word, [*self.period_names(), *self.day_names(), ALL_YEAR])}"
                       "（可写农事时段、节气节日、宣传日或 全年；本地的说法请在 data/calendar.yml 的 seasons 里写明日子）")

    def around(self, anchor: str, before: int, after: int, year: int) -> list[Span]:
        day = self.parse_day(anchor)
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        spans = [Span(d - dt.timedelta(days=before), d + dt.timedelta(days=after), anchor, "围绕")
                 for y in (year - 1, year, year + 1) for d in occurrences(day, y)]
        return merge([c for s in spans if (c := s.clip(first, last))])

    def resolve_window(self, window: dict, year: int) -> list[Span]:
        if window.get("around"):
            return self.around(window["around"], window["before"] or 0, window["after"] or 0, year)
        if window.get("period"):
            return self.period_spans(window["period"], year)
        if window.get("from"):
            return self.spans_between(window["from"], window["to"], year)
        months = window.get("months") or []
        return merge([month_span(year, m) for m in months])

    def missing_days(self, window: dict, year: int) -> list[str]:
        """What in a window expression names a day `year` does not have (see missing_lunar_days)."""
        out = []
        for key in ("around", "from", "to"):
            if window.get(key):
                try:
                    out += [f"「{window[key]}」：{why}" for why in missing_lunar_days(self.parse_day(window[key]), year)]
                except DayError:
                    continue  # reported where the window is checked
        return out

    def campaign_windows(self, campaign, year: int) -> list[Span]:
        spans = merge([s for w in campaign.when for s in self.resolve_window(w, year)])
        holes = [s for name in campaign.avoid for s in self.period_spans(name, year)]
        return merge(subtract(spans, holes), campaign.title, "活动")

    # ---- a whole year
    def year(self, year: int) -> YearCalendar:
        if year not in self._years:
            self._years[year] = self._make_year(year)
        return self._years[year]

    def _make_year(self, year: int) -> YearCalendar:
        terms = [(term_date(year, t), t) for t in TERMS]
        holidays, workdays, source, notes = self.holidays(year)
        periods = {name: self.period_spans(name, year) for name in self.period_defs}
        publicity = []
        for name, p in self.publicity.items():
            if p.on:
                publicity += [Span(d, d, name, "宣传") for d in occurrences(self.parse_day(p.on), year)]
            else:
                spans = self.period_spans(name, year)
                periods[name] = spans
                publicity += spans
        school = {kind: [s for name, (p, k) in self.period_defs.items() if k == kind for s in periods[name]]
                  for kind in ("学期", "假期", "考试")}
        busy = {name for name, (p, kind) in self.period_defs.items() if p.busy}
        return YearCalendar(year, self.region, terms, festival_dates(year), holidays, workdays, source,
                            periods, busy, sorted(publicity), school, notes)

    def holidays(self, year: int) -> tuple[dict[dt.date, str], set[dt.date], str, list[str]]:
        """Statutory holidays and 调休 workdays: chinese-calendar's data where it has the year,
        else data/holidays/<year>.yml, else none with a note saying which file to add."""
        from chinese_calendar import constants

        holidays = {d: _HOLIDAY_CN.get(getattr(n, "value", n), str(n)) for d, n in constants.holidays.items()
                    if d.year == year}
        if holidays:
            workdays = {d for d in constants.workdays if d.year == year}
            return holidays, workdays, "chinese-calendar（国务院办公厅放假通知）", []
        filed = self.project.holiday_year.get(year)
        if filed is None:
            days = provisional_holidays(year)
            return days, set(), PROVISIONAL_SOURCE, [
                f"还没有 {year} 年的放假通知：先按《全国年节及纪念日放假办法》第二条排了法定节日当天（共 {len(days)} 天），"
                f"没有调休和连休；国务院办公厅发布通知后，请新建 data/holidays/{year}.yml 写上放假和调休的日子"]
        for r in filed.holidays:
            for d in Span(r.start, r.end).dates():
                holidays[d] = r.name
        notes = [] if filed.confirmed else [
            f"data/holidays/{year}.yml 尚未按国务院办公厅放假通知核对（confirmed: false），调休安排可能不全"]
        return holidays, set(filed.workdays), filed.source, notes


PROVISIONAL_SOURCE = "《全国年节及纪念日放假办法》（2024-11-10 修订）第二条（暂定，没有调休）"


def provisional_holidays(year: int) -> dict[dt.date, str]:
    """The statutory festival days of 全国年节及纪念日放假办法 (2024-11-10) 第二条 — 元旦 1 天, 春节 4 天
    (除夕、正月初一至初三), 清明 1 天, 劳动节 2 天 (5 月 1 日、2 日), 端午 1 天, 中秋 1 天, 国庆 3 天 —
    for a year whose notice (with its 调休) is not out yet."""
    out: dict[dt.date, str] = {dt.date(year, 1, 1): "元旦"}
    for lunar_year in (year - 1, year):
        eve = new_years_eve(lunar_year)
        days = [eve] if eve else []
        days += [d for k in (1, 2, 3) if (d := lunar_to_solar(lunar_year + 1, 1, k))]
        out.update({d: "春节" for d in days if d.year == year})
    out[term_date(year, "清明")] = "清明节"
    out.update({dt.date(year, 5, 1): "劳动节", dt.date(year, 5, 2): "劳动节"})
    for name, (month, day) in (("端午节", (5, 5)), ("中秋节", (8, 15))):
        d = lunar_to_solar(year, month, day)
        if d:
            out[d] = name
    out.update({dt.date(year, 10, k): "国庆节" for k in (1, 2, 3)})
    return dict(sorted(out.items()))


# ---------------------------------------------------------------- checking the files' calendar words
def check(project: Project, problems: Problems, region: str | None = None) -> Almanac:
    """Check every day expression, period name and window in the township's files, at its place,
    against the township's own region; return the almanac of `region` (a what-if view) or of it."""
    if region is not None and region not in project.region:
        problems.error(ARGUMENT, f"参数 --region：未知的农事区域「{region}」{did_you_mean(region, project.region)}"
                                 f"（已有：{'、'.join(project.region)}）")
    almanac = Almanac(project)
    periods = set(almanac.period_names())
    for ref in project.deferred_refs:
        if ref.kind == "day":
            try:
                almanac.parse_day(ref.value)
            except DayError as e:
                problems.error(ref.pos, str(e))
        elif ref.kind == "period" and ref.value not in periods:
            problems.error(ref.pos, f"未知的时段「{ref.value}」{did_you_mean(ref.value, periods)}"
                                    f"（可用：{'、'.join(sorted(periods))}）")
    for campaign in project.campaigns:
        for w in campaign.when:
            _check_window_shape(w, problems)
    # A season is a word of this township's almanac, or a farming period of another region (a shipped
    # sheet may name 梅雨 or 双抢: where the township has none, the sheet is simply never in season).
    elsewhere = {p.name for r in project.regions for p in r.periods}
    for m in project.materials:
        for word in m.seasons:
            if word in elsewhere:
                continue
            try:
                almanac.season_spans(word, project.calendar.year)
            except DayError as e:
                problems.error(m.pos, f"资料「{m.title}」的时节（seasons）：{e}")
    for meeting in project.schedule.meetings:
        if (meeting.date is None) == (meeting.every is None):
            problems.error(meeting.pos, f"会议「{meeting.reason}」应写 date（开一次）或 every（定期开）中的一个")
        elif meeting.every:
            try:
                repeat_dates(meeting.every, dt.date(2000, 1, 1), dt.date(2000, 1, 1))
            except DayError as e:
                problems.error(meeting.pos, f"会议「{meeting.reason}」的 every：{e}")
    for p in project.publicity:
        forms = sum(bool(x) for x in (p.on, p.start or p.end, p.months))
        if forms != 1 or bool(p.start) != bool(p.end):
            problems.error(p.pos, f"宣传日「{p.name}」应只写一种：on（一天）、from 和 to（一段）或 months（整月）")
    if region and region in project.region and region != almanac.region:
        return Almanac(project, region)
    return almanac


def _check_window_shape(w: dict, problems: Problems) -> None:
    pos: Pos = w["pos"]
    forms = [k for k in ("around", "period", "from", "months") if w.get(k)]
    if w.get("to") and not w.get("from"):
        forms.append("to")
    if len(forms) != 1:
        problems.error(pos, "时间窗口应只写一种：around（围绕一天）、period（一个时段）、from 和 to（一段日子）"
                            f"或 months（整月），这里写了 {len(forms)} 种" if forms else
                       "时间窗口是空的：请写 around、period、from/to 或 months 之一")
    if w.get("from") and not w.get("to"):
        problems.error(pos, "时间窗口写了 from 没有写 to")
    if (w.get("before") or w.get("after")) and not w.get("around"):
        problems.error(pos, "before 和 after 只能和 around 一起用")
