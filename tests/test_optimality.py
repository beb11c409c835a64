"""The solver's visit counts per priority against an independent brute force on tiny weeks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bruteforce import PRIORITY_LEVELS, BruteForce, best_counts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.checker import check_plan
from service.generator import generate_town
from service.loading import load_scenario, parse_scenario
from service.planning import PlanOptions, plan_week
from service.wire.common import minutes_to_time
from service.wire.plan import Plan
from service.wire.scenario import Scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
STATION = {"lat": 31.70, "lon": 120.87}
DAYS = ["mon", "tue", "wed"]
STAFF_CHOICES: list[dict[str, int]] = [
    {"any": 1},
    {"social_worker": 1},
    {"social_worker": 1, "volunteer": 1},
]
ROLES = ["social_worker", "volunteer", "liaison"]


def planned_counts(plan: Plan) -> tuple[int, ...]:
    """The plan's planned visits of priority 1 to 5."""
    planned = plan.metrics.planned_by_priority
    return tuple(planned.get(str(p), 0) for p in range(1, PRIORITY_LEVELS + 1))


def bound_counts(plan: Plan) -> tuple[int, ...]:
    """The plan's proven bound on visits of priority 1 to 5."""
    bound = plan.metrics.bound_by_priority
    return tuple(bound.get(str(p), 0) for p in range(1, PRIORITY_LEVELS + 1))


def brute_force_rule_violations(scenario: Scenario, search: BruteForce) -> list[str]:
    """Rules 1-5 the brute force's own best plan breaks, by the independent checker."""
    visits, routes = search.witness()
    plan = Plan.model_validate(
        {
            "format": "mulin.plan/1",
            "scenario": scenario.name,
            "status": "feasible",
            "solver": {"name": "brute force", "wall_seconds": 0},
            "visits": visits,
            "routes": routes,
            "metrics": {
                "visits_requested": 0,
                "visits_planned": 0,
                "coverage_by_priority": {},
                "travel_minutes": 0,
                "service_minutes": 0,
            },
        }
    )
    return [v.message for v in check_plan(scenario, plan) if v.rule <= 5]


def test_tiny_brute_force_optimum_is_the_hand_worked_one() -> None:
    """Brute force on tiny.json: all priority 1 and 2 visits, one of the two of n004."""
    scenario = load_scenario(SCENARIOS / "tiny.json")
    assert best_counts(scenario) == (2, 3, 1, 0, 0)


def test_brute_force_optimum_on_tiny_is_a_valid_plan() -> None:
    """The plan behind the brute-force optimum of tiny.json passes rules 1-5 of the checker."""
    scenario = load_scenario(SCENARIOS / "tiny.json")
    search = BruteForce(scenario)
    assert search.solve() == (2, 3, 1, 0, 0)
    visits, _ = search.witness()
    assert len(visits) == 6
    assert brute_force_rule_violations(scenario, search) == []


def test_tiny_solver_plans_and_proves_the_optimum() -> None:
    """plan_week on tiny.json plans the brute-force optimum and proves it as its bound."""
    scenario = load_scenario(SCENARIOS / "tiny.json")
    plan = plan_week(scenario, PlanOptions(time_limit=10, seed=0, workers=1, language="en"))
    assert check_plan(scenario, plan) == []
    assert planned_counts(plan) == best_counts(scenario)
    assert bound_counts(plan) == best_counts(scenario)


# --- random tiny weeks ------------------------------------------------------------------------


def _near(draw: st.DrawFn, point: dict[str, float], spread: float) -> dict[str, float]:
    """A point within ``spread`` degrees of ``point`` (0.02° is about 2 km)."""
    offset = st.floats(-spread, spread, allow_nan=False).map(lambda x: round(x, 4))
    return {"lat": point["lat"] + draw(offset), "lon": point["lon"] + draw(offset)}


def _sometimes(draw: st.DrawFn) -> bool:
    """True about one time in four (hypothesis would otherwise favour the edge cases)."""
    return draw(st.sampled_from([False, False, False, True]))


