"""Mulin itself and its greedy baseline, under the same budget as the peers (one thread)."""

from __future__ import annotations

from benchmarks.peers.encoding import Limits
from service.matching.assignment import SolveParams
from service.matching.candidates import find_candidates
from service.matching.greedy import plan_greedy
from service.matching.solution import Solution, from_schedule
from service.planning import PlanOptions, plan_week, plan_with
from service.to_solver import Indexed
from service.wire.plan import Plan
from service.wire.scenario import Scenario


def _options(limits: Limits) -> PlanOptions:
    return PlanOptions(time_limit=limits.time_limit, seed=limits.seed, workers=1, language="en")


def solve_mulin(scenario: Scenario, limits: Limits) -> Plan:
    """Plan the week with Mulin's planner (``plan_week``) on one CP-SAT worker.

    Parameters
    ----------
    scenario
        Any valid scenario.
    limits
        Time limit and seed.

    Returns
    -------
    Plan
        Mulin's plan.
    """
    return plan_week(scenario, _options(limits))


def _greedy_week(indexed: Indexed, params: SolveParams) -> Solution:
    """Most urgent first, cheapest valid insertion: the greedy baseline, no search."""
    problem = indexed.problem
    return from_schedule(plan_greedy(problem, find_candidates(problem)), "greedy")


def solve_greedy(scenario: Scenario, limits: Limits) -> Plan:
    """Plan the week with Mulin's priority-order greedy planner alone.

    Parameters
    ----------
    scenario
        Any valid scenario.
    limits
        Recorded only: the greedy planner does not search.

    Returns
    -------
    Plan
        The greedy plan, with Mulin's reasons for what is unmet.
    """
    return plan_with(scenario, _options(limits), _greedy_week)
