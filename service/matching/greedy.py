"""The priority-order greedy planner: what a careful coordinator does by hand.

Most urgent needs first (mandatory ones first within a priority, then the hardest to staff);
each visit goes to the cheapest valid team and time on the cheapest allowed day. It is the hint
for CP-SAT and the baseline every benchmark compares against.
"""

from __future__ import annotations

import numpy as np

from service.matching.candidates import Candidates
from service.matching.problem import Problem
from service.matching.schedule import Schedule


def priority_order(problem: Problem, candidates: Candidates) -> list[int]:
    """Needs in the order a coordinator would staff them.

    Parameters
    ----------
    problem
        The week in solver shape.
    candidates
        Its feasibility facts.

    Returns
    -------
    list of int
        Need indices: priority, then mandatory first, then fewest possible workers, then index.
    """
    options = candidates.day_ok.sum(axis=(0, 1))
    keys = np.lexsort(
        (np.arange(problem.n_needs), options, ~problem.need_mandatory, problem.need_priority)
    )
    return [int(n) for n in keys]


def plan_greedy(problem: Problem, candidates: Candidates) -> Schedule:
    """Build a schedule greedily, visit by visit, most urgent first.

    Parameters
    ----------
    problem
        The week in solver shape.
    candidates
        Its feasibility facts.

    Returns
    -------
    Schedule
        A valid schedule.
    """
    schedule = Schedule(problem, candidates)
    schedule.fill(priority_order(problem, candidates))
    return schedule
