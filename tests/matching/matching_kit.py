"""Small scenarios built as JSON data, and independent checks of solver-shape schedules.

Geometry: the station sits at (31.70, 120.87) and village v01 0.01° north of it (1.112 km).
With detour 1.3 the trip station ↔ v01 takes ebike 6, car 3 and walk 20 minutes.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from service.checker import check_plan
from service.loading import parse_scenario
from service.matching.candidates import find_candidates
from service.matching.diagnosis import diagnose
from service.matching.problem import PRIORITIES, Problem
from service.matching.schedule import Schedule
from service.matching.solution import Solution
from service.to_plan import to_plan
from service.to_solver import Indexed, to_solver
from service.wire.plan import Plan, SolverInfo
from service.wire.scenario import Scenario

Json = dict[str, Any]

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
STATION = {"lat": 31.70, "lon": 120.87}
V01 = {"lat": 31.71, "lon": 120.87}
EBIKE_TO_V01 = 6
"""Minutes by ebike from the station to v01: ceil(1.112 km × 1.3 ÷ 15 km/h × 60)."""
WORKER_NAMES = ("陈静", "王芳", "李建华", "张伟")
MORNING = [["09:00", "12:00"]]


def worker(worker_id: str, role: str = "social_worker", **fields: Any) -> Json:
    """A worker based at the station on an ebike, free Monday morning unless told otherwise."""
    index = int("".join(c for c in worker_id if c.isdigit()) or "0") % len(WORKER_NAMES)
    data: Json = {
        "id": worker_id,
        "name": WORKER_NAMES[index],
        "role": role,
        "skills": [],
        "languages": ["mandarin"],
        "availability": {"mon": MORNING},
    }
    data.update(fields)
    return data


def need(need_id: str, priority: int = 1, **fields: Any) -> Json:
    """A one-visit need in v01: 60 minutes, Monday 09:00-12:00, one worker of any role."""
    data: Json = {
        "id": need_id,
        "household": f"h-{need_id}",
        "village": "v01",
        "groups": ["elderly_alone"],
        "category": "elderly_care",
        "priority": priority,
        "visits": 1,
        "duration_minutes": 60,
        "window": {"days": ["mon"], "from": "09:00", "to": "12:00"},
        "staff": {"any": 1},
    }
    data.update(fields)
    return data


def town(workers: list[Json], needs: list[Json], resources: list[Json] | None = None) -> Json:
    """A one-village town around the station with the given workers, needs and resources."""
    return {
        "format": "mulin.scenario/1",
        "name": "Kit town, week 1",
        "week_start": "2026-11-23",
        "station": {"id": "st", "name": "测试镇社会工作站", "location": STATION},
        "villages": [{"id": "v01", "name": "赵市村", "location": V01}],
        "workers": workers,
        "resources": resources or [],
        "needs": needs,
    }


def rice(available: int) -> Json:
    """A goods resource for elderly people living alone."""
    return {
        "id": "rice",
        "name": "5 kg rice",
        "kind": "goods",
        "unit": "bag",
        "available": available,
        "eligible_groups": ["elderly_alone"],
    }


def parse(data: Json) -> Scenario:
    """Validate scenario data the way the CLI does (shape and cross-references)."""
    return parse_scenario(json.dumps(data))


def tiny_data() -> Json:
    """A fresh copy of scenarios/tiny.json as JSON data, to mutate."""
    data: Json = json.loads((SCENARIOS / "tiny.json").read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def problem_of(data: Json) -> Problem:
    """The solver shape of scenario data."""
    return to_solver(parse(data)).problem


def schedule_problems(schedule: Schedule) -> list[str]:
    """Every way a schedule breaks the spec's rules 1-5, checked from scratch; empty if valid."""
    p = schedule.problem
    found: list[str] = []
    stops_of: dict[tuple[int, int], dict[int, int]] = {}
    for (w, d, k), stops in schedule.routes.items():
        if not stops:
            continue
        shift = p.worker_shifts[w][d][k]
        base = int(p.worker_base[w])
        clock, here = shift.start, base
        for stop in stops:
            n, point = stop.need, int(p.need_point[stop.need])
            if stop.end - stop.start != p.need_duration[n]:
                found.append(f"{(w, d, k)}: need {n} lasts {stop.end - stop.start} min")
            if stop.start < clock + p.leg(w, here, point):
                found.append(f"{(w, d, k)}: need {n} starts before the worker arrives")
            if stop.start < p.need_from[n] or stop.end > p.need_to[n] or not p.need_days[n, d]:
                found.append(f"{(w, d, k)}: need {n} outside its window")
            if p.leg(w, base, point) > p.worker_max_travel[w]:
                found.append(f"{(w, d, k)}: need {n} out of range")
            if n in stops_of.setdefault((w, d), {}):
                found.append(f"{(w, d)}: need {n} twice on one day")
            stops_of[(w, d)][n] = stop.start
            clock, here = stop.end, point
        if clock + p.leg(w, here, base) > shift.end:
            found.append(f"{(w, d, k)}: back at base after the shift ends")
    for (n, d), visit in schedule.visits.items():
        if (visit.need, visit.day) != (n, d):
            found.append(f"visit {(n, d)} is filed under the wrong key")
        if not schedule.team_is_valid(n, visit.team):
            found.append(f"visit {(n, d)}: team {visit.team} does not match the need")
        if any(p.need_excluded[n, w] for w in visit.team):
            found.append(f"visit {(n, d)}: an excluded worker goes")
        for w in visit.team:
            if stops_of.get((w, d), {}).get(n) != visit.start:
                found.append(f"visit {(n, d)}: worker {w} has no stop at {visit.start}")
    listed = {(w, d, n) for (w, d), stops in stops_of.items() for n in stops}
    in_teams = {(w, d, n) for (n, d), v in schedule.visits.items() for w in v.team}
    if listed != in_teams:
        found.append(f"stops without a visit: {sorted(listed ^ in_teams)}")
    for n in range(p.n_needs):
        if len(schedule.visit_days(n)) > p.need_visits[n]:
            found.append(f"need {n} has more visits than requested")
    for w in range(p.n_workers):
        for d in range(7):
            count = len(stops_of.get((w, d), {}))
            if count > p.worker_day_visits[w]:
                found.append(f"worker {w} makes {count} visits on day {d}")
        if recomputed_week_minutes(schedule, w) > p.worker_week_minutes[w]:
            found.append(f"worker {w} works beyond the weekly cap")
    return found


