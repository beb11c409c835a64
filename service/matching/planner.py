"""One week, end to end: greedy baseline, day-level model, sequencing, repair.

``solve(problem, params)`` is the single entry point of the matching core.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from service.matching.assignment import SolveParams
from service.matching.candidates import Candidates, find_candidates
from service.matching.cpsat.assignment_solver import solve_assignment
from service.matching.cpsat.routing_solver import (
    Routed,
    exact_items,
    sequence_day,
    solve_exact,
)
from service.matching.day_model import (
    DayModel,
    build_day_model,
    hint_from_schedule,
    travel_estimate,
    travel_lower_bound,
)
from service.matching.greedy import plan_greedy, priority_order
from service.matching.problem import N_DAYS, PRIORITIES, Problem
from service.matching.schedule import Schedule, Visit
from service.matching.solution import Solution, SolveStatus, from_schedule, quality_key

Progress = Callable[[str, float], None]
"""Called with a phase name and the fraction of the time budget used so far."""

BOUND_SHARE = 0.2
PLAN_SHARE = 0.45
SEQUENCE_SHARE = 0.3
EXACT_SHARE = 0.5
EXACT_MAX_ITEMS = 60
"""Weeks with at most this many (need, day) options are first solved by the exact model."""
EXACT_MAX_PAIRS = 240


def _silent(phase: str, fraction: float) -> None:
    """Progress sink that ignores everything."""


def solve(problem: Problem, params: SolveParams, *, progress: Progress = _silent) -> Solution:
    """Plan a week: the best of the greedy plan and the optimizer's repaired plan.

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
        A valid plan with bounds per priority and the time spent in each phase.
    """
    started = time.perf_counter()
    phases: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        phases[name] = round(now - since, 3)
        progress(name, min((now - started) / params.time_limit, 1.0))
        return now

    t = time.perf_counter()
    candidates = find_candidates(problem)
    t = lap("candidates", t)
    greedy = plan_greedy(problem, candidates)
    baseline = from_schedule(greedy, "greedy")
    t = lap("greedy", t)

    contenders = [baseline]
    items = exact_items(problem, candidates)
    if len(items) <= EXACT_MAX_ITEMS and sum(len(i.workers) for i in items) <= EXACT_MAX_PAIRS:
        exact = solve_exact(
            problem, candidates, items, replace(params, time_limit=params.time_limit * EXACT_SHARE)
        )
        t = lap("exact", t)
        if exact.routed is not None:
            schedule = Schedule(problem, candidates)
            load_routed(schedule, exact.routed)
            found = from_schedule(schedule, "cp-sat exact")
            if exact.tiers_proven:
                return replace(
                    found,
                    tiers_proven=True,
                    optimal=exact.optimal,
                    bound_by_priority=exact.tier_bound,
                    phases=phases,
                )
            contenders.append(found)

    bound_model = build_day_model(problem, candidates, travel_lower_bound(problem, candidates))
    bound = solve_assignment(
        bound_model.assignment,
        replace(params, time_limit=params.time_limit * BOUND_SHARE),
        hint=hint_from_schedule(bound_model, greedy),
        tiers_only=True,
    )
    t = lap("bound", t)

    plan_model = build_day_model(problem, candidates, travel_estimate(problem, candidates))
    left = params.time_limit - (time.perf_counter() - started)
    assigned = solve_assignment(
        plan_model.assignment,
        replace(params, time_limit=max(left * PLAN_SHARE / (1 - BOUND_SHARE), 0.1)),
        hint=hint_from_schedule(plan_model, greedy),
        relative_gap=0.001,
    )
    t = lap("assign", t)

    schedule = _sequence(problem, candidates, plan_model, assigned.assigned, params, started)
    t = lap("sequence", t)
    schedule.fill(priority_order(problem, candidates))
    optimized = from_schedule(schedule, "cp-sat")
    lap("repair", t)

    best = max([optimized, *contenders], key=lambda s: quality_key(problem, s))
    tier_bound = {p: bound.tier_bound.get(p, 0) for p in PRIORITIES}
    planned = _planned_by_priority(problem, best.visits)
    tiers_proven = bound.status == SolveStatus.OPTIMAL and all(
        planned[p] == tier_bound[p] for p in PRIORITIES
    )
    return replace(best, tiers_proven=tiers_proven, bound_by_priority=tier_bound, phases=phases)


def _planned_by_priority(problem: Problem, visits: list[Visit]) -> dict[int, int]:
    counts = dict.fromkeys(PRIORITIES, 0)
    for visit in visits:
        counts[int(problem.need_priority[visit.need])] += 1
    return counts


def _sequence(
    problem: Problem,
    candidates: Candidates,
    model: DayModel,
    assigned: np.ndarray,
    params: SolveParams,
    started: float,
) -> Schedule:
    """Sequence each day's assigned visits with exact travel; load them into a schedule."""
    teams: dict[tuple[int, int], list[int]] = {}
    pair_item = model.assignment.pair_item
    for pair in np.flatnonzero(assigned):
        item = int(pair_item[pair])
        key = (int(model.item_need[item]), int(model.item_day[item]))
        teams.setdefault(key, []).append(int(model.pair_worker[pair]))
    schedule = Schedule(problem, candidates)
    total = max(len(teams), 1)
    budget = params.time_limit * SEQUENCE_SHARE
    for day in range(N_DAYS):
        today = [(n, tuple(sorted(w))) for (n, d), w in teams.items() if d == day]
        if not today:
            continue
        left = params.time_limit - (time.perf_counter() - started)
        share = min(budget * len(today) / total, max(left * 0.5, 0.05))
        week_left = {
            w: int(problem.worker_week_minutes[w] - schedule.week_minutes[w])
            for w in {w for _, team in today for w in team}
        }
        routed = sequence_day(
            problem, candidates, day, today, week_left, replace(params, time_limit=share)
        )
        load_routed(schedule, routed)
    return schedule


def load_routed(schedule: Schedule, routed: Routed) -> None:
    """Add routed visits and their shift routes to a schedule."""
    for (worker, day, shift), stops in routed.routes.items():
        schedule.add_route(worker, day, shift, stops)
    for visit in routed.visits:
        schedule.add_visit(visit)
