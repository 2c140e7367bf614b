"""The demo township's sample visit records and incident counts (clearly fictional), generated
from its own 2027 plan so that the report and 研判 pages show real tables and charts.

    python -m bench.demo_records     # rewrites data/records/visits.csv and data/incidents.csv

January to March 2027: most planned door-to-door visits are recorded (a few are left out, so some
are overdue), outcomes in realistic shares, a few problems needing follow-up, and one visit logged
a minute per household so that the fake-visit check has something to find. Incidents: October
2026 to March 2027 per village and category, with a post-festival rise in wage disputes at 新桥村
and in fraud at 青禾社区.
"""
from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from generator import pipeline
from generator.plan.records import INCIDENTS, LESSONS, LESSONS_CSV, VISITS_CSV, LessonRecord, Record, write_csv

REPO = Path(__file__).resolve().parents[1]
UNTIL = dt.date(2027, 3, 31)
OUTCOMES = (("已走访", 76), ("不在家", 17), ("拒绝", 4), ("已搬离", 3))
NOTES = {"纠纷": ("邻居为宅基地边界争吵", "兄弟分家对老人赡养有分歧", "租客押金退不回"),
         "隐患": ("楼道里电动车充电", "灶台旁堆放柴草", "出租屋没有灭火器"),
         "求助": ("在外打工工资被拖欠，想咨询怎么讨", "想了解法律援助怎么申请", "老人想立遗嘱")}


def records(outreach, rng: random.Random) -> list[Record]:
    project = outreach.project
    register = {h.id: h for hs in project.register.values() for h in hs}
    out, keys = [], set()
    fake_done = False
    for v in outreach.plan.visits:
        if v.kind != "入户走访" or v.date > UNTIL or rng.random() < 0.06:
            continue  # some visits were never logged: they show as overdue
        grid = project.grid[v.grid][1]
        campaign = project.campaign[v.campaign]
        start = int(v.slot.start[:2]) * 60 + int(v.slot.start[3:])
        fake = not fake_done and v.households >= 8 and v.date.month == 2
        fake_done = fake_done or fake
        doors = ([(h, register[h].door, register[h].head) for h in v.household_ids] if v.household_ids else
                 [("", f"{grid.name.removesuffix('网格')}{rng.randint(1, grid.households)}号", "")
                  for _ in range(v.households)])
        seen = set()
        minute = start
        for household, door, head in doors:
            if (household or door) in seen:
                continue
            seen.add(household or door)
            minute += 1 if fake else rng.randint(6, 14)
            outcome = "已走访" if fake else rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
            problems, note = (), ""
            if outcome == "已走访" and rng.random() < 0.06:
                kind = rng.choice(list(NOTES))
                problems, note = (kind,), rng.choice(NOTES[kind])
            reached = outcome == "已走访"
            topics = tuple(rng.sample(campaign.topics, k=min(2, len(campaign.topics)))) if reached else ()
            matched = next(m for m in outreach.matched if m.campaign.id == v.campaign)
            materials = tuple(m.id for m in matched.materials[:1]) if reached else ()
            record = Record(v.date, f"{minute // 60:02d}:{minute % 60:02d}", v.village, v.grid, household, door, head,
                              outcome, topics, materials, problems, note, bool(problems) and rng.random() < 0.7,
                            v.members[:2], v.uid)
            if record.key not in keys:  # one record per household per day, as the import demands
                keys.add(record.key)
                out.append(record)
    return out


def lessons(outreach, rng: random.Random) -> list[LessonRecord]:
    """The 法治课 given up to UNTIL: most as planned, one school missing one (the 考核 shows it)."""
    out = []
    for k, v in enumerate(v for v in outreach.plan.lessons() if v.date <= UNTIL):
        if k == 1:
            continue
        out.append(LessonRecord(v.date, v.school, v.lesson, 1, v.members, rng.randint(30, 55), "", v.uid))
    return out


def incidents(project, rng: random.Random) -> list[list]:
    months = [(2026, m) for m in (10, 11, 12)] + [(2027, m) for m in (1, 2, 3)]
    base = {"矛盾纠纷": 1.2, "劳资": 0.3, "赌博": 0.2, "盗窃": 0.3, "诈骗": 0.4, "火情": 0.2}
    rows = []
    for y, m in months:
        for v in project.township.villages:
            size = v.households / 1000
            for kind, rate in base.items():
                lam = rate * size * (2.5 if kind == "赌博" and (y, m) == (2027, 2) else 1)
                if kind == "劳资" and v.id == "xinqiao" and (y, m) == (2027, 3):
                    lam = 6  # after the festival, wages owed at the textile mill
                if kind == "诈骗" and v.id == "qinghe-shequ" and (y, m) == (2027, 3):
                    lam = 5  # a wave of fake-loan calls
                count = sum(rng.random() < lam / 8 for _ in range(8)) if lam < 4 else round(lam)
                rows.append([f"{y}-{m:02d}", v.name, kind, count])
    return rows


def main() -> int:
    outreach = pipeline.outreach(pipeline.checked(REPO, year=2027))
    rng = random.Random(2027)
    made = records(outreach, rng)
    write_csv(REPO / VISITS_CSV, made, outreach.project)
    given = lessons(outreach, random.Random(2028))  # its own stream: the other files stay as they were
    write_csv(REPO / LESSONS_CSV, given, outreach.project, LESSONS)
    with (REPO / INCIDENTS).open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["月份", "村（社区）", "类别", "起数"])
        writer.writerows(incidents(outreach.project, rng))
    print(f"写入 {len(made)} 条走访记录、{len(given)} 条法治课记录和 {INCIDENTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
