"""The planner end to end: deterministic, valid, never below greedy, with honest bounds."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from matching_kit import (
    STATION,
    need,
    parse,
    plan_quality,
    problem_of,
    rice,
    tiny_data,
    town,
    wire_plan,
    worker,
)

from service.checker import check_plan
from service.generator import generate_town
from service.matching.assignment import SolveParams
from service.matching.candidates import find_candidates
from service.matching.greedy import plan_greedy
from service.matching.planner import solve
from service.matching.problem import PRIORITIES, Problem
from service.matching.solution import from_schedule, quality_key, visits_by_priority
from service.planning import PlanOptions, plan_week
from service.to_solver import to_solver
from service.vocabulary import names_of
from service.wire.plan import Plan
from service.wire.scenario import Scenario

SEEDS = [0, 1]
OPTIONS = PlanOptions(time_limit=3.0, seed=0, workers=1, language="en")


@cache
def generated(seed: int) -> Scenario:
    """A generated town of 5 villages and 80 requested visits."""
    return generate_town(5, 80, seed)


@cache
def planned(seed: int) -> Plan:
    """The plan_week plan of a generated town (computed once per session)."""
    return plan_week(generated(seed), OPTIONS)


def greedy_key(scenario: Scenario) -> tuple[int, ...]:
    """The quality key of the greedy plan of a scenario."""
    problem = to_solver(scenario).problem
    return quality_key(problem, from_schedule(plan_greedy(problem, find_candidates(problem)), "g"))


def per_priority(counts: dict[str, int]) -> tuple[int, ...]:
    """A wire ``{"1": n, ...}`` map as a tuple over priorities 1 to 5."""
    return tuple(counts.get(str(p), 0) for p in PRIORITIES)


def test_repeatable_solve_is_deterministic() -> None:
    """Two repeatable solves of the same week and seed give the same visits and routes."""
    problem = to_solver(generate_town(3, 30, 0)).problem
    params = SolveParams(time_limit=2.0, seed=0, workers=1, repeatable=True)
    first, second = solve(problem, params), solve(problem, params)
    assert first.visits == second.visits
    assert first.routes == second.routes
    assert first.visits


@pytest.mark.parametrize("seed", SEEDS)
def test_plan_week_passes_the_checker(seed: int) -> None:
    """The plan of a generated 5-village town breaks no rule of the independent checker."""
    plan = planned(seed)
    assert plan.visits
    assert [v.message for v in check_plan(generated(seed), plan)] == []


@pytest.mark.parametrize("seed", SEEDS)
def test_plan_week_is_never_below_greedy(seed: int) -> None:
    """The plan's lexicographic quality, read off the wire plan, is at least the greedy plan's."""
    assert plan_quality(generated(seed), planned(seed)) >= greedy_key(generated(seed))


@pytest.mark.parametrize("seed", SEEDS)
def test_plan_quality_reads_the_same_key_as_the_solver(seed: int) -> None:
    """The wire-side key used above equals quality_key on the same (greedy) solution."""
    scenario = generated(seed)
    indexed = to_solver(scenario)
    problem = indexed.problem
    solution = from_schedule(plan_greedy(problem, find_candidates(problem)), "g")
    assert plan_quality(scenario, wire_plan(scenario, indexed, solution)) == quality_key(
        problem, solution
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_bounds_are_at_least_the_planned_visits(seed: int) -> None:
    """The first priority's bound is at least its planned visits; all tiers lexicographically."""
    metrics = planned(seed).metrics
    bound, done = per_priority(metrics.bound_by_priority), per_priority(metrics.planned_by_priority)
    requested = per_priority(metrics.requested_by_priority)
    assert bound[0] >= done[0]
    assert bound >= done
    assert all(b <= r for b, r in zip(bound, requested, strict=True))


def test_small_week_is_solved_exactly() -> None:
    """tiny.json goes to the exact model: proven optimal, at the brute-force counts (2,3,1,0,0)."""
    problem = to_solver(parse(tiny_data())).problem
    solution = solve(problem, SolveParams(time_limit=3.0, seed=0, workers=1))
    assert solution.source == "cp-sat exact"
    assert solution.tiers_proven
    counts = quality_key(problem, solution)[:5]
    assert counts == (2, 3, 1, 0, 0)
    assert solution.bound_by_priority == dict(zip(PRIORITIES, counts, strict=True))


