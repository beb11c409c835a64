"""Improve a valid schedule one day at a time with the exact routing model (large neighbourhoods).

Each step frees one day: its visits, the needs still short of visits that could take that day,
and for each a small pool of nearby qualified workers. CP-SAT re-plans the day with free teams
and exact travel, starting from the current plan of the day, and the result replaces the day
only when it is better: more visits priority by priority, then less travel. The schedule stays
valid at every step, so the search can stop whenever time runs out.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from service.matching.assignment import SolveParams
from service.matching.candidates import Candidates, team_possible
from service.matching.cpsat.routing_solver import Routed, RouteItem, improve_day
from service.matching.problem import N_DAYS, N_ROLES, PRIORITIES, STAFF_ANY, Problem
from service.matching.schedule import Schedule

POOL_PER_ROLE = 3
"""Nearest workers kept per role, skill and language a need asks for."""
MAX_NEW_ITEMS = 120
"""Unserved (need, day) options offered to one day's model, most urgent first."""
MIN_STEP_SECONDS = 0.5
MAX_STEP_SECONDS = 6.0


def worker_pool(
    problem: Problem, candidates: Candidates, need: int, day: int, keep: tuple[int, ...] = ()
) -> tuple[int, ...]:
    """A few nearby workers who together could staff ``need`` on ``day``.

    Parameters
    ----------
    problem, candidates
        The week and its feasibility facts.
    need, day
        The visit.
    keep
        Workers always included (the current team).

    Returns
    -------
    tuple of int
        Sorted worker indices.
    """
    able = candidates.workers_for(need, day)
    ranked = able[np.argsort(candidates.oneway[able, need], kind="stable")]
    pool = set(keep)
    for role in range(N_ROLES):
        if problem.need_staff[need, role]:
            pool.update(ranked[problem.worker_role[ranked] == role][:POOL_PER_ROLE].tolist())
    if problem.need_staff[need, STAFF_ANY]:
        pool.update(ranked[: POOL_PER_ROLE + 1].tolist())
    for skill in np.flatnonzero(problem.need_skills[need]):
        pool.update(ranked[problem.worker_skills[ranked, skill]][:POOL_PER_ROLE].tolist())
    wanted = problem.need_languages[need]
    if wanted.any():
        speakers = problem.worker_languages[ranked][:, wanted].any(axis=1)
        pool.update(ranked[speakers][:POOL_PER_ROLE].tolist())
    return tuple(sorted(pool))


def _items(
    problem: Problem,
    candidates: Candidates,
    schedule: Schedule,
    days: tuple[int, ...],
    suggested: dict[tuple[int, int], tuple[int, ...]],
) -> list[RouteItem]:
    """The current visits of ``days`` and the most urgent needs that could use those days."""
    items, fresh = [], []
    for day in days:
        current = {n for (n, d) in schedule.visits if d == day}
        for need in np.flatnonzero(problem.need_days[:, day]).tolist():
            if need in current:
                team = schedule.visits[(need, day)].team
                items.append(
                    RouteItem(need, day, worker_pool(problem, candidates, need, day, team))
                )
                continue
            outside = schedule.visit_days(need) - set(days)
            if len(outside) >= problem.need_visits[need]:
                continue
            if len(schedule.visit_days(need)) >= problem.need_visits[need] and len(days) == 1:
                continue
            pool = worker_pool(problem, candidates, need, day, suggested.get((need, day), ()))
            if team_possible(problem, need, np.array(pool, dtype=np.int64)):
                fresh.append(RouteItem(need, day, pool))
    fresh.sort(key=lambda item: (problem.need_priority[item.need], item.need, item.day))
    return items + fresh[: MAX_NEW_ITEMS * len(days)]


def _value(problem: Problem, routed: Routed) -> tuple[int, ...]:
    """Visits per priority, then minus travel: the objective restricted to the neighbourhood."""
    counts = [0] * len(PRIORITIES)
    for visit in routed.visits:
        counts[int(problem.need_priority[visit.need]) - 1] += 1
    travel = sum(
        problem.route_travel(w, [s.need for s in stops])
        for (w, _, _), stops in routed.routes.items()
    )
    return (*counts, -travel)


