"""The peer benchmark's adapters: exact encoding of a peer-expressible week, valid plans back."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from benchmarks.peers import (
    Limits,
    NotExpressible,
    build,
    solve_greedy,
    solve_mulin,
    solve_ortools,
    solve_pyvrp,
    solve_vroom,
)
from benchmarks.peers.encoding import lexicographic_key, tier_prizes
from benchmarks.peers.pyvrp_solver import eligibility_classes
from benchmarks.peers.vroom_solver import PRIORITY
from service.checker import check_plan
from service.checker.travel import travel_minutes
from service.generator import generate_town
from service.loading import parse_scenario
from service.wire.plan import Plan
from service.wire.scenario import Scenario

Solver = Callable[[Scenario, Limits], Plan]
SOLVERS: dict[str, Solver] = {
    "vroom": solve_vroom,
    "pyvrp": solve_pyvrp,
    "ortools": solve_ortools,
    "mulin": solve_mulin,
    "greedy": solve_greedy,
}
LIMITS = Limits(time_limit=1.0, seed=1)
STATION = {"lat": 31.70, "lon": 120.87}
NEAR = {"lat": 31.705, "lon": 120.87}
FAR = {"lat": 31.97, "lon": 120.87}


def _worker(worker_id: str, **changes: Any) -> dict[str, Any]:
    worker: dict[str, Any] = {
        "id": worker_id,
        "name": worker_id,
        "role": "social_worker",
        "skills": ["first_aid"],
        "languages": ["mandarin", "changshu"],
        "transport": "ebike",
        "availability": {"mon": [["09:00", "13:00"]]},
        "max_visits_per_day": 3,
        "max_travel_minutes": 30,
    }
    return worker | changes


def _need(need_id: str, excluded: list[str]) -> dict[str, Any]:
    return {
        "id": need_id,
        "household": need_id,
        "village": "v01",
        "location": NEAR,
        "category": "elderly_care",
        "priority": 1,
        "duration_minutes": 30,
        "window": {"days": ["mon"], "from": "09:00", "to": "12:00"},
        "staff": {"social_worker": 1},
        "skills": ["first_aid"],
        "languages": ["changshu"],
        "excluded_workers": excluded,
    }


@pytest.fixture(scope="module")
def gatekeeping() -> Scenario:
    """Need A: only ``ok`` is eligible; need B: every qualified worker excluded or too far."""
    data = {
        "format": "mulin.scenario/1",
        "name": "eligibility",
        "week_start": "2026-11-23",
        "station": {"id": "st", "name": "st", "location": STATION},
        "villages": [{"id": "v01", "name": "v01", "location": NEAR}],
        "workers": [
            _worker("ok"),
            _worker("banned"),
            _worker("far", base=FAR),
            _worker("mute", languages=["mandarin"]),
            _worker("unskilled", skills=[]),
            _worker("vol", role="volunteer"),
        ],
        "needs": [_need("A", ["banned"]), _need("B", ["banned", "ok"])],
    }
    return parse_scenario(json.dumps(data))


@pytest.fixture(scope="module")
def small_town() -> Scenario:
    """A small generated peer-expressible town."""
    return generate_town(2, 24, seed=3, peer_expressible=True, capacity=0.6)


def test_eligibility_by_role_skills_language_exclusion_range(gatekeeping: Scenario) -> None:
    """Eligible: the role, the skills, the language, not excluded and within range."""
    problem = build(gatekeeping)
    ids = [w.id for w in gatekeeping.workers]
    eligible_a = [ids[w] for w in np.flatnonzero(problem.eligible[:, 0])]
    assert eligible_a == ["ok"]
    assert not problem.eligible[:, 1].any()
    far, mute, vol = ids.index("far"), ids.index("mute"), ids.index("vol")
    assert problem.qualified[far, 1] and not problem.in_range[far, 1]
    assert not problem.qualified[mute, 1] and not problem.qualified[vol, 1]
    assert not problem.allowed[ids.index("ok"), 1] and problem.allowed[ids.index("ok"), 0]


@pytest.mark.parametrize("name", list(SOLVERS))
def test_adapter_serves_only_the_eligible(name: str, gatekeeping: Scenario) -> None:
    """Each solver gives need A to ``ok`` alone and leaves need B (nobody eligible) unmet."""
    plan = SOLVERS[name](gatekeeping, LIMITS)
    assert check_plan(gatekeeping, plan) == []
    assert [(v.need_id, v.worker_ids) for v in plan.visits] == [("A", ["ok"])]
    assert [entry.need_id for entry in plan.unmet] == ["B"]


@pytest.mark.parametrize("name", list(SOLVERS))
def test_adapter_plan_is_valid_on_a_generated_town(name: str, small_town: Scenario) -> None:
    """Each solver's plan of a small generated peer town passes the checker and serves visits."""
    plan = SOLVERS[name](small_town, LIMITS)
    assert check_plan(small_town, plan) == []
    assert plan.metrics.visits_planned > 0
    assert plan.solver.wall_seconds < 20


