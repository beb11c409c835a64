"""Improve a valid schedule with the exact routing model over large neighbourhoods.

A neighbourhood is one day (or two neighbouring days) for all workers, or one day for a group
of workers based near each other. Its visits, the most urgent needs still short of visits that
could use those days, and a small pool of nearby qualified workers for each, go to CP-SAT, which
re-plans them with free teams and exact travel, starting from the current plan. Visits shared
with workers outside the group stay where they are (anchors). The result replaces the
neighbourhood only when it is better: more visits priority by priority, then less travel. The
schedule stays valid at every step, so the search can stop whenever time runs out.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from service.matching.assignment import SolveParams
from service.matching.budget import Budget
from service.matching.candidates import Candidates, team_possible
from service.matching.cpsat.routing_solver import Routed, RouteItem, improve_day
from service.matching.problem import N_DAYS, STAFF_ANY, Problem
from service.matching.schedule import Schedule
from service.matching.solution import Solution, from_schedule, quality_key, visits_by_priority

POOL_PER_ROLE = 3
"""Nearest workers kept per role, skill and language a need asks for."""
MAX_NEW_ITEMS = 120
"""Unserved (need, day) options offered per day of a neighbourhood, most urgent first."""
GROUP_SIZE = 12
"""Workers in a group neighbourhood."""
MIN_STEP_SECONDS = 0.5
MAX_STEP_SECONDS = 6.0
GROUP_STEP_SECONDS = 1.5

QualityKey = Callable[[Problem, Solution], tuple[int, ...]]
"""Orders whole-week plans: a larger key is a better plan."""


@dataclass(frozen=True)
class Neighbourhood:
    """Days to re-plan, for these workers only (``None``: everyone)."""

    days: tuple[int, ...]
    workers: frozenset[int] | None = None


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
    ranked = able[np.argsort(candidates.oneway[able, need], kind="stable")].tolist()
    anyone = POOL_PER_ROLE + 1 if problem.need_staff[need, STAFF_ANY] else 0
    pool = problem.team_rules.pool(need, ranked, POOL_PER_ROLE, anyone) | set(keep)
    return tuple(sorted(pool))


def _items(
    schedule: Schedule,
    hood: Neighbourhood,
    wanted: frozenset[int] | None = None,
) -> list[RouteItem]:
    """The neighbourhood's visits (free or anchored) and the most urgent needs that could join.

    ``wanted``, when given, limits the needs that may join to these.
    """
    problem, candidates = schedule.problem, schedule.candidates
    inside = hood.workers

    def pool(need: int, day: int, keep: tuple[int, ...]) -> tuple[int, ...]:
        found = worker_pool(problem, candidates, need, day, keep)
        return found if inside is None else tuple(w for w in found if w in inside)

    items, fresh = [], []
    for day in hood.days:
        for need in np.flatnonzero(problem.need_days[:, day]).tolist():
            visit = schedule.visits.get((need, day))
            if visit is not None:
                if inside is None or set(visit.team) <= inside:
                    items.append(RouteItem(need, day, pool(need, day, visit.team)))
                elif inside & set(visit.team):
                    members = tuple(w for w in visit.team if w in inside)
                    items.append(RouteItem(need, day, members, fixed_start=visit.start))
                continue
            if wanted is not None and need not in wanted:
                continue
            outside = schedule.visit_days(need) - set(hood.days)
            if len(outside) >= problem.need_visits[need]:
                continue
            candidates_here = pool(need, day, ())
            if team_possible(problem, need, np.array(candidates_here, dtype=np.int64)):
                fresh.append(RouteItem(need, day, candidates_here))
    fresh.sort(key=lambda item: (problem.need_priority[item.need], item.need, item.day))
    return items + fresh[: MAX_NEW_ITEMS * len(hood.days)]


def _current(schedule: Schedule, hood: Neighbourhood) -> Routed:
    def mine(worker: int) -> bool:
        return hood.workers is None or worker in hood.workers

    visits = [
        v
        for (_, d), v in schedule.visits.items()
        if d in hood.days and any(mine(w) for w in v.team)
    ]
    routes = {
        key: list(stops)
        for key, stops in schedule.routes.items()
        if key[1] in hood.days and mine(key[0]) and stops
    }
    return Routed(visits, routes, False)


def _groups(problem: Problem, day: int, rng: np.random.Generator) -> list[frozenset[int]]:
    """Workers of ``day`` in groups of neighbours: a random seed worker and those based nearest."""
    active = [w for w in range(problem.n_workers) if problem.worker_shifts[w][day]]
    left = set(active)
    groups = []
    while left:
        seed = int(rng.choice(sorted(left)))
        bases = problem.worker_base[sorted(left)]
        trips = problem.travel[1, problem.worker_base[seed], bases]
        nearest = np.array(sorted(left))[np.argsort(trips, kind="stable")][:GROUP_SIZE]
        group = frozenset(int(w) for w in nearest)
        groups.append(group)
        left -= group
    return groups


def _neighbourhoods(
    problem: Problem, days: list[int], sweep: int, rng: np.random.Generator
) -> list[Neighbourhood]:
    """Sweep 0: whole days; then alternately groups of neighbouring workers and pairs of days."""
    if sweep == 0 or len(days) < 2:
        return [Neighbourhood((d,)) for d in days]
    if sweep % 2 == 1:
        return [Neighbourhood((d,), g) for d in days for g in _groups(problem, d, rng)]
    return [Neighbourhood(pair) for pair in itertools.pairwise(days)]


def improve(
    schedule: Schedule,
    params: SolveParams,
    budget: Budget,
    on_step: Callable[[int], None] | None = None,
    key: QualityKey = quality_key,
    wanted: frozenset[int] | None = None,
) -> int:
    """Re-plan neighbourhood after neighbourhood until the budget is spent or nothing improves.

    Parameters
    ----------
    schedule
        A valid schedule, improved in place.
    params
        Seed and workers (the time limit is ``budget``).
    budget
        Seconds to spend (each step's CP-SAT share is charged to it).
    on_step
        Called with the number of steps done after each step.
    key
        Decides whether a re-planned neighbourhood is kept: only when the week's key grows
        (default: the spec's objective).
    wanted
        Needs still short of visits that neighbourhoods may add (default: every need).

    Returns
    -------
    int
        Neighbourhoods replaced by a better plan.
    """
    problem = schedule.problem
    rng = np.random.default_rng(params.seed)
    days = [
        d
        for d in range(N_DAYS)
        if any(problem.worker_shifts[w][d] for w in range(problem.n_workers))
    ]
    improved_total, steps, idle_sweeps = 0, 0, 0
    for sweep in range(1000):
        improved = 0
        hoods = _neighbourhoods(problem, days, sweep, rng)
        for position, hood in enumerate(hoods):
            left = budget.left()
            if left < MIN_STEP_SECONDS:
                return improved_total
            cap = GROUP_STEP_SECONDS if hood.workers is not None else MAX_STEP_SECONDS
            share = min(max(left / (len(hoods) - position), MIN_STEP_SECONDS), cap * len(hood.days))
            step = replace(params, time_limit=share, seed=params.seed + sweep)
            budget.charge(share)
            improved += _step(schedule, hood, step, key, wanted)
            steps += 1
            if on_step is not None:
                on_step(steps)
        improved_total += improved
        idle_sweeps = 0 if improved else idle_sweeps + 1
        if idle_sweeps >= 3:
            break
    return improved_total


def _step(
    schedule: Schedule,
    hood: Neighbourhood,
    params: SolveParams,
    key: QualityKey,
    wanted: frozenset[int] | None,
) -> int:
    """Re-plan one neighbourhood; keep the result when the week is better. Returns 1 if kept.

    CP-SAT sees visits and travel only; the whole week's objective (resources handed over
    included) decides, and a worse result is undone.
    """
    problem, candidates = schedule.problem, schedule.candidates
    current = _current(schedule, hood)
    items = _items(schedule, hood, wanted)
    if not items:
        return 0
    spent = dict.fromkeys(range(problem.n_workers), 0)
    for (worker, _, _), stops in current.routes.items():
        spent[worker] += sum(s.end - s.start for s in stops)
        spent[worker] += problem.route_travel(worker, [s.need for s in stops])
    week_left = {
        w: int(problem.worker_week_minutes[w] - schedule.week_minutes[w] + spent[w])
        for w in {w for item in items for w in item.workers}
    }
    visits_left = {
        item.need: int(problem.need_visits[item.need])
        - len(schedule.visit_days(item.need) - set(hood.days))
        for item in items
    }
    routed = improve_day(problem, candidates, items, current, week_left, visits_left, params)
    if routed is None or visits_by_priority(problem, routed.visits) < visits_by_priority(
        problem, current.visits
    ):
        return 0
    before = key(problem, from_schedule(schedule, "lns"))
    anchored = {(i.need, i.day) for i in items if i.fixed_start is not None}
    _replace(schedule, hood, anchored, routed)
    if key(problem, from_schedule(schedule, "lns")) > before:
        return 1
    _replace(schedule, hood, anchored, current)
    return 0


def _replace(
    schedule: Schedule, hood: Neighbourhood, anchored: set[tuple[int, int]], routed: Routed
) -> None:
    """Put ``routed`` in place of the neighbourhood's routes and (non-anchored) visits."""
    workers = None if hood.workers is None else set(hood.workers)
    for day in hood.days:
        schedule.clear_day(day, workers)
    for (worker, d, shift), stops in routed.routes.items():
        schedule.add_route(worker, d, shift, stops)
    for visit in routed.visits:
        if (visit.need, visit.day) not in anchored:
            schedule.add_visit(visit)