def recomputed_week_minutes(schedule: Schedule, worker: int) -> int:
    """Service plus travel minutes of a worker's routes, from the routes alone."""
    p = schedule.problem
    total = 0
    for (w, _, _), stops in schedule.routes.items():
        if w == worker and stops:
            total += sum(s.end - s.start for s in stops)
            total += p.route_travel(w, [s.need for s in stops])
    return total


def wire_plan(scenario: Scenario, indexed: Indexed, solution: Solution) -> Plan:
    """The wire plan of a solver solution, diagnosed, without shortages."""
    candidates = find_candidates(indexed.problem)
    unserved = diagnose(indexed.problem, candidates, solution)
    info = SolverInfo(name="test", wall_seconds=0.0)
    return to_plan(scenario, indexed, solution, unserved, [], info, "en")


def plan_violations(scenario: Scenario, indexed: Indexed, solution: Solution) -> list[str]:
    """What the independent checker finds wrong with a solution's wire plan."""
    return [v.message for v in check_plan(scenario, wire_plan(scenario, indexed, solution))]


def plan_quality(scenario: Scenario, plan: Plan) -> tuple[int, ...]:
    """The spec's lexicographic objective computed from a wire plan, like ``quality_key``."""
    needs = {n.id: n for n in scenario.needs}
    per_priority = [0] * len(PRIORITIES)
    units = [0] * len(PRIORITIES)
    preferred = 0
    for visit in plan.visits:
        wanted = needs[visit.need_id]
        per_priority[wanted.priority - 1] += 1
        units[wanted.priority - 1] += sum(r.quantity for r in visit.resources)
        preferred += bool(set(visit.worker_ids) & set(wanted.preferred_workers))
    load: dict[str, int] = {}
    for route in plan.routes:
        load[route.worker_id] = (
            load.get(route.worker_id, 0) + route.travel_minutes + route.service_minutes
        )
    travel = sum(r.travel_minutes for r in plan.routes)
    return (*per_priority, *units, -travel, preferred, -max(load.values(), default=0))
