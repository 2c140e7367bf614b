"""The rural calendar against independent facts: astronomy (ephem), published festival and
holiday dates, and the demo's own holiday file."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

import ephem
import pytest
from conftest import REPO, edit

from generator.content.load import load_project
from generator.pipeline import check
from generator.plan.almanac import TERMS, Almanac, DayError, Span, festival_dates, merge, term_date

BEIJING = dt.timedelta(hours=8)


def _sun_longitude(when: ephem.Date) -> float:
    """The Sun's apparent geocentric ecliptic longitude (nutation and aberration included), of date."""
    sun = ephem.Sun()
    sun.compute(when, epoch=when)
    return math.degrees(ephem.Ecliptic(ephem.Equatorial(sun.g_ra, sun.g_dec, epoch=when), epoch=when).lon)


def _oracle_terms(year: int) -> dict[str, dt.date]:
    """Beijing dates when the Sun's apparent ecliptic longitude reaches k·15°, found by stepping
    a day at a time and bisecting each crossing to under a minute."""
    out = {}
    start = ephem.Date(dt.datetime(year, 1, 1) - BEIJING)
    for i, name in enumerate(TERMS):
        target = (285 + 15 * i) % 360
        lo = ephem.Date(start + (i * 15.2) - 10)
        diff = lambda t, target=target: (_sun_longitude(ephem.Date(t)) - target + 180) % 360 - 180  # noqa: E731
        while diff(lo + 1) < 0:
            lo = ephem.Date(lo + 1)
        hi = ephem.Date(lo + 1)
        for _ in range(22):
            mid = ephem.Date((lo + hi) / 2)
            lo, hi = (mid, hi) if diff(mid) < 0 else (lo, mid)
        out[name] = (ephem.Date(hi).datetime() + BEIJING).date()
    return out


def test_all_solar_terms_2000_2100_match_astronomy():
    wrong = []
    for year in range(2000, 2101):
        for name, expected in _oracle_terms(year).items():
            if term_date(year, name) != expected:
                wrong.append(f"{year} {name}: {term_date(year, name)} vs oracle {expected}")
    assert not wrong, "\n".join(wrong[:20])


KNOWN_FESTIVALS = {  # published calendars
    2025: {"除夕": "01-28", "春节": "01-29", "元宵": "02-12", "端午": "05-31", "七夕": "08-29", "中秋": "10-06", "重阳": "10-29"},
    2026: {"除夕": "02-16", "春节": "02-17", "元宵": "03-03", "端午": "06-19", "七夕": "08-19", "中秋": "09-25", "重阳": "10-18"},
    2027: {"除夕": "02-05", "春节": "02-06", "元宵": "02-20", "端午": "06-09", "七夕": "08-08", "中秋": "09-15", "重阳": "10-08"},
    2028: {"除夕": "01-25", "春节": "01-26", "元宵": "02-09", "端午": "05-28", "七夕": "08-26", "中秋": "10-03", "重阳": "10-26"},
    2029: {"除夕": "02-12", "春节": "02-13", "元宵": "02-27", "端午": "06-16", "七夕": "08-16", "中秋": "09-22", "重阳": "10-16"},
    2030: {"除夕": "02-02", "春节": "02-03", "元宵": "02-17", "端午": "06-05", "七夕": "08-05", "中秋": "09-12", "重阳": "10-05"},
}


@pytest.mark.parametrize("year", sorted(KNOWN_FESTIVALS))
def test_festivals_match_published_dates(year):
    got = {name: f"{d:%m-%d}" for d, name in festival_dates(year)}
    for name, expected in KNOWN_FESTIVALS[year].items():
        assert got[name] == expected, (year, name)
    assert got["腊八"] and got["小年"]


@pytest.fixture(scope="module")
def almanac():
    project, problems = load_project(REPO)
    return Almanac(project)


def test_2026_holidays_exactly_as_the_notice(almanac):
    holidays, workdays, source, notes = almanac.holidays(2026)
    assert len(holidays) == 33 and notes == []
    assert sorted(f"{d:%m-%d}" for d in workdays) == ["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"]
    assert holidays[dt.date(2026, 2, 17)] == "春节" and holidays[dt.date(2026, 10, 7)] == "国庆节"
    assert dt.date(2026, 2, 14) not in holidays


def test_2027_holidays_come_from_the_demo_file(almanac):
    holidays, workdays, source, notes = almanac.holidays(2027)
    assert {d: n for d, n in holidays.items() if n == "春节"}.keys() == {dt.date(2027, 2, d) for d in (5, 6, 7, 8)}
    assert "放假办法" in source
    assert notes and "data/holidays/2027.yml" in notes[0]  # not yet checked against the notice


