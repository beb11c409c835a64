"""A solved week in the solver shape, and the lexicographic key plans are compared by."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np

from service.matching.candidates import Candidates
from service.matching.problem import PRIORITIES, IntArray, Problem
from service.matching.schedule import RouteStop, Schedule, Visit


class SolveStatus(enum.Enum):
    """How a solve ended. Infeasible and timed-out runs are results, never exceptions."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Solution:
    """Visits, shift routes and resources handed over, with what is known of optimality.

    Attributes
    ----------
    visits
        Planned visits, any order.
    routes
        ``(worker, day, shift)`` → needs in the order driven.
    given
        ``(needs, resources)`` units handed over (at each need's first visit).
    tiers_proven
        Whether the visit counts per priority are proven best (they equal the bounds).
    optimal
        Whether the whole lexicographic objective is proven best.
    bound_by_priority
        Upper bounds on the visits per priority, taken tier by tier (``None`` where unknown).
    """

    visits: list[Visit]
    routes: dict[tuple[int, int, int], list[int]]
    given: IntArray
    tiers_proven: bool = False
    optimal: bool = False
    bound_by_priority: dict[int, int] | None = None
    phases: dict[str, float] = field(default_factory=dict)
    source: str = "greedy"


def allocate_resources(problem: Problem, served: set[int]) -> IntArray:
    """Hand over requested resources to served needs, most urgent first, within stock.

    Per resource this greedy is optimal for the spec's order (units by priority, most urgent
    first): each tier receives as much as the stock left over by the tiers above it allows.

    Parameters
    ----------
    problem
        The week in solver shape.
    served
        Needs with at least one planned visit.

    Returns
    -------
    numpy.ndarray
        ``(needs, resources)`` units given.
    """
    given = np.zeros_like(problem.need_request)
    order = sorted(served, key=lambda n: (problem.need_priority[n], n))
    for r in range(problem.need_request.shape[1]):
        left = int(problem.resource_stock[r])
        for need in order:
            if left == 0:
                break
            if problem.need_eligible[need, r]:
                given[need, r] = min(int(problem.need_request[need, r]), left)
                left -= int(given[need, r])
    return given


def from_schedule(schedule: Schedule, source: str) -> Solution:
    """Freeze a schedule into a solution, resources allocated."""
    visits = sorted(schedule.visits.values(), key=lambda v: (v.day, v.start, v.need))
    routes = {key: [s.need for s in stops] for key, stops in schedule.routes.items() if stops}
    given = allocate_resources(schedule.problem, {v.need for v in visits})
    return Solution(visits, routes, given, source=source)


def visits_by_priority(problem: Problem, visits: list[Visit]) -> list[int]:
    """How many of ``visits`` have priority 1, 2, … 5 (index 0 is priority 1)."""
    counts = [0] * len(PRIORITIES)
    for visit in visits:
        counts[int(problem.need_priority[visit.need]) - 1] += 1
    return counts


def travel_total(problem: Problem, solution: Solution) -> int:
    """Travel minutes of all the solution's shift routes."""
    return sum(problem.route_travel(w, stops) for (w, _, _), stops in solution.routes.items())


def quality_key(problem: Problem, solution: Solution) -> tuple[int, ...]:
    """The spec's lexicographic objective as a tuple: larger is better.

    Visits per priority 1..5, resource units per priority 1..5, minus travel minutes,
    visits by a preferred worker, minus the largest worker load (service plus travel).
    """
    per_priority = visits_by_priority(problem, solution.visits)
    preferred = sum(
        int(problem.need_preferred[visit.need, list(visit.team)].any()) for visit in solution.visits
    )
    units = [int(solution.given[problem.need_priority == p].sum()) for p in PRIORITIES]
    travel = travel_total(problem, solution)
    load = np.zeros(problem.n_workers, dtype=np.int64)
    for (worker, _, _), stops in solution.routes.items():
        load[worker] += problem.route_travel(worker, stops)
        load[worker] += int(problem.need_duration[stops].sum())
    return (*per_priority, *units, -travel, preferred, -int(load.max(initial=0)))


def to_schedule(problem: Problem, candidates: Candidates, solution: Solution) -> Schedule:
    """Load a solution back into a schedule (to insert more visits into it)."""
    schedule = Schedule(problem, candidates)
    start = {(v.need, v.day): v.start for v in solution.visits}
    for (worker, day, shift), needs in solution.routes.items():
        stops = [
            RouteStop(start[(n, day)], start[(n, day)] + int(problem.need_duration[n]), n)
            for n in needs
        ]
        schedule.add_route(worker, day, shift, stops)
    for visit in solution.visits:
        schedule.add_visit(visit)
    return schedule
