"""Scheduling figures: the county plan's time and memory, and the greedy planner's quality against
the CP-SAT optimum (OR-tools) on instances small enough for CP-SAT to prove optimality.

Both optimise the same thing under the same rules: 1000 × priority households + all households,
one grid per visit, a pair from the village's team, no cadre twice in a slot, weekly limits, leave,
holidays, busy-season evenings at the lower capacity."""
from __future__ import annotations

import argparse
import random
import time
from dataclasses import replace
from pathlib import Path

from generator import pipeline
from generator.content.model import Grid
from generator.plan import schedule
from generator.plan.match import match
from generator.plan.records import FieldData
from generator.problems import Problems
from generator.site.inputs import Outreach

REPO = Path(__file__).resolve().parents[1]


def score(plan) -> int:
    return sum(1000 * v.priority + v.households for v in plan.visits if v.kind == "入户走访")


def cpsat_optimum(outreach, campaign_id: str, seconds: float = 60.0) -> tuple[int, bool]:
    from ortools.sat.python import cp_model

    project, cal = outreach.project, outreach.cal
    rules = project.schedule
    matched = next(m for m in outreach.matched if m.campaign.id == campaign_id)
    slots = {s.name: s for s in rules.slots}
    times = list(schedule._candidates(matched, cal, slots))
    model = cp_model.CpModel()
    objective = []
    taken: dict[str, list] = {}
    weekly: dict[tuple, list] = {}
    for village in project.campaign_villages(matched.campaign):
        activity = next(a for a in matched.campaign.activities if a.type == "入户走访")
        demand = {}
        for g, p, o in schedule._targets(village, activity):
            dp, do = demand.get(g.id, (0, 0))
            demand[g.id] = (dp + p, do + o)
        got_p = {g: [] for g in demand}
        got_o = {g: [] for g in demand}
        for day, name, busy in times:
            cap = rules.busy_households_per_slot if busy else rules.households_per_slot
            for pair in schedule._pairs(village):
                if any(lv.cadre in pair and lv.start <= day <= lv.end for lv in rules.leave):
                    continue
                x = model.NewBoolVar("")
                zs = []
                for g in demand:
                    z = model.NewBoolVar("")
                    yp, yo = model.NewIntVar(0, cap, ""), model.NewIntVar(0, cap, "")
                    model.Add(yp + yo <= cap * z)
                    zs.append(z)
                    got_p[g].append(yp)
                    got_o[g].append(yo)
                model.Add(sum(zs) <= x)
                for c in pair:
                    taken.setdefault((c, day, name), []).append(x)
                    weekly.setdefault((c, day.isocalendar()[:2]), []).append(x)
        for g, (p, o) in demand.items():
            model.Add(sum(got_p[g]) <= p)
            model.Add(sum(got_o[g]) <= o)
            objective += [1001 * y for y in got_p[g]] + list(got_o[g])
    for xs in taken.values():
        model.Add(sum(xs) <= 1)
    for xs in weekly.values():
        model.Add(sum(xs) <= rules.slots_per_week)
    model.Maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    status = solver.Solve(model)
    return int(solver.ObjectiveValue()), status == cp_model.OPTIMAL


def small_instance(seed: int, villages: int, weeks: int):
    """The demo township cut down to a few villages and one short door-to-door campaign."""
    rng = random.Random(seed)
    checked = pipeline.checked(REPO, year=2027)
    project = checked.project
    chosen = project.township.villages[:villages]
    smaller = []
    for v in chosen:
        grids = tuple(Grid(g.id, g.name, rng.randint(20, 60), rng.randint(0, 12)) for g in v.grids[:3])
        smaller.append(replace(v, grids=grids))
    campaign = project.campaign["winter-door-to-door"]
    campaign = replace(campaign, villages=replace(campaign.villages, all=True),
                       activities=tuple(a for a in campaign.activities if a.type == "入户走访"),
                       when=({"from": "12-01", "to": f"12-{7 * weeks:02d}", "pos": campaign.pos},))
    # The CP-SAT model knows grids' rental counts, leave and weekly limits; nothing else may bind.
    project = replace(project, township=replace(project.township, villages=tuple(smaller)), campaigns=(campaign,),
                      schedule=replace(project.schedule, slots_per_week=rng.randint(2, 4),
                                       households_per_slot=rng.randint(8, 15), duty=(), meetings=()),
                      households=())
    matched = tuple(match(project, checked.almanac, 2027, Problems()))
    the_year = replace(checked.plan_year, matched=matched, schools={})
    plan = schedule.plan(project, the_year)
    return Outreach(project, checked.laws, checked.almanac, the_year, plan, {}, FieldData())


def quality(instances: int = 6, seconds: float = 60.0) -> list[dict]:
    rows = []
    for seed in range(instances):
        outreach = small_instance(seed, villages=1 + seed % 3, weeks=1)
        started = time.perf_counter()
        greedy = score(schedule.plan(outreach.project, outreach.plan_year))
        greedy_s = time.perf_counter() - started
        started = time.perf_counter()
        best, proven = cpsat_optimum(outreach, "winter-door-to-door", seconds)
        rows.append({"seed": seed, "greedy": greedy, "optimum": best, "proven": proven,
                     "gap": (best - greedy) / best if best else 0.0, "greedy_s": greedy_s,
                     "cpsat_s": time.perf_counter() - started})
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.schedule")
    ap.add_argument("-n", type=int, default=6, help="小规模实例数")
    args = ap.parse_args(argv)
    print("| 实例 | 贪心得分 | CP-SAT 最优 | 已证明最优 | 差距 | 贪心用时 | CP-SAT 用时 |\n|---|--:|--:|---|--:|--:|--:|")
    for r in quality(args.n):
        print(f"| {r['seed']} | {r['greedy']} | {r['optimum']} | {'是' if r['proven'] else '否'} | {r['gap']:.1%} | "
              f"{r['greedy_s'] * 1000:.0f} ms | {r['cpsat_s']:.1f} s |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