def test_a_year_with_no_holiday_data_warns_naming_the_file(almanac):
    holidays, workdays, source, notes = almanac.holidays(2031)
    # the festival days of 全国年节及纪念日放假办法 第二条 stand in, no 调休: 13 days, but in 2031 中秋
    # falls on 10-01, so 12 dates
    assert len(holidays) == 12 and workdays == set() and "data/holidays/2031.yml" in notes[0]
    assert holidays[dt.date(2031, 1, 22)] == "春节" and holidays[dt.date(2031, 10, 3)] == "国庆节"
    assert dt.date(2031, 10, 1) in holidays and dt.date(2031, 5, 2) in holidays
    outreach, problems = check(REPO, 2031)
    assert outreach is not None
    assert any("data/holidays/2031.yml" in p.message for p in problems.warnings)


def test_region_periods_move_with_the_year(almanac):
    for year in (2026, 2030):
        sanxia = almanac.year(year).periods["三夏"]
        assert sanxia == [Span(term_date(year, "小满") + dt.timedelta(days=5),
                               term_date(year, "夏至") + dt.timedelta(days=3), "三夏", "农事")]
    back_2026 = almanac.year(2026).periods["春节返乡"][0]
    back_2030 = almanac.year(2030).periods["春节返乡"][0]
    assert (back_2026.start, back_2026.end) == (dt.date(2026, 2, 7), dt.date(2026, 3, 3))  # 腊月二十 → 正月十五
    assert (back_2030.start, back_2030.end) == (dt.date(2030, 1, 23), dt.date(2030, 2, 17))


@pytest.mark.parametrize("region,busy", [("苏南", {"三夏", "三秋"}), ("华北", {"三夏", "三秋"}),
                                         ("东北", {"春播", "秋收"}), ("华南", {"早稻春插", "双抢", "晚稻收割"})])
def test_every_region_profile_resolves(region, busy):
    project, _ = load_project(REPO)
    year = Almanac(project, region).year(2027)
    assert year.busy == busy
    assert all(year.periods[name] for name in busy)


def test_county_override_replaces_a_region_period():
    project, _ = load_project(REPO)
    override = replace(project.calendar.return_window, name="三夏", start="芒种-10", end="芒种+10", busy=True)
    project = replace(project, calendar=replace(project.calendar, periods=(override,)))
    year = Almanac(project).year(2027)
    assert year.periods["三夏"][0].start == term_date(2027, "芒种") - dt.timedelta(days=10)


# ---------------------------------------------------------------- the window language
def _windows(almanac, year=2027, avoid=(), **window):
    campaign = type("C", (), {"when": ({"before": 0, "after": 0, **window},), "avoid": avoid, "title": "t"})
    return [(s.start, s.end) for s in almanac.campaign_windows(campaign, year)]


def test_around_an_anchor(almanac):
    qingming = term_date(2027, "清明")
    assert _windows(almanac, around="清明", before=14, after=3) == [
        (qingming - dt.timedelta(days=14), qingming + dt.timedelta(days=3))]
    assert _windows(almanac, around="国家宪法日", before=3, after=3) == [(dt.date(2027, 12, 1), dt.date(2027, 12, 7))]
    assert _windows(almanac, around="06-26", before=0, after=0) == [(dt.date(2027, 6, 26), dt.date(2027, 6, 26))]


def test_around_crosses_the_new_year(almanac):
    # 元旦 ± 5 in 2027: the tail of 2026's window and the head of 2027's, both clipped to the year
    assert _windows(almanac, around="元旦", before=5, after=5) == [
        (dt.date(2027, 1, 1), dt.date(2027, 1, 6)), (dt.date(2027, 12, 27), dt.date(2027, 12, 31))]


def test_named_period_crossing_the_year(almanac):
    assert _windows(almanac, period="冬闲") == [(dt.date(2027, 1, 1), dt.date(2027, 2, 28)),
                                               (dt.date(2027, 12, 1), dt.date(2027, 12, 31))]
    assert _windows(almanac, year=2028, period="冬闲")[0] == (dt.date(2028, 1, 1), dt.date(2028, 2, 28))
    assert _windows(almanac, year=2028, **{"from": "02-01", "to": "02-29"}) == [(dt.date(2028, 2, 1), dt.date(2028, 2, 29))]
    assert _windows(almanac, year=2027, **{"from": "02-01", "to": "02-29"}) == [(dt.date(2027, 2, 1), dt.date(2027, 2, 28))]