def test_unmet_reason_follows_the_facts(gatekeeping: Scenario) -> None:
    """Need B's unmet reason is out_of_range: its one qualified, not excluded worker is far."""
    plan = solve_vroom(gatekeeping, LIMITS)
    assert [reason.code for reason in plan.unmet[0].reasons] == ["out_of_range"]


def test_travel_matrix_is_the_spec_formula(small_town: Scenario) -> None:
    """The adapters' travel minutes equal the checker's formula for every base and household."""
    problem = build(small_town)
    villages = {v.id: v.location for v in small_town.villages}
    for worker in small_town.workers:
        base = worker.base or small_town.station.location
        vehicle = next(v for v in problem.vehicles if small_town.workers[v.worker] is worker)
        for t, need in enumerate(small_town.needs):
            home = need.location or villages[need.village]
            expected = travel_minutes(base, home, worker.transport, small_town.travel)
            assert problem.leg(vehicle, vehicle.base, problem.tasks[t].location) == expected


def test_default_towns_are_refused() -> None:
    """A default town (teams, several visits, resources) is not peer-expressible."""
    with pytest.raises(NotExpressible, match="not peer-expressible"):
        build(generate_town(2, 24, seed=3))


def test_prizes_are_lexicographic_when_they_fit(small_town: Scenario) -> None:
    """Exact prizes make one visit worth more than every less urgent visit together."""
    problem = build(small_town)
    tiers = tier_prizes(problem, unit=1000, top=10**18)
    counts = dict(zip((1, 2, 3, 4, 5), problem.requested(), strict=True))
    assert tiers.exact
    for p in (1, 2, 3, 4):
        below = sum(counts[q] * tiers.prizes[q] for q in range(p + 1, 6)) + 1000
        assert tiers.prizes[p] >= below
    capped = tier_prizes(problem, unit=1000, top=10**6)
    assert not capped.exact and max(capped.prizes.values()) <= 10**6


def test_vroom_priorities_fall_with_urgency() -> None:
    """VROOM's priorities are 0–100 and strictly fall from priority 1 to 5."""
    values = [PRIORITY[p] for p in (1, 2, 3, 4, 5)]
    assert values == sorted(values, reverse=True) and len(set(values)) == 5
    assert min(values) >= 0 and max(values) <= 100


def test_eligibility_classes_bar_exactly_the_ineligible() -> None:
    """Equally eligible workers share a class, barred exactly where they are not eligible."""
    eligible = np.array([[1, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 0]], dtype=bool)
    worker_class, barred = eligibility_classes(eligible)
    assert worker_class[0] == worker_class[1] and worker_class[2] == 0
    for w in range(4):
        if worker_class[w]:
            assert np.array_equal(barred[worker_class[w] - 1], ~eligible[w])


def test_lexicographic_key_ranks_urgent_visits_first(small_town: Scenario) -> None:
    """The rank key puts priority-1 visits before any count of less urgent ones, travel last."""
    plan = solve_greedy(small_town, LIMITS)
    key = lexicographic_key(plan)
    assert len(key) == 6 and key[-1] == -plan.metrics.travel_minutes
    assert key[:5] == tuple(plan.metrics.planned_by_priority.get(str(p), 0) for p in range(1, 6))