def _minutes(draw: st.DrawFn, first: int, last: int, step: int = 15) -> int:
    return first + step * draw(st.integers(0, (last - first) // step))


@st.composite
def _worker(draw: st.DrawFn, index: int, villages: list[dict[str, Any]]) -> dict[str, Any]:
    days = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=3, unique=True))
    availability: dict[str, list[list[str]]] = {}
    for day in days:
        morning_start = _minutes(draw, 7 * 60 + 30, 9 * 60 + 30, 30)
        morning = [morning_start, morning_start + _minutes(draw, 150, 210, 30)]
        shifts = [morning]
        if draw(st.booleans()):
            afternoon_start = _minutes(draw, 13 * 60, 14 * 60, 30)
            shifts.append([afternoon_start, afternoon_start + _minutes(draw, 60, 240, 30)])
        availability[day] = [[minutes_to_time(a), minutes_to_time(b)] for a, b in shifts]
    worker: dict[str, Any] = {
        "id": f"w{index}",
        "name": f"工作人员{index}号",
        "role": "social_worker" if index == 0 else draw(st.sampled_from(ROLES)),
        "skills": draw(st.lists(st.sampled_from(["elderly_care", "first_aid"]), unique=True)),
        "languages": draw(st.sampled_from([["mandarin", "changshu"], ["mandarin"]])),
        "transport": draw(st.sampled_from(["walk", "ebike", "car"])),
        "availability": availability,
    }
    if draw(st.booleans()):
        worker["base"] = draw(st.sampled_from(villages))["location"]
    if _sometimes(draw):
        worker["max_visits_per_day"] = draw(st.integers(1, 2))
    if _sometimes(draw):
        worker["max_travel_minutes"] = draw(st.integers(3, 30))
    if _sometimes(draw):
        worker["max_minutes_per_week"] = draw(st.integers(60, 300))
    return worker


@st.composite
def _need(
    draw: st.DrawFn, index: int, villages: list[dict[str, Any]], worker_ids: list[str]
) -> dict[str, Any]:
    village = draw(st.sampled_from(villages))
    visits = draw(st.integers(1, 2))
    days = draw(st.lists(st.sampled_from(DAYS), min_size=visits, max_size=3, unique=True))
    duration = _minutes(draw, 30, 90)
    start = _minutes(draw, 8 * 60, 15 * 60, 30)
    end = min(start + duration + _minutes(draw, 30, 240, 30), 18 * 60)
    need: dict[str, Any] = {
        "id": f"n{index:03d}",
        "household": f"h{index:03d}",
        "village": village["id"],
        "category": "elderly_care",
        "priority": draw(st.integers(1, 3)),
        "visits": visits,
        "duration_minutes": duration,
        "window": {"days": days, "from": minutes_to_time(start), "to": minutes_to_time(end)},
        "staff": draw(st.sampled_from(STAFF_CHOICES)),
    }
    if draw(st.booleans()):
        need["location"] = _near(draw, village["location"], 0.003)
    if _sometimes(draw):
        need["skills"] = ["first_aid"]
    if _sometimes(draw):
        need["languages"] = ["changshu"]
    if _sometimes(draw):
        need["excluded_workers"] = [draw(st.sampled_from(worker_ids))]
    return need


@st.composite
def tiny_scenarios(draw: st.DrawFn, max_workers: int = 3, max_needs: int = 4) -> Scenario:
    """A random valid week: 1-2 villages, 1-3 workers, 1-4 needs, all within a few km."""
    villages = [
        {"id": f"v{i}", "name": f"村{i}", "location": _near(draw, STATION, 0.02)}
        for i in range(draw(st.integers(1, 2)))
    ]
    workers = [draw(_worker(i, villages)) for i in range(draw(st.integers(1, max_workers)))]
    worker_ids = [w["id"] for w in workers]
    needs = [draw(_need(i, villages, worker_ids)) for i in range(draw(st.integers(1, max_needs)))]
    data = {
        "format": "mulin.scenario/1",
        "name": "random tiny week",
        "week_start": "2026-11-23",
        "station": {"id": "st", "name": "测试站", "location": STATION},
        "villages": villages,
        "workers": workers,
        "needs": needs,
    }
    return parse_scenario(json.dumps(data))


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(tiny_scenarios())
def test_solver_matches_brute_force_on_tiny_weeks(scenario: Scenario) -> None:
    """On random tiny weeks the plan is valid and plans the brute-force optimum per priority."""
    plan = plan_week(scenario, PlanOptions(time_limit=5, seed=0, workers=1, language="en"))
    assert check_plan(scenario, plan) == []
    search = BruteForce(scenario)
    expected = search.solve()
    assert brute_force_rule_violations(scenario, search) == []
    assert planned_counts(plan) == expected, scenario.model_dump_json(
        by_alias=True, exclude_none=True
    )


@settings(max_examples=8, deadline=None, derandomize=True)
@given(
    villages=st.integers(2, 4),
    needs=st.integers(10, 40),
    seed=st.integers(0, 10_000),
)
def test_generated_towns_get_valid_plans(villages: int, needs: int, seed: int) -> None:
    """Every plan for a generated town passes the independent checker."""
    scenario = generate_town(villages, needs, seed)
    plan = plan_week(scenario, PlanOptions(time_limit=3, seed=0, workers=1, language="en"))
    assert check_plan(scenario, plan) == []