def test_month_day_and_lunar_ranges(almanac):
    assert _windows(almanac, **{"from": "03-01", "to": "03-10"}) == [(dt.date(2027, 3, 1), dt.date(2027, 3, 10))]
    assert _windows(almanac, **{"from": "腊月二十", "to": "正月十五"}) == [(dt.date(2027, 1, 27), dt.date(2027, 2, 20))]
    # 春节 in January (2028-01-26): the lunar range still lands on the right days
    assert _windows(almanac, year=2028, **{"from": "腊月二十", "to": "正月十五"}) == [
        (dt.date(2028, 1, 16), dt.date(2028, 2, 9))]
    assert _windows(almanac, **{"from": "小满+5", "to": "芒种"}) == [
        (term_date(2027, "小满") + dt.timedelta(days=5), term_date(2027, "芒种"))]


def test_whole_months_unions_and_avoid(almanac):
    assert _windows(almanac, months=[5, 6]) == [(dt.date(2027, 5, 1), dt.date(2027, 6, 30))]
    sanxia = almanac.year(2027).periods["三夏"][0]
    got = _windows(almanac, months=[5, 6], avoid=("三夏",))
    assert got == [(dt.date(2027, 5, 1), sanxia.start - dt.timedelta(days=1)),
                   (sanxia.end + dt.timedelta(days=1), dt.date(2027, 6, 30))]
    union = merge([Span(dt.date(2027, 1, 1), dt.date(2027, 1, 10)), Span(dt.date(2027, 1, 11), dt.date(2027, 1, 20))])
    assert union == [Span(dt.date(2027, 1, 1), dt.date(2027, 1, 20))]


def test_empty_after_avoid_is_empty_and_warned(almanac, demo_copy):
    assert _windows(almanac, period="三夏", avoid=("三夏",)) == []
    camp = demo_copy / "campaigns/rental-migrant-registration.yml"
    text = camp.read_text("utf-8").replace("  - {around: 元宵, before: 0, after: 30}   # 节后返岗、租房高峰\n", "")
    camp.write_text(text.replace("{months: [9]}", "{period: 三秋}"), "utf-8")
    outreach, problems = check(demo_copy)
    assert any("没有可用的日子" in p.message and p.pos.path == "campaigns/rental-migrant-registration.yml"
               for p in problems.warnings)


def test_busy_season_door_to_door_is_warned_with_a_suggestion(demo_copy):
    camp = demo_copy / "campaigns/winter-door-to-door.yml"
    edit(camp, "{period: 冬闲}", "{period: 三秋}")
    outreach, problems = check(demo_copy)
    hits = [p for p in problems.warnings if "农忙" in p.message and p.pos.path == "campaigns/winter-door-to-door.yml"]
    assert hits and "三秋" in hits[0].message and "建议改到" in hits[0].message
    assert hits[0].pos.path == "campaigns/winter-door-to-door.yml" and hits[0].pos.line == 11


def test_holiday_window_without_permission_is_warned(demo_copy):
    camp = demo_copy / "campaigns/spring-festival-return.yml"
    camp.write_text(camp.read_text("utf-8").replace("{from: 腊月二十, to: 正月十五}", "{from: 除夕, to: 正月初三}")
                    .replace("on_holidays: true", "on_holidays: false"), "utf-8")
    outreach, problems = check(demo_copy)
    assert any("法定节假日" in p.message and "on_holidays" in p.message for p in problems.warnings)


@pytest.mark.parametrize("window,message", [
    ("{around: 清明节气, before: 3}", "无法识别的日子「清明节气」"),
    ("{around: 清明, before: -3}", "超出范围"),
    ("{period: 冬歇}", "未知的时段「冬歇」，您是不是想写「冬闲」"),
    ("{from: 13-01, to: 02-01}", "不是有效的月-日"),
    ("{from: 腊月二十}", "写了 from 没有写 to"),
    ("{period: 冬闲, months: [1]}", "应只写一种"),
    ("{months: [1], before: 3}", "只能和 around 一起用"),
    ("{from: 闰四月初一, to: 五月初一}", "闰月"),
])
def test_invalid_windows_are_errors_at_their_line(demo_copy, wanjia, window, message):
    camp = demo_copy / "campaigns/winter-door-to-door.yml"
    edit(camp, "{period: 冬闲}", window)
    run = wanjia("-C", demo_copy, "check")
    assert run.code == 1 and "Traceback" not in run.err
    assert any(line.startswith("campaigns/winter-door-to-door.yml:11:") and message in line
               for line in run.err.splitlines()), run.err