def test_progress_reports_fractions_of_the_budget() -> None:
    """The phase now running is reported, in order, named in the vocabulary, never going back."""
    problem = to_solver(parse(tiny_data())).problem
    seen: list[tuple[str, float]] = []
    solve(
        problem,
        SolveParams(time_limit=3.0, seed=0, workers=1),
        progress=lambda phase, f: seen.append((phase, f)),
    )
    assert [phase for phase, _ in seen][:2] == ["candidates", "baselines"]
    assert seen[0][1] < 0.5, "the first phase is reported when it starts"
    assert all(0.0 <= f <= 1.0 for _, f in seen)
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions)
    assert {phase for phase, _ in seen} <= set(names_of("en", "phase"))


def swap_week() -> Problem:
    """A week too big for the exact model in which LNS can trade rice for a shorter trip.

    sw1's one short Monday shift holds one of two priority-1 visits: n1 asks for rice, n2 is
    at the station. Nine easy volunteer visits of priority 3 over the whole week push the week
    past the exact model's size, so the relaxation and LNS run.
    """
    week = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    volunteer = worker("vol2", "volunteer", availability={d: [["08:00", "18:00"]] for d in week})
    fillers = [
        need(
            f"f{i}",
            3,
            location=STATION,
            staff={"volunteer": 1},
            duration_minutes=20,
            window={"days": week, "from": "08:00", "to": "18:00"},
        )
        for i in range(9)
    ]
    needs = [
        need("n1", 1, staff={"social_worker": 1}, resources=[{"id": "rice", "quantity": 1}]),
        need("n2", 1, staff={"social_worker": 1}, location=STATION),
        *fillers,
    ]
    shift = {"mon": [["09:00", "10:30"]]}
    return problem_of(town([worker("sw1", availability=shift), volunteer], needs, [rice(5)]))


def test_solve_keeps_resource_units_of_the_greedy_plan() -> None:
    """solve() is never below greedy, even where serving a nearer need would hand over less."""
    problem = swap_week()
    greedy = quality_key(
        problem, from_schedule(plan_greedy(problem, find_candidates(problem)), "g")
    )
    assert greedy[5] == 1, "greedy hands the rice to n1"
    solution = solve(problem, SolveParams(time_limit=2.0, seed=0, workers=1))
    assert quality_key(problem, solution) >= greedy


@pytest.mark.parametrize(("visits", "seed"), [(40, 1), (120, 3), (200, 5)])
def test_tier_bounds_hold_and_prove_priority_one(visits: int, seed: int) -> None:
    """Every tier's bound is at least what is planned, and priority 1 is proven on small towns."""
    problem = to_solver(generate_town(max(1, visits // 24), visits, seed)).problem
    solution = solve(problem, SolveParams(time_limit=3.0, seed=0, workers=1, repeatable=True))
    planned = visits_by_priority(problem, solution.visits)
    assert solution.bound_by_priority is not None
    bounds = [solution.bound_by_priority[p] for p in PRIORITIES]
    assert all(b >= v for b, v in zip(bounds, planned, strict=True))
    assert bounds[0] == planned[0]


def test_restricted_problem_keeps_the_chosen_needs_in_order() -> None:
    """A week restricted to some needs has exactly their rows, workers and points unchanged."""
    problem = to_solver(generate_town(3, 60, 2)).problem
    keep = np.flatnonzero(problem.need_priority <= 2)[::-1]
    smaller = problem.restricted(keep)
    assert smaller.n_needs == len(keep)
    assert (smaller.need_point == problem.need_point[keep]).all()
    assert (smaller.need_excluded == problem.need_excluded[keep]).all()
    assert smaller.n_workers == problem.n_workers
    assert smaller.team_rules.size == [problem.team_rules.size[n] for n in keep.tolist()]
