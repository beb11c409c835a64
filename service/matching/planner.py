"""One week, end to end: the single entry point of the matching core.

1. Candidates: who could serve which need on which day and shift (numpy).
2. The greedy plan: what a careful coordinator does by hand; always valid.
3. Small weeks: the exact routing model, proven optimal when time allows.
4. The day-level relaxation on the assignment layer: valid upper bounds per priority, and the
   teams it picks are offered to the next step.
5. Large neighbourhood search: each day re-planned with exact travel and free teams, from
   the current plan, kept only when better; then a last greedy fill.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from service.matching.assignment import SolveParams
from service.matching.budget import Budget
from service.matching.candidates import find_candidates
from service.matching.cpsat.assignment_solver import solve_assignment
from service.matching.cpsat.routing_solver import exact_items, solve_exact
from service.matching.day_model import build_day_model, hint_from_schedule, suggested_teams
from service.matching.greedy import plan_greedy, priority_order
from service.matching.lns import improve
from service.matching.problem import PRIORITIES, Problem
from service.matching.schedule import Schedule
from service.matching.solution import Solution, SolveStatus, from_schedule, visits_by_priority

Progress = Callable[[str, float], None]
"""Called with a phase name and the fraction of the time budget used so far."""

BOUND_SHARE = 0.2
"""Share of the time limit for the relaxation that bounds each priority."""
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
        A valid plan, never worse than the greedy plan under the spec's objective, with upper
        bounds per priority and the seconds spent in each phase.
    """
    budget = Budget(params.time_limit, params.repeatable)
    phases: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        phases[name] = round(now - since, 3)
        progress(name, budget.used())
        return now

    t = time.perf_counter()
    candidates = find_candidates(problem)
    t = lap("candidates", t)
    schedule = plan_greedy(problem, candidates)
    t = lap("greedy", t)

    items = exact_items(problem, candidates)
    if len(items) <= EXACT_MAX_ITEMS and sum(len(i.workers) for i in items) <= EXACT_MAX_PAIRS:
        share = params.time_limit * EXACT_SHARE
        exact = solve_exact(problem, candidates, items, replace(params, time_limit=share))
        budget.charge(share)
        t = lap("exact", t)
        if exact.routed is not None and exact.tiers_proven:
            found = Schedule(problem, candidates)
            for (worker, day, shift), stops in exact.routed.routes.items():
                found.add_route(worker, day, shift, stops)
            for visit in exact.routed.visits:
                found.add_visit(visit)
            return replace(
                from_schedule(found, "cp-sat exact"),
                tiers_proven=True,
                optimal=exact.optimal,
                bound_by_priority=exact.tier_bound,
                phases=phases,
            )

    requested = {p: int(problem.need_visits[problem.need_priority == p].sum()) for p in PRIORITIES}
    relaxation = build_day_model(problem, candidates)
    share = max(params.time_limit * BOUND_SHARE, 0.1)
    budget.charge(share)
    bound = solve_assignment(
        relaxation.assignment,
        replace(params, time_limit=share),
        hint=hint_from_schedule(relaxation, schedule) if params.hints else None,
        with_cost=False,
        strategy="weighted",
        tier_caps=requested,
    )
    t = lap("bound", t)

    improve(
        schedule,
        params,
        budget,
        on_step=lambda _: progress("improve", budget.used()),
        suggested=suggested_teams(relaxation, bound.assigned),
    )
    t = lap("improve", t)
    schedule.fill(priority_order(problem, candidates))
    lap("repair", t)

    tier_bound = {p: bound.tier_bound.get(p, requested[p]) for p in PRIORITIES}
    solution = from_schedule(schedule, "cp-sat")
    planned = visits_by_priority(problem, solution.visits)
    tiers_proven = bound.status == SolveStatus.OPTIMAL and planned == [
        tier_bound[p] for p in PRIORITIES
    ]
    return replace(solution, tiers_proven=tiers_proven, bound_by_priority=tier_bound, phases=phases)