def test_unknown_avoid_period_is_an_error(demo_copy, wanjia):
    camp = demo_copy / "campaigns/rental-migrant-registration.yml"
    edit(camp, "avoid: [三秋]", "avoid: [三球]")
    run = wanjia("-C", demo_copy, "check")
    assert run.code == 1 and "未知的时段「三球」，您是不是想写「三秋」" in run.err


def test_demo_campaigns_resolve_to_sensible_2027_windows():
    checked, problems = check(REPO, 2027)
    windows = {m.campaign.id: [(s.start, s.end) for s in m.windows] for m in checked.plan_year.matched}
    assert windows["spring-festival-return"] == [(dt.date(2027, 1, 27), dt.date(2027, 2, 20))]
    assert windows["winter-door-to-door"] == [(dt.date(2027, 1, 1), dt.date(2027, 2, 28)),
                                              (dt.date(2027, 12, 1), dt.date(2027, 12, 31))]
    sanqiu = checked.plan_year.calendar.periods["三秋"][0]
    for start, end in windows["rental-migrant-registration"]:
        assert end < sanqiu.start or start > sanqiu.end
    assert not [p for p in problems.warnings if "农忙" in p.message or "没有可用" in p.message]


def test_day_expressions_parse_every_documented_form(almanac):
    for text in ("12-01", "腊月二十", "正月初一", "冬月廿三", "十二月三十", "清明", "端午节", "除夕", "小满+5", "芒种 - 3",
                 "国家宪法日", "中国农民丰收节"):
        almanac.parse_day(text)
    with pytest.raises(DayError):
        almanac.parse_day("二月三十一")


def test_resolving_is_fast_for_a_county(almanac):
    import time
    campaign = type("C", (), {"when": ({"period": "冬闲"}, {"around": "清明", "before": 14, "after": 3},
                                       {"from": "腊月二十", "to": "正月十五"}), "avoid": ("三夏",), "title": "t"})
    started = time.perf_counter()
    for _ in range(40):
        almanac.campaign_windows(campaign, 2027)
    assert time.perf_counter() - started < 5  # generous; the real figure lives in bench/


def test_outreach_ics_is_valid_and_stable(built_demo):
    from icalendar import Calendar

    raw = (built_demo / "calendar/outreach.ics").read_bytes()
    feed = Calendar.from_ical(raw)  # our own writer, read by an independent parser
    assert feed["version"] == "2.0" and feed["prodid"]
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # RFC 5545 folding, in octets
    events = list(feed.walk("VEVENT"))
    uids = [str(e["uid"]) for e in events]
    assert len(uids) == len(set(uids))
    for e in events:
        for prop in ("uid", "dtstamp", "dtstart", "dtend", "summary"):
            assert prop in e, prop
        assert e["dtend"].dt > e["dtstart"].dt
    spring = [e for e in events if str(e["summary"]) == "春节前后返乡农民工讨薪与禁赌宣传"]
    assert [(e["dtstart"].dt, e["dtend"].dt) for e in spring] == [(dt.date(2027, 1, 27), dt.date(2027, 2, 21))]
    assert b"\r\n" in raw  # RFC 5545 line endings


def test_calendar_page_shows_months_periods_and_campaigns(built_demo):
    html = (built_demo / "calendar/index.html").read_text("utf-8")
    assert html.count('class="wj-month"') == 12
    for text in ("三夏", "冬闲", "春节", "国家宪法日", "wj-busy", "wj-holiday", "<svg class=\"wj-bars\"", "outreach.ics"):
        assert text in html, text
    assert "放假安排待核对" in html and "还没有和通知核对过" in html  # the unconfirmed 2027 file, in plain words


def test_calendar_command_prints_the_year(wanjia):
    run = wanjia("-C", REPO, "calendar", "2027")
    assert run.code == 0
    for text in ("── 1 月", "── 12 月", "1月5日 小寒", "2月6日 春节", "三夏(忙)", "▶ 春节前后返乡农民工讨薪与禁赌宣传　1月27日—2月20日"):
        assert text in run.out, text
    other = wanjia("-C", REPO, "calendar", "2027", "--region", "华南")
    assert "双抢(忙)" in other.out
    bad = wanjia("-C", REPO, "calendar", "2027", "--region", "江南")
    assert bad.code == 1 and "未知的农事区域「江南」" in bad.err
