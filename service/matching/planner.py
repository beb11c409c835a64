"""One week, end to end: the single entry point of the matching core.

1. Candidates: who could serve which need on which day and shift (numpy).
2. Baselines: the greedy plans of :mod:`~service.matching.baselines`; the best is the start.
3. Small weeks: the exact routing model, proven optimal when time allows.
4. The day-level relaxation on the assignment layer: valid upper bounds per priority.
5. Ruin and recreate over the whole week (:mod:`~service.matching.ruin_recreate`) until the
   time is spent; then a last fill. The best of the search and every baseline is returned.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from service.matching.assignment import SolveParams
from service.matching.baselines import BASELINES
from service.matching.budget import Budget
from service.matching.candidates import Candidates, find_candidates
from service.matching.cpsat.assignment_solver import solve_assignment
from service.matching.cpsat.routing_solver import exact_items, solve_exact
from service.matching.day_model import build_day_model, hint_from_schedule
from service.matching.greedy import priority_order
from service.matching.problem import PRIORITIES, Problem
from service.matching.ruin_recreate import RuinRecreate
from service.matching.schedule import Schedule, Visit
from service.matching.solution import (
    Solution,
    SolveStatus,
    from_schedule,
    quality_key,
    to_schedule,
    visits_by_priority,
)
from service.matching.week_routes import WeekRoutes

Progress = Callable[[str, float], None]
"""Called with a phase name and the fraction of the time budget used so far."""

BOUND_SHARE = 0.2
"""Share of the time limit for the relaxation that bounds each priority."""
MIN_SEARCH_SECONDS = 0.5
"""Time left after the bound below which the search does not resume."""
BASELINE_SHARE = 0.25
"""Share of a wall-clock budget after which no further baseline is started."""
EXACT_SHARE = 0.6
EXACT_MAX_ITEMS = 60
"""Weeks with at most this many (need, day) options go to the exact model first."""
EXACT_MAX_PAIRS = 240


def _silent(phase: str, fraction: float) -> None:
    """Progress sink that ignores everything."""


def solve(problem: Problem, params: SolveParams, *, progress: Progress = _silent) -> Solution:
    """Plan a week.

    Parameters
    ----------
    problem
        The week in solver shape.
    params
        Time limit for the whole plan, seed and CP-SAT workers.
    progress
        Receives ``(phase, fraction of time used)`` as the phases go.

    Returns
    -------
    Solution
        A valid plan, never worse under the spec's objective than any baseline it ran, with upper
        bounds per priority and the seconds spent in each phase.
    """
    budget = Budget(params.time_limit, params.repeatable)
    phases: dict[str, float] = {}

    def lap(name: str, since: float, coming: str) -> float:
        """Time the phase ``name`` just ended; report the ``coming`` one as running."""
        now = time.perf_counter()
        phases[name] = round(now - since, 3)
        progress(coming, budget.used())
        return now

    t = time.perf_counter()
    progress("candidates", budget.used())
    candidates = find_candidates(problem)
    t = lap("candidates", t, "baselines")
    scored = {
        name: (quality_key(problem, from_schedule(made, name)), made)
        for name, made in _baselines(problem, candidates, budget).items()
    }
    _, schedule = _best(scored)
    items = exact_items(problem, candidates)
    exact_fits = (
        len(items) <= EXACT_MAX_ITEMS and sum(len(i.workers) for i in items) <= EXACT_MAX_PAIRS
    )
    t = lap("baselines", t, "exact" if exact_fits else "search")

    if exact_fits:
        share = params.time_limit * EXACT_SHARE
        exact = solve_exact(problem, candidates, items, replace(params, time_limit=share))
        budget.charge(share)
        t = lap("exact", t, "search")
        if exact.routed is not None and exact.tiers_proven:
            found = Schedule(problem, candidates)
            for (worker, day, shift), stops in exact.routed.routes.items():
                found.add_route(worker, day, shift, stops)
            for visit in exact.routed.visits:
                found.add_visit(visit)
            exact_key = quality_key(problem, from_schedule(found, "cp-sat exact"))
            source, schedule = _best({"cp-sat exact": (exact_key, found), **scored})
            return replace(
                from_schedule(schedule, source),
                tiers_proven=True,
                optimal=exact.optimal and source == "cp-sat exact",
                bound_by_priority=exact.tier_bound,
                phases=phases,
            )

    state = WeekRoutes.from_schedule(schedule)
    search = RuinRecreate(state, params.seed)

    def search_then_pick(reserve: float, cooling: tuple[float, float]) -> Solution:
        """Search until ``reserve`` seconds are left; the best of search and baselines."""
        seconds = max(budget.left() - reserve, 0.0)
        keep_going, used = budget.clock(lambda: state.work, reserve=reserve)
        search.run(
            keep_going, used, on_step=lambda: progress("search", budget.used()), cooling=cooling
        )
        budget.charge(seconds)
        found = state.to_schedule()
        found.fill(priority_order(problem, candidates))
        scored["search"] = (quality_key(problem, from_schedule(found, "search")), found)
        source, best = _best(scored)
        return from_schedule(best, "ruin-recreate" if source == "search" else source)

    bound_seconds = max(params.time_limit * BOUND_SHARE, 0.1)
    first = max(budget.left() - bound_seconds, 0.0)
    cooled = first / (first + bound_seconds) if first > 0 else 0.0
    solution = search_then_pick(bound_seconds, (0.0, cooled))
    t = lap("search", t, "bound")

    requested = {p: int(problem.need_visits[problem.need_priority == p].sum()) for p in PRIORITIES}
    planned = visits_by_priority(problem, solution.visits)
    tier_bound, proven = _tier_bounds(problem, solution, params, budget, bound_seconds)
    more = budget.left() > MIN_SEARCH_SECONDS
    t = lap("bound", t, "search" if more else "diagnose")
    if more:
        solution = search_then_pick(0.0, (cooled, 1.0))
        planned = visits_by_priority(problem, solution.visits)
        lap("search after bound", t, "diagnose")
    phases["steps"] = float(search.steps)

    tier_bound = {p: tier_bound.get(p, requested[p]) for p in PRIORITIES}
    tiers_proven = proven and planned == [tier_bound[p] for p in PRIORITIES]
    return replace(solution, tiers_proven=tiers_proven, bound_by_priority=tier_bound, phases=phases)


def _baselines(problem: Problem, candidates: Candidates, budget: Budget) -> dict[str, Schedule]:
    """The baseline plans of the week, as schedules, cheapest and most useful first.

    On the wall clock a baseline starts only while less than ``BASELINE_SHARE`` of the budget
    is spent (the first always runs); a repeatable run makes them all.
    """
    found: dict[str, Schedule] = {}
    for name, build in BASELINES.items():
        if found and not budget.repeatable and budget.wall() > BASELINE_SHARE * budget.seconds:
            break
        made = build(problem, candidates)
        found[name] = made.to_schedule() if isinstance(made, WeekRoutes) else made
    return found


def _best(scored: dict[str, tuple[tuple[int, ...], Schedule]]) -> tuple[str, Schedule]:
    """The plan of the largest ``quality_key`` among ``name → (key, plan)`` (first wins ties)."""
    name = max(scored, key=lambda n: scored[n][0])
    return name, scored[name][1]


def _tier_bounds(
    problem: Problem, solution: Solution, params: SolveParams, budget: Budget, seconds: float
) -> tuple[dict[int, int], bool]:
    """Upper bounds on the visits per priority, tier by tier, from the day-level relaxation.

    For priority ``t`` the relaxation holds only the needs of priority 1 to ``t`` (any plan's
    visits of those needs are a plan of that smaller week, so its optimum bounds theirs, and
    the model is small), with each more urgent tier held at what the plan serves. It stops at
    the first priority whose bound exceeds the plan: beyond it a bound says nothing about
    this plan.

    Returns
    -------
    tuple
        ``{priority: bound}`` for the tiers computed, and whether every one was proven.
    """
    planned = visits_by_priority(problem, solution.visits)
    started = budget.left()
    bounds: dict[int, int] = {}
    for tier in PRIORITIES:
        left = seconds - (started - budget.left())
        if left <= 0.05 or budget.left() <= 0.05:
            return bounds, False
        keep = np.flatnonzero(problem.need_priority <= tier)
        if not (problem.need_priority[keep] == tier).any():
            bounds[tier] = 0
            continue
        sub = problem.restricted(keep)
        sub_candidates = find_candidates(sub)
        relaxation = build_day_model(sub, sub_candidates)
        renumber = {int(n): i for i, n in enumerate(keep.tolist())}
        mine = [
            Visit(renumber[v.need], v.day, v.start, v.team)
            for v in solution.visits
            if v.need in renumber
        ]
        routes = {
            key: [renumber[n] for n in needs if n in renumber]
            for key, needs in solution.routes.items()
        }
        hint = to_schedule(
            sub,
            sub_candidates,
            Solution(mine, {k: r for k, r in routes.items() if r}, solution.given[keep]),
        )
        share = max(min(left / (len(PRIORITIES) - tier + 1), budget.left()), 0.05)
        budget.charge(share)
        result = solve_assignment(
            relaxation.assignment,
            replace(params, time_limit=share),
            hint=hint_from_schedule(relaxation, hint) if params.hints else None,
            with_cost=False,
            strategy="tiers",
            tier_floors={p: planned[p - 1] for p in PRIORITIES if p < tier},
        )
        if tier not in result.tier_bound:
            return bounds, False
        asked = int(sub.need_visits[sub.need_priority == tier].sum())
        bounds[tier] = min(result.tier_bound[tier], asked)
        if result.status != SolveStatus.OPTIMAL:
            return bounds, False
        if bounds[tier] > planned[tier - 1]:
            return bounds, True
    return bounds, True