def _current(schedule: Schedule, days: tuple[int, ...]) -> Routed:
    visits = [v for (_, d), v in schedule.visits.items() if d in days]
    routes = {
        key: list(stops) for key, stops in schedule.routes.items() if key[1] in days and stops
    }
    return Routed(visits, routes, False)


def _neighbourhoods(days: list[int], sweep: int) -> list[tuple[int, ...]]:
    """Single days on even sweeps; two neighbouring working days on odd ones."""
    if sweep % 2 == 0 or len(days) < 2:
        return [(d,) for d in days]
    return [(a, b) for a, b in itertools.pairwise(days)]


def improve(
    schedule: Schedule,
    params: SolveParams,
    deadline: float,
    on_step: Callable[[int], None] | None = None,
    suggested: dict[tuple[int, int], tuple[int, ...]] | None = None,
) -> int:
    """Re-plan day after day (then pairs of days) until the deadline or until nothing improves.

    Parameters
    ----------
    schedule
        A valid schedule, improved in place.
    params
        Seed and workers (the time limit is ``deadline``).
    deadline
        ``time.perf_counter()`` value to stop at.
    on_step
        Called with the number of steps done after each step.
    suggested
        ``(need, day)`` → workers worth offering for that visit (e.g. a relaxation's team).

    Returns
    -------
    int
        Neighbourhoods replaced by a better plan.
    """
    problem = schedule.problem
    days = [
        d
        for d in range(N_DAYS)
        if any(problem.worker_shifts[w][d] for w in range(problem.n_workers))
    ]
    improved_total, steps, idle_sweeps = 0, 0, 0
    for sweep in range(1000):
        improved = 0
        hoods = _neighbourhoods(days, sweep)
        for position, hood in enumerate(hoods):
            left = deadline - time.perf_counter()
            if left < MIN_STEP_SECONDS:
                return improved_total
            share = left / (len(hoods) - position)
            share = min(max(share, MIN_STEP_SECONDS), MAX_STEP_SECONDS * len(hood))
            improved += _step(
                schedule,
                hood,
                replace(params, time_limit=share, seed=params.seed + sweep),
                suggested or {},
            )
            steps += 1
            if on_step is not None:
                on_step(steps)
        improved_total += improved
        idle_sweeps = 0 if improved else idle_sweeps + 1
        if idle_sweeps >= 2:
            break
    return improved_total


def _step(
    schedule: Schedule,
    days: tuple[int, ...],
    params: SolveParams,
    suggested: dict[tuple[int, int], tuple[int, ...]],
) -> int:
    """Re-plan ``days``; replace them when the result is better. Returns 1 if replaced."""
    problem, candidates = schedule.problem, schedule.candidates
    current = _current(schedule, days)
    items = _items(problem, candidates, schedule, days, suggested)
    if not items:
        return 0
    inside = dict.fromkeys(range(problem.n_workers), 0)
    for (worker, _, _), stops in current.routes.items():
        inside[worker] += sum(s.end - s.start for s in stops)
        inside[worker] += problem.route_travel(worker, [s.need for s in stops])
    week_left = {
        w: int(problem.worker_week_minutes[w] - schedule.week_minutes[w] + inside[w])
        for w in {w for item in items for w in item.workers}
    }
    visits_left = {
        item.need: int(problem.need_visits[item.need])
        - len(schedule.visit_days(item.need) - set(days))
        for item in items
    }
    routed = improve_day(problem, candidates, items, current, week_left, visits_left, params)
    if routed is None or _value(problem, routed) <= _value(problem, current):
        return 0
    for day in days:
        schedule.clear_day(day)
    for (worker, d, shift), stops in routed.routes.items():
        schedule.add_route(worker, d, shift, stops)
    for visit in routed.visits:
        schedule.add_visit(visit)
    return 1
