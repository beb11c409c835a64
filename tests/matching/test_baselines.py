"""The baselines are valid plans, and no baseline ever beats the planner's plan."""

from __future__ import annotations

import pytest
from matching_kit import schedule_problems

from service.generator import generate_town
from service.matching.assignment import SolveParams
from service.matching.baselines import BASELINES
from service.matching.candidates import find_candidates
from service.matching.planner import solve
from service.matching.solution import from_schedule, quality_key
from service.matching.week_routes import WeekRoutes
from service.to_solver import to_solver

TOWNS = [(villages, visits, seed) for seed in (1, 2, 3) for villages, visits in ((2, 40), (5, 120))]
"""Small generated towns of several shapes (villages, requested visits, seed)."""


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_each_baseline_is_a_valid_week(name: str) -> None:
    """Every baseline's plan of a generated town breaks none of the spec's rules 1-5."""
    problem = to_solver(generate_town(6, 150, 4)).problem
    made = BASELINES[name](problem, find_candidates(problem))
    schedule = made.to_schedule() if isinstance(made, WeekRoutes) else made
    assert schedule.visits
    assert schedule_problems(schedule) == []


@pytest.mark.parametrize(("villages", "visits", "seed"), TOWNS)
def test_no_baseline_beats_the_plan(villages: int, visits: int, seed: int) -> None:
    """On random towns the plan is lexicographically at least as good as every baseline."""
    problem = to_solver(generate_town(villages, visits, seed)).problem
    candidates = find_candidates(problem)
    solution = solve(problem, SolveParams(time_limit=0.6, seed=seed, workers=1, repeatable=True))
    ours = quality_key(problem, solution)
    for name, build in BASELINES.items():
        made = build(problem, candidates)
        schedule = made.to_schedule() if isinstance(made, WeekRoutes) else made
        assert ours >= quality_key(problem, from_schedule(schedule, name)), name


def test_append_baseline_only_appends() -> None:
    """The append baseline never puts a visit before one planned earlier in the same route."""
    problem = to_solver(generate_town(4, 100, 2)).problem
    state = BASELINES["append"](problem, find_candidates(problem))
    assert isinstance(state, WeekRoutes)
    order = {at: i for i, at in enumerate(state.visits)}
    for route in state.routes.values():
        inserted = [order[(n, route.day)] for n in route.needs]
        assert inserted == sorted(inserted)
